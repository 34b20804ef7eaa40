package org.flowbeam.pipelines.diff;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.flowbeam.io.fs.Location;
import org.flowbeam.pipelines.CommandHadoopOptions;
import org.flowbeam.pipelines.HadoopErrors;
import org.flowbeam.pipelines.incremental.FileTrees;
import org.flowbeam.pipelines.report.ReportData;
import org.flowbeam.pipelines.report.ReportHtml;
import org.flowbeam.pipelines.report.ReportReader;

/**
 * {@code flowbeam diff A B}: the flows of two outputs compared ({@link FlowDiff}), as CSV on
 * standard output (or {@code --output=FILE}) and a summary line on standard error. A and B are
 * output directories of FlowBeam (flat or a series root: every CSV under {@code flows/}), or inputs
 * (captures, packet CSV, patterns), which are first run through the job with its defaults. Every
 * path may be local or an {@code hdfs://} URI ({@link Location}), reached with the Hadoop
 * configuration of {@code --hdfsConfiguration} or the environment ({@link CommandHadoopOptions}).
 */
public final class FlowDiffCommand {
  private FlowDiffCommand() {}

  /**
   * The diff's columns: the change, the conversation, each side's start, then each side's values of
   * every compared column ({@link FlowRow#COMPARED}: {@code a_packets, b_packets, ...,
   * a_tunnel_other_packets, b_tunnel_other_packets}).
   */
  public static final List<String> COLUMNS = columns();

  private static final String USAGE =
      "usage: diff A B [--output=FILE] [--report=FILE] [--hdfsConfiguration=JSON]";

  /** Runs FlowBeam's job for a side that is an input. */
  @FunctionalInterface
  public interface JobRunner {
    /**
     * Runs the job on {@code input} into the local directory {@code output}, with {@code options}
     * besides; returns its exit code and prints nothing but its failure line.
     */
    int run(String input, Path output, List<String> options);
  }

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

  private static List<String> columns() {
    List<String> c =
        new ArrayList<>(
            List.of(
                "change",
                "protocol",
                "initiator_ip",
                "initiator_port",
                "responder_ip",
                "responder_port",
                "a_start_us",
                "b_start_us"));
    for (String compared : FlowRow.COMPARED) {
      c.add("a_" + compared);
      c.add("b_" + compared);
    }
    return List.copyOf(c);
  }

  /**
   * Runs the diff.
   *
   * @param args {@code A B [--output=FILE] [--report=FILE] [--hdfsConfiguration=JSON]}
   * @param runJob runs FlowBeam's job on a side that is an input
   */
  public static void run(List<String> args, PrintStream out, PrintStream err, JobRunner runJob)
      throws DiffException, IOException {
    List<String> sides = new ArrayList<>();
    String output = null;
    String report = null;
    String hdfsConfiguration = null;
    for (String a : args) {
      if (a.startsWith("--output=")) {
        output = a.substring("--output=".length());
      } else if (a.startsWith("--report=")) {
        report = a.substring("--report=".length());
      } else if (a.startsWith(CommandHadoopOptions.OPTION)) {
        hdfsConfiguration = a.substring(CommandHadoopOptions.OPTION.length());
      } else if (a.startsWith("--")) {
        throw new DiffException("diff: unknown option " + a + "; " + USAGE, true);
      } else {
        sides.add(a);
      }
    }
    if (sides.size() != 2) {
      throw new DiffException(
          "diff: give two outputs or inputs to compare, A and B; " + USAGE, true);
    }
    PipelineOptions hadoop = CommandHadoopOptions.of(hdfsConfiguration);
    List<String> jobOptions =
        hdfsConfiguration == null
            ? List.of()
            : List.of(CommandHadoopOptions.OPTION + hdfsConfiguration);
    List<Path> temporary = new ArrayList<>();
    try {
      Location dirA = outputOf(sides.get(0), hadoop, runJob, jobOptions, temporary);
      Location dirB = outputOf(sides.get(1), hadoop, runJob, jobOptions, temporary);
      List<FlowRow> a = readFlows(dirA.resolve("flows"));
      List<FlowRow> b = readFlows(dirB.resolve("flows"));
      FlowDiff.Result r = FlowDiff.compare(a, b);
      write(r, output == null ? null : Location.of(output, hadoop), out);
      if (report != null) {
        String title = nameOf(sides.get(1)) + " compared with " + nameOf(sides.get(0));
        ReportHtml.write(
            ReportReader.read(dirB, title)
                .withComparison(comparison(sides.get(0), a.size(), b.size(), r)),
            Location.of(report, hadoop));
      }
      err.println(summary(a.size(), b.size(), r));
    } finally {
      for (Path t : temporary) {
        FileTrees.deleteRecursively(t);
      }
    }
  }

  /** The last part of the path or URI {@code side}. */
  private static String nameOf(String side) {
    String s = side.endsWith("/") ? side.substring(0, side.length() - 1) : side;
    String name = s.substring(s.lastIndexOf('/') + 1);
    return name.isEmpty() ? side : name;
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
              both(p, f -> f.value("packets")),
              both(p, f -> f.value("bytes")),
              both(p, f -> f.value("state")),
              both(p, f -> f.value("close_reason")),
              both(p, FlowDiffCommand::tunnel)));
    }
    return new ReportData.Comparison(
        a, flowsA, flowsB, r.same(), r.changed(), r.onlyInA(), r.onlyInB(), rows);
  }

  /** {@code gre 10.0.0.1 to 10.0.0.2}, {@code none}; with {@code , 3 other packets} if any. */
  static String tunnel(FlowRow f) {
    String type = f.value("tunnel_type");
    String tunnel =
        type.isEmpty()
            ? "none"
            : type + " " + f.value("tunnel_src_ip") + " to " + f.value("tunnel_dst_ip");
    String other = f.value("tunnel_other_packets");
    return other.equals("0") ? tunnel : tunnel + ", " + other + " other packets";
  }

  private static String both(FlowDiff.Pair p, Function<FlowRow, Object> f) {
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

  private static void write(FlowDiff.Result r, Location output, PrintStream out)
      throws IOException {
    if (output == null) {
      write(r, out);
    } else {
      try (PrintStream file = new PrintStream(output.create(), false, StandardCharsets.UTF_8)) {
        write(r, file);
        if (file.checkError()) {
          throw new IOException("cannot write " + output);
        }
      }
    }
  }

  /**
   * The output directory of {@code side}: itself if it is an output, else the job's output on it in
   * a local temporary directory (added to {@code temporary}, deleted by the caller). A side that
   * cannot be read (an unreachable NameNode) or does not exist is the user's error.
   */
  private static Location outputOf(
      String side,
      PipelineOptions hadoop,
      JobRunner runJob,
      List<String> jobOptions,
      List<Path> temporary)
      throws DiffException, IOException {
    if (!isPattern(side)) {
      Location path = Location.of(side, hadoop);
      try {
        if (path.resolve("flows").isDirectory()) {
          return path;
        }
        if (path.isDirectory()) {
          throw new DiffException(
              "diff: " + side + " is a directory without flows/: not a FlowBeam output", true);
        }
        if (!path.exists()) {
          throw new DiffException("diff: " + side + ": no such output or input", true);
        }
      } catch (IOException e) {
        throw new DiffException("diff: cannot read " + side + ": " + HadoopErrors.oneLine(e), true);
      }
    }
    Path tmp = Files.createTempDirectory("flowbeam-diff-");
    temporary.add(tmp);
    int code = runJob.run(side, tmp.resolve("out"), jobOptions);
    if (code != 0) {
      throw new DiffException(
          "diff: the job on " + side + " failed (exit code " + code + ")", false);
    }
    return Location.local(tmp.resolve("out"));
  }

  /** Whether {@code side} is patterns for the job's {@code --input}: a glob or a list. */
  private static boolean isPattern(String side) {
    return side.chars().anyMatch(c -> "*?[{,".indexOf(c) >= 0);
  }

  /** The flows of every CSV file under {@code dir}, at any depth (a series' partitions). */
  static List<FlowRow> readFlows(Location dir) throws IOException, DiffException {
    List<String> files;
    try {
      files = dir.filesUnder().stream().filter(f -> f.endsWith(".csv")).toList();
    } catch (IOException e) {
      throw new DiffException("diff: cannot read " + dir + ": " + HadoopErrors.oneLine(e), true);
    }
    if (files.isEmpty()) {
      throw new DiffException(
          "diff: no flows CSV under " + dir + " (write the outputs with --formats=csv)", false);
    }
    List<FlowRow> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
    for (String name : files) {
      Location f = dir.resolve(name);
      try (Reader in = new BufferedReader(new InputStreamReader(f.open(), StandardCharsets.UTF_8));
          CSVParser parser = format.parse(in)) {
        checkColumns(f, parser.getHeaderNames());
        for (CSVRecord r : parser) {
          rows.add(row(f, r));
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new DiffException(
            "diff: " + f + ": not a FlowBeam flows CSV (" + e.getMessage() + ")", false);
      }
    }
    return rows;
  }

  /** Refuses a flows CSV without a column the diff reads (an empty file has no header at all). */
  private static void checkColumns(Location file, List<String> header) throws DiffException {
    if (header.isEmpty()) {
      return;
    }
    for (List<String> needed : List.of(FlowRow.MATCHED, FlowRow.COMPARED)) {
      for (String c : needed) {
        if (!header.contains(c)) {
          throw new DiffException(
              "diff: " + file + ": not a FlowBeam flows CSV of this version (no column " + c + ")",
              false);
        }
      }
    }
  }

  private static FlowRow row(Location file, CSVRecord r) throws DiffException {
    try {
      return FlowRow.of(r::get);
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
      List<Object> record = new ArrayList<>(COLUMNS.size());
      record.addAll(
          List.of(
              p.change(),
              any.protocol(),
              any.initiatorIp(),
              any.initiatorPort(),
              any.responderIp(),
              any.responderPort(),
              p.a() == null ? "" : p.a().startUs(),
              p.b() == null ? "" : p.b().startUs()));
      for (String c : FlowRow.COMPARED) {
        record.add(p.a() == null ? "" : p.a().value(c));
        record.add(p.b() == null ? "" : p.b().value(c));
      }
      csv.printRecord(record);
    }
    csv.flush();
  }

  /** Unused sink for a job's own output when run for a diff. */
  public static PrintStream discard() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
