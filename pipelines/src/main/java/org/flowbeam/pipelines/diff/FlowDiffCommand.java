package org.flowbeam.pipelines.diff;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.flowbeam.pipelines.incremental.FileTrees;
import org.flowbeam.pipelines.report.ReportData;
import org.flowbeam.pipelines.report.ReportHtml;
import org.flowbeam.pipelines.report.ReportReader;

/**
 * {@code flowbeam diff A B}: the flows of two outputs compared ({@link FlowDiff}), as CSV on
 * standard output (or {@code --output=FILE}) and a summary line on standard error. A and B are
 * output directories of FlowBeam (flat or a series root: every CSV under {@code flows/}), or inputs
 * (captures, packet CSV, patterns), which are first run through the job with its defaults.
 */
public final class FlowDiffCommand {
  private FlowDiffCommand() {}

  /** The diff's columns: the change, the conversation, then each side's values. */
  public static final List<String> COLUMNS =
      List.of(
          "change",
          "protocol",
          "initiator_ip",
          "initiator_port",
          "responder_ip",
          "responder_port",
          "a_start_us",
          "b_start_us",
          "a_packets",
          "b_packets",
          "a_bytes",
          "b_bytes",
          "a_state",
          "b_state",
          "a_close_reason",
          "b_close_reason");

  /** A bad argument or unreadable side: one line, exit code 2 or 1. */
  public static final class DiffException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean usage;

    DiffException(String message, boolean usage) {
      super(message);
      this.usage = usage;
    }

    public boolean usage() {
      return usage;
    }
  }

  /**
   * Runs the diff.
   *
   * @param args {@code A B [--output=FILE]}
   * @param runJob runs FlowBeam's job on an input into an output directory; returns its exit code
   *     and prints nothing but its failure line
   */
  public static void run(
      List<String> args, PrintStream out, PrintStream err, BiFunction<String, Path, Integer> runJob)
      throws DiffException, IOException {
    List<String> sides = new ArrayList<>();
    Path output = null;
    Path report = null;
    for (String a : args) {
      if (a.startsWith("--output=")) {
        output = Path.of(a.substring("--output=".length()));
      } else if (a.startsWith("--report=")) {
        report = Path.of(a.substring("--report=".length()));
      } else if (a.startsWith("--")) {
        throw new DiffException(
            "diff: unknown option " + a + "; usage: diff A B [--output=FILE] [--report=FILE]",
            true);
      } else {
        sides.add(a);
      }
    }
    if (sides.size() != 2) {
      throw new DiffException(
          "diff: give two outputs or inputs to compare, A and B; usage: diff A B [--output=FILE] [--report=FILE]",
          true);
    }
    List<Path> temporary = new ArrayList<>();
    try {
      Path dirA = outputOf(sides.get(0), runJob, temporary);
      Path dirB = outputOf(sides.get(1), runJob, temporary);
      List<FlowRow> a = readFlows(dirA.resolve("flows"));
      List<FlowRow> b = readFlows(dirB.resolve("flows"));
      FlowDiff.Result r = FlowDiff.compare(a, b);
      write(r, output, out);
      if (report != null) {
        String title = nameOf(sides.get(1)) + " compared with " + nameOf(sides.get(0));
        ReportHtml.write(
            ReportReader.read(dirB, title)
                .withComparison(comparison(sides.get(0), a.size(), b.size(), r)),
            report);
      }
      err.println(summary(a.size(), b.size(), r));
    } finally {
      for (Path t : temporary) {
        FileTrees.deleteRecursively(t);
      }
    }
  }

  private static String nameOf(String side) {
    Path p = Path.of(side).getFileName();
    return p == null ? side : p.toString();
  }

  /** The report's section of {@code r}: counts and the first differences. */
  static ReportData.Comparison comparison(String a, long flowsA, long flowsB, FlowDiff.Result r) {
    List<ReportData.Difference> rows = new ArrayList<>();
    for (FlowDiff.Pair p : r.differences()) {
      if (rows.size() == ReportData.Comparison.MAX_DIFFERENCES) {
        break;
      }
      FlowRow any = p.a() != null ? p.a() : p.b();
      rows.add(
          new ReportData.Difference(
              p.change(),
              any.initiatorIp()
                  + ":"
                  + any.initiatorPort()
                  + " → "
                  + any.responderIp()
                  + ":"
                  + any.responderPort()
                  + " ("
                  + any.protocol()
                  + ")",
              both(p, FlowRow::packets),
              both(p, FlowRow::bytes),
              both(p, FlowRow::state),
              both(p, FlowRow::closeReason)));
    }
    return new ReportData.Comparison(
        a, flowsA, flowsB, r.same(), r.changed(), r.onlyInA(), r.onlyInB(), rows);
  }

  private static String both(FlowDiff.Pair p, java.util.function.Function<FlowRow, Object> f) {
    return (p.a() == null ? "-" : String.valueOf(f.apply(p.a())))
        + " → "
        + (p.b() == null ? "-" : String.valueOf(f.apply(p.b())));
  }

  private static String summary(long flowsA, long flowsB, FlowDiff.Result r) {
    return String.format(
        Locale.ROOT,
        "flowbeam diff: %,d flows in A, %,d in B: %,d the same, %,d changed, %,d only in A,"
            + " %,d only in B",
        flowsA,
        flowsB,
        r.same(),
        r.changed(),
        r.onlyInA(),
        r.onlyInB());
  }

  private static void write(FlowDiff.Result r, Path output, PrintStream out) throws IOException {
    if (output == null) {
      write(r, out);
    } else {
      try (PrintStream file = new PrintStream(Files.newOutputStream(output), false, "UTF-8")) {
        write(r, file);
      }
    }
  }

  /**
   * The output directory of {@code side}: itself if it is an output, else the job's output on it in
   * a temporary directory (added to {@code temporary}, deleted by the caller).
   */
  private static Path outputOf(
      String side, BiFunction<String, Path, Integer> runJob, List<Path> temporary)
      throws DiffException, IOException {
    Path path = Path.of(side);
    if (Files.isDirectory(path.resolve("flows"))) {
      return path;
    }
    if (Files.isDirectory(path)) {
      throw new DiffException(
          "diff: " + side + " is a directory without flows/: not a FlowBeam output", true);
    }
    Path tmp = Files.createTempDirectory("flowbeam-diff-");
    temporary.add(tmp);
    int code = runJob.apply(side, tmp.resolve("out"));
    if (code != 0) {
      throw new DiffException(
          "diff: the job on " + side + " failed (exit code " + code + ")", false);
    }
    return tmp.resolve("out");
  }

  /** The flows of every CSV file under {@code dir}, at any depth (a series' partitions). */
  static List<FlowRow> readFlows(Path dir) throws IOException, DiffException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new DiffException(
          "diff: no flows CSV under " + dir + " (write the outputs with --formats=csv)", false);
    }
    List<FlowRow> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
    for (Path f : files) {
      try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        for (CSVRecord r : format.parse(in)) {
          rows.add(row(f, r));
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new DiffException(
            "diff: " + f + ": not a FlowBeam flows CSV (" + e.getMessage() + ")", false);
      }
    }
    return rows;
  }

  private static FlowRow row(Path file, CSVRecord r) throws DiffException {
    try {
      return new FlowRow(
          r.get("initiator_ip"),
          Integer.parseInt(r.get("initiator_port")),
          r.get("responder_ip"),
          Integer.parseInt(r.get("responder_port")),
          Integer.parseInt(r.get("protocol")),
          Long.parseLong(r.get("start_us")),
          Long.parseLong(r.get("packets")),
          Long.parseLong(r.get("bytes")),
          r.get("state"),
          r.get("close_reason"));
    } catch (NumberFormatException e) {
      throw new DiffException(
          "diff: "
              + file
              + " line "
              + r.getRecordNumber()
              + ": not a flow row ("
              + e.getMessage()
              + ")",
          false);
    }
  }

  private static void write(FlowDiff.Result r, PrintStream out) throws IOException {
    CSVPrinter csv =
        new CSVPrinter(
            out,
            CSVFormat.DEFAULT
                .builder()
                .setRecordSeparator('\n')
                .setHeader(COLUMNS.toArray(String[]::new))
                .build());
    for (FlowDiff.Pair p : r.differences()) {
      FlowRow any = p.a() != null ? p.a() : p.b();
      csv.printRecord(
          p.change(),
          any.protocol(),
          any.initiatorIp(),
          any.initiatorPort(),
          any.responderIp(),
          any.responderPort(),
          p.a() == null ? "" : p.a().startUs(),
          p.b() == null ? "" : p.b().startUs(),
          p.a() == null ? "" : p.a().packets(),
          p.b() == null ? "" : p.b().packets(),
          p.a() == null ? "" : p.a().bytes(),
          p.b() == null ? "" : p.b().bytes(),
          p.a() == null ? "" : p.a().state(),
          p.b() == null ? "" : p.b().state(),
          p.a() == null ? "" : p.a().closeReason(),
          p.b() == null ? "" : p.b().closeReason());
    }
    csv.flush();
  }

  /** Unused sink for a job's own output when run for a diff. */
  public static PrintStream discard() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
