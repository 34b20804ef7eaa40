package org.flowbeam.pipelines;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flowbeam.generate.GenerateMain;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.diff.FlowDiffCommand;
import org.flowbeam.pipelines.report.ReportHtml;

/**
 * The command line of the fat jar: {@code java -jar flowbeam.jar --input=GLOB --output=DIR
 * [options]}, or {@code java -jar flowbeam.jar generate [options]} for the synthetic traffic
 * generator ({@link GenerateMain}). Beam-style options ({@code --help} lists them), also read from
 * {@code @file} arguments (one option per line, as in {@code run-configs/}); without {@code
 * --runner} the runner is chosen by input size ({@link RunnerChoice}): the Direct Runner for small
 * inputs, Flink embedded in this JVM for the rest.
 *
 * <p>Problems with what the user asked for (a pattern matching no file, an unreadable file, a
 * missing CSV column, a bad option value) end the run with one line on standard error and exit code
 * 2, never a stack trace; an unexpected failure exits 1 with one line naming the cause ({@code
 * FLOWBEAM_DEBUG=1} adds the stack trace). A successful run prints a short summary.
 */
public final class FlowBeamMain {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  private FlowBeamMain() {}

  /**
   * Runs and exits with the run's code; called by Flink ({@code flink run}, application mode on
   * YARN or Kubernetes), returns instead on success and throws on failure ({@link ProgramHost}).
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (!ProgramHost.calledByFlink()) {
      System.exit(code);
    }
    if (code != EXIT_OK) {
      throw new ProgramHost.FailedRun(code);
    }
  }

  /**
   * {@code flowbeam diff A B}: see {@link FlowDiffCommand}. A side that is an input is run through
   * the job with its defaults first, quietly; the job's failure line, if any, goes to {@code err}.
   */
  private static int diff(List<String> args, PrintStream out, PrintStream err) {
    try {
      FlowDiffCommand.run(
          args,
          out,
          err,
          (input, dir, options) -> {
            List<String> job = new ArrayList<>(options);
            job.addAll(
                List.of(
                    "--input=" + input,
                    "--output=" + dir,
                    "--quiet",
                    "--formats=csv",
                    "--report=false"));
            return run(job.toArray(new String[0]), FlowDiffCommand.discard(), err);
          });
      return EXIT_OK;
    } catch (FlowDiffCommand.DiffException e) {
      err.println("flowbeam: " + e.getMessage());
      return e.usage() ? EXIT_USAGE : EXIT_FAILURE;
    } catch (IOException | RuntimeException e) {
      return report(e, err);
    }
  }

  /**
   * Runs the job, or with {@code generate} as the first argument the traffic generator ({@link
   * GenerateMain}); returns the process exit code.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("generate")) {
      return GenerateMain.run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length > 0 && args[0].equals("diff")) {
      return diff(Arrays.asList(args).subList(1, args.length), out, err);
    }
    PipelineOptionsFactory.register(FlowBeamOptions.class);
    if (Arrays.asList(args).contains("--help")) {
      printHelp(out);
      return EXIT_OK;
    }
    if (Arrays.asList(args).contains("--version")) {
      out.println("flowbeam " + Versions.flowBeam() + " (Apache Beam " + Versions.beam() + ")");
      return EXIT_OK;
    }
    long commandStart = System.nanoTime();
    OutputDirectory output = null;
    String outputPath = null;
    try {
      List<String> expanded = expandArgFiles(args);
      FlowBeamOptions options = parse(expanded);
      FlowBeamPipeline.validate(options);
      outputPath = options.getOutput();
      HadoopPaths.configure(options);
      if (options.getIncremental()) {
        return IncrementalCommand.run(options, expanded, commandStart, out, err);
      }
      if (options.getFlushOpenFlows() || options.getMinFileAgeSeconds() != 0) {
        throw new UsageException(
            "--flushOpenFlows and --minFileAgeSeconds apply to --incremental runs only");
      }
      MatchedInputs matched = matchInputs(options.getInput(), false);
      RunnerChoice.apply(options, expanded, matched.bytes());
      InputFiles inputs = InputFiles.classify(matched.files(), options.getFormat());
      output = OutputDirectory.prepare(options.getOutput(), options);
      String runner = options.getRunner().getSimpleName();
      Map<String, Object> head = FlowBeamPipeline.manifestHead(options, inputs, runner);

      Pipeline p = Pipeline.create(options);
      FlowBeamPipeline.build(p, options, inputs, output.stagingLocation().toString(), head);
      JobRun.Timing timing = JobRun.run(p, options, inputs, commandStart, err);
      removeTempDirs(output, err);
      if (options.getReport()) {
        writeReport(output.stagingLocation(), output.target().name(), err);
      }
      output.commit();
      printSummary(
          out,
          output.target(),
          runner,
          new RunTimes(commandStart, timing.processingStartNanos(), System.nanoTime()));
      return EXIT_OK;
    } catch (RuntimeException | IOException e) {
      if (output != null) {
        output.abandon();
      }
      return report(e, err, outputPath);
    }
  }

  /** Beam's option help, with the values of list options spelled out ({@link EnumOption#help}). */
  private static void printHelp(PrintStream out) {
    ByteArrayOutputStream help = new ByteArrayOutputStream();
    PipelineOptionsFactory.printHelp(
        new PrintStream(help, true, StandardCharsets.UTF_8), FlowBeamOptions.class);
    out.print(EnumOption.help(FlowBeamOptions.class, help.toString(StandardCharsets.UTF_8)));
    out.flush();
  }

  /** Removes the writes' emptied temporary directories; a failure only costs a warning line. */
  private static void removeTempDirs(OutputDirectory output, PrintStream err) {
    try {
      FlowSinks.removeEmptyTempDirs(output.stagingLocation());
    } catch (IOException e) {
      err.println("flowbeam: warning: temporary directories left in the output: " + e.getMessage());
    }
  }

  /**
   * Writes {@code report.html} into the finished output {@code dir}, titled {@code title}; a
   * failure costs a warning line, not the run's results.
   */
  static void writeReport(Path dir, String title, PrintStream err) {
    writeReport(Location.local(dir), title, err);
  }

  /** {@link #writeReport(Path, String, PrintStream)} of a directory local or on HDFS. */
  static void writeReport(Location dir, String title, PrintStream err) {
    try {
      ReportHtml.writeFor(dir, title);
    } catch (IOException | RuntimeException e) {
      err.println(
          "flowbeam: warning: no report.html: " + firstLine(String.valueOf(e.getMessage())));
    }
  }

  /**
   * Expands {@code @file} arguments into the options the file holds, one per line ({@code #}
   * comments and blank lines ignored): the run configurations in {@code run-configs/}. An option
   * given on the command line itself replaces the file's value for it (Beam would otherwise refuse
   * the option given twice), so {@code @flink-cluster.args --flinkMaster=HOST:PORT} works.
   */
  static List<String> expandArgFiles(String[] args) {
    Set<String> given = new HashSet<>();
    for (String a : args) {
      if (!a.startsWith("@")) {
        given.add(optionName(a));
      }
    }
    List<String> all = new ArrayList<>();
    for (String a : args) {
      if (!a.startsWith("@")) {
        all.add(a);
        continue;
      }
      String file = a.substring(1);
      for (String line : readOptionsFile(file, args).lines().toList()) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#") && !given.contains(optionName(t))) {
          all.add(t);
        }
      }
    }
    return all;
  }

  /** The most an options file may hold: far more than any list of options. */
  static final int MAX_OPTIONS_FILE_BYTES = 1 << 20;

  /**
   * The text of the options file {@code file}, a local path or an {@code hdfs://} URI; the latter
   * read with the Hadoop configuration of an {@code --hdfsConfiguration} among {@code args}, else
   * of the environment ({@link CommandHadoopOptions}), since the options are not parsed yet.
   */
  private static String readOptionsFile(String file, String[] args) {
    try {
      Location location =
          Location.isLocal(file)
              ? Location.of(file, null)
              : Location.of(
                  file, CommandHadoopOptions.of(CommandHadoopOptions.valueIn(Arrays.asList(args))));
      byte[] text;
      try (InputStream in = location.open()) {
        text = in.readNBytes(MAX_OPTIONS_FILE_BYTES + 1);
      }
      if (text.length > MAX_OPTIONS_FILE_BYTES) {
        throw new UsageException(
            "options file " + file + " is over " + MAX_OPTIONS_FILE_BYTES + " bytes");
      }
      return new String(text, StandardCharsets.UTF_8);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("cannot read options file " + file + ": " + HadoopErrors.oneLine(e));
    }
  }

  /** {@code --name} of {@code --name=value}. */
  private static String optionName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  static FlowBeamOptions parse(List<String> all) {
    EnumOption.checkListArgs(FlowBeamOptions.class, all);
    try {
      return PipelineOptionsFactory.fromArgs(all.toArray(new String[0]))
          .withValidation()
          .as(FlowBeamOptions.class);
    } catch (IllegalArgumentException e) {
      // A bad value of an enum option: Beam wraps the UsageException its parser threw.
      for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof UsageException) {
          throw (UsageException) t;
        }
      }
      throw new UsageException(firstLine(e.getMessage()));
    }
  }

  /** The input files, in the order the patterns name them, and their total size in bytes. */
  record MatchedInputs(List<String> files, long bytes) {}

  /**
   * The files the comma-separated patterns match, checked to exist and be readable; a pattern that
   * matches nothing is an error unless {@code allowEmpty} (a recurring run before the first file).
   */
  static MatchedInputs matchInputs(String patterns, boolean allowEmpty) {
    List<String> files = new ArrayList<>();
    long bytes = 0;
    for (String pattern : patterns.split(",")) {
      String spec = pattern.trim();
      if (spec.isEmpty()) {
        continue;
      }
      MatchResult match;
      try {
        match = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
      } catch (IOException e) {
        throw new UsageException("cannot read input '" + spec + "': " + HadoopErrors.oneLine(e));
      }
      List<MatchResult.Metadata> metadata;
      try {
        metadata = match.metadata();
      } catch (IOException e) {
        throw new UsageException("cannot read input '" + spec + "': " + HadoopErrors.oneLine(e));
      }
      if (metadata.isEmpty() && !allowEmpty) {
        throw new UsageException("no file matches input '" + spec + "'");
      }
      for (MatchResult.Metadata m : metadata) {
        String name = m.resourceId().toString();
        if (m.resourceId().getScheme().equals("file")) {
          Path path = Path.of(name);
          if (Files.isDirectory(path)) {
            throw new UsageException("input " + name + " is a directory; give a file or a glob");
          }
          if (!Files.isReadable(path)) {
            throw new UsageException("input file " + name + " is not readable");
          }
        }
        if (!files.contains(name)) {
          files.add(name);
          bytes += m.sizeBytes();
        }
      }
    }
    if (files.isEmpty() && !allowEmpty) {
      throw new UsageException("--input names no file");
    }
    return new MatchedInputs(files, bytes);
  }

  /**
   * How long a command took ({@link System#nanoTime()} instants): start-up from its start until the
   * job began processing its input (options, translation, a cluster's start and the job's
   * deployment), processing from then to its end.
   */
  record RunTimes(long startNanos, long processingStartNanos, long endNanos) {
    double totalSeconds() {
      return (endNanos - startNanos) / 1e9;
    }

    double startUpSeconds() {
      return (processingStartNanos - startNanos) / 1e9;
    }

    double processingSeconds() {
      return (endNanos - processingStartNanos) / 1e9;
    }

    /** {@code start-up 12.1 s, processing 30.4 s}. */
    String split() {
      return String.format(
          "start-up %.1f s, processing %.1f s", startUpSeconds(), processingSeconds());
    }
  }

  /**
   * Prints the summary line: {@code flowbeam: 240,835 packets, 0 rejected, 20,311 flows in 42.5 s
   * (5,662 packets/s, FlinkRunner; start-up 12.1 s, processing 30.4 s: 7,922 packets/s) -> DIR}.
   * Scripts read it (bench/common.sh): its first fields and {@code flows in}, {@code (N packets/s}
   * keep their places and meanings (the rate is over the whole time).
   */
  private static void printSummary(PrintStream out, Location dir, String runner, RunTimes times) {
    Map<String, Object> manifest;
    try {
      manifest = ManifestWriter.parse(dir.resolve(ManifestWriter.FILE_NAME).readString());
    } catch (IOException e) {
      throw new IllegalStateException(
          "run finished but its manifest is unreadable: " + e.getMessage());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = (Map<String, Object>) manifest.get("counts");
    long packets = ((Number) counts.get(RunManifest.PACKETS)).longValue();
    @SuppressWarnings("unchecked")
    List<Object> skipped = (List<Object>) manifest.getOrDefault("rejected_files", List.of());
    for (Object s : skipped) {
      Map<?, ?> r = (Map<?, ?>) s;
      out.println("flowbeam: skipped " + r.get("file") + ": " + r.get("reason"));
    }
    out.printf(
        "flowbeam: %,d packets, %,d rejected, %,d flows in %.1f s (%,.0f packets/s, %s; %s: %,.0f"
            + " packets/s) -> %s%n",
        packets,
        ((Number) counts.get(RunManifest.REJECTED)).longValue(),
        ((Number) counts.get(RunManifest.FLOWS)).longValue(),
        times.totalSeconds(),
        packets / Math.max(times.totalSeconds(), 1e-9),
        runner,
        times.split(),
        packets / Math.max(times.processingSeconds(), 1e-9),
        dir);
  }

  /** Prints one line for {@code e} and returns the exit code. */
  static int report(Throwable e, PrintStream err) {
    return report(e, err, null);
  }

  /**
   * Prints one line for {@code e}, a failure of a run writing to {@code output} (null if it had not
   * got that far), and returns the exit code.
   */
  static int report(Throwable e, PrintStream err, String output) {
    if (System.getenv("FLOWBEAM_DEBUG") != null) {
      e.printStackTrace(err);
    }
    Throwable user = userError(e);
    if (user != null) {
      err.println("flowbeam: error: " + firstLine(user.getMessage()));
      return EXIT_USAGE;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (output != null && isDiskFull(root)) {
      err.println(
          "flowbeam: failed: the file system of "
              + output
              + " is full ("
              + firstLine(root.getMessage())
              + "); nothing of this run was kept and the previous output is unchanged");
      return EXIT_FAILURE;
    }
    if (lackedSlots(e)) {
      err.println(
          "flowbeam: failed: the Flink cluster had no free task slot for the job within"
              + " slot.request.timeout, after its restarts (a TaskManager lost and not replaced?"
              + " run-configs/flink/start-taskmanager.sh starts one); "
              + (output == null
                  ? "nothing was written"
                  : "nothing of this run was kept and the previous output is unchanged"));
      return EXIT_FAILURE;
    }
    err.println(
        "flowbeam: failed: "
            + root.getClass().getSimpleName()
            + ": "
            + firstLine(String.valueOf(root.getMessage()))
            + " (FLOWBEAM_DEBUG=1 shows the stack trace)");
    return EXIT_FAILURE;
  }

  /**
   * The user's mistake behind {@code e}, if any: a {@link UsageException}, or an {@link
   * IllegalArgumentException} raised by FlowBeam's own code (bad input format, bad option value)
   * anywhere in the cause chain, however deeply a runner wrapped it.
   */
  private static Throwable userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UsageException) {
        return t;
      }
      if (t instanceof IllegalArgumentException
          && t.getStackTrace().length > 0
          && t.getStackTrace()[0].getClassName().startsWith("org.flowbeam.")) {
        return t;
      }
    }
    return null;
  }

  /**
   * Whether the cluster failed the job for want of task slots: Flink's {@code
   * NoResourceAvailableException} anywhere in the cause chain (its root is a bare timeout), as the
   * class itself or, when the client could not rebuild it, in a serialized throwable's text.
   */
  private static boolean lackedSlots(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().endsWith(".NoResourceAvailableException")
          || String.valueOf(t).contains("NoResourceAvailableException")) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code root} is the operating system's report of a full disk or an exceeded quota. */
  private static boolean isDiskFull(Throwable root) {
    String m = String.valueOf(root.getMessage());
    return root instanceof IOException
        && (m.contains("No space left on device") || m.contains("Disk quota exceeded"));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }
}
