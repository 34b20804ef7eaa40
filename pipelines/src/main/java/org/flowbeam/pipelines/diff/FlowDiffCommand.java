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
    for (String a : args) {
      if (a.startsWith("--output=")) {
        output = Path.of(a.substring("--output=".length()));
      } else if (a.startsWith("--")) {
        throw new DiffException(
            "diff: unknown option " + a + "; usage: diff A B [--output=FILE]", true);
      } else {
        sides.add(a);
      }
    }
    if (sides.size() != 2) {
      throw new DiffException(
          "diff: give two outputs or inputs to compare, A and B; usage: diff A B [--output=FILE]",
          true);
    }
    List<FlowRow> a = flowsOf(sides.get(0), runJob);
    List<FlowRow> b = flowsOf(sides.get(1), runJob);
    FlowDiff.Result r = FlowDiff.compare(a, b);
    if (output == null) {
      write(r, out);
    } else {
      try (PrintStream file = new PrintStream(Files.newOutputStream(output), false, "UTF-8")) {
        write(r, file);
      }
    }
    err.println(
        String.format(
            Locale.ROOT,
            "flowbeam diff: %,d flows in A, %,d in B: %,d the same, %,d changed, %,d only in A,"
                + " %,d only in B",
            a.size(),
            b.size(),
            r.same(),
            r.changed(),
            r.onlyInA(),
            r.onlyInB()));
  }

  private static List<FlowRow> flowsOf(String side, BiFunction<String, Path, Integer> runJob)
      throws DiffException, IOException {
    Path path = Path.of(side);
    if (Files.isDirectory(path.resolve("flows"))) {
      return readFlows(path.resolve("flows"));
    }
    if (Files.isDirectory(path)) {
      throw new DiffException(
          "diff: " + side + " is a directory without flows/: not a FlowBeam output", true);
    }
    Path out = Files.createTempDirectory("flowbeam-diff-");
    try {
      int code = runJob.apply(side, out.resolve("out"));
      if (code != 0) {
        throw new DiffException(
            "diff: the job on " + side + " failed (exit code " + code + ")", false);
      }
      return readFlows(out.resolve("out").resolve("flows"));
    } finally {
      deleteTree(out);
    }
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

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Unused sink for a job's own output when run for a diff. */
  public static PrintStream discard() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
