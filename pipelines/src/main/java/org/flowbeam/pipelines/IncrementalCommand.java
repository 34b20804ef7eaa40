package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.flowbeam.io.CarriedFlows;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.pipelines.FlowBeamOptions.Layout;
import org.flowbeam.pipelines.incremental.IncrementalRun;
import org.flowbeam.pipelines.incremental.RootLayout;
import org.flowbeam.pipelines.incremental.RootLockedException;
import org.flowbeam.pipelines.incremental.RunPlanner;
import org.flowbeam.pipelines.incremental.SeriesOptions;
import org.flowbeam.pipelines.incremental.StagedJob;
import org.flowbeam.pipelines.report.ReportHtml;
import org.flowbeam.pipelines.report.ReportReader;
import org.flowbeam.tcp.FlowRules;

/**
 * {@code --incremental}: one run of the recurring job over the root {@code --output} (see {@code
 * src/docs/incremental.md}). {@link IncrementalRun} takes the root's lock, plans what is new from
 * the ledger and commits; this class is the job it runs: the whole FlowBeam pipeline over the run's
 * files, with the previous run's carried flows, writing Hive partitions tagged with the run id into
 * the run's staging directory.
 */
final class IncrementalCommand {
  /** Directory of the staging tree that holds the job's own manifest; not published. */
  static final String JOB_DIR = "_job";

  /**
   * Counts of the job's manifest that add up over runs (the root manifest sums them): all but the
   * number of distinct addresses.
   */
  private static final List<String> ADDITIVE =
      RunManifest.COUNT_ORDER.stream().filter(n -> !n.equals(RunManifest.IP_ADDRESSES)).toList();

  private IncrementalCommand() {}

  /**
   * Runs once; returns the exit code (75 if another run holds the root).
   *
   * @param commandStartNanos when the command started ({@link System#nanoTime()})
   */
  static int run(
      FlowBeamOptions o,
      List<String> args,
      long commandStartNanos,
      PrintStream out,
      PrintStream err)
      throws IOException {
    if (o.getLayout() == Layout.TIMEARCS) {
      throw new UsageException(
          "--layout=timearcs cannot be used with --incremental: the layout needs all packets at"
              + " once");
    }
    if (o.getMinFileAgeSeconds() < 0) {
      throw new UsageException(
          "--minFileAgeSeconds must be zero or more, got " + o.getMinFileAgeSeconds());
    }
    List<Location> matched = new ArrayList<>();
    for (String file : FlowBeamMain.matchInputs(o.getInput(), true).files()) {
      matched.add(Location.of(file, o));
    }
    IncrementalRun run =
        IncrementalRun.create(
            Location.of(o.getOutput(), o),
            path -> Location.of(path, o),
            new RunPlanner.Settings(
                Duration.ofSeconds(o.getMinFileAgeSeconds()),
                o.getFlushOpenFlows(),
                SeriesOptions.of(FlowBeamPipeline.seriesOptions(o))),
            err::println);
    AtomicReference<JobRun.Timing> job = new AtomicReference<>();
    IncrementalRun.Result result;
    try {
      result = run.run(matched, in -> runJob(o, args, in, job::set, commandStartNanos, err));
    } catch (RootLockedException e) {
      err.println("flowbeam: " + e.getMessage());
      return e.exitCode();
    }
    long end = System.nanoTime();
    String times;
    if (job.get() == null) {
      times = String.format("%.1f s", (end - commandStartNanos) / 1e9);
    } else {
      FlowBeamMain.RunTimes t =
          new FlowBeamMain.RunTimes(commandStartNanos, job.get().processingStartNanos(), end);
      times = String.format("%.1f s (%s)", t.totalSeconds(), t.split());
    }
    out.printf("%s in %s -> %s%n", result.summary(), times, run.layout().root());
    return FlowBeamMain.EXIT_OK;
  }

  /**
   * The bytes a run has to work through, by which the runner is chosen: its input files and the
   * carried flows it resumes, which are work for the keyed stage as input is (a flush with nothing
   * new but thousands of carried flows is no job for the Direct Runner).
   */
  static long workBytes(StagedJob.Input in) throws IOException {
    long bytes = 0;
    for (Location f : in.inputFiles()) {
      bytes += f.size();
    }
    if (in.carriedStateIn().isPresent()) {
      bytes += in.carriedStateIn().get().size();
    }
    return bytes;
  }

  /**
   * The job of one run: the pipeline over {@code in}'s files into its staging directory, its
   * progress on {@code err}; {@code timing} receives when it began processing and ended.
   */
  private static StagedJob.Output runJob(
      FlowBeamOptions o,
      List<String> args,
      StagedJob.Input in,
      Consumer<JobRun.Timing> timing,
      long commandStartNanos,
      PrintStream err)
      throws IOException {
    if (in.carriedStateIn().isPresent()) {
      checkCarriedRules(in.carriedStateIn().get(), FlowBeamPipeline.rules(o));
    }
    List<String> files = new ArrayList<>();
    for (Location f : in.inputFiles()) {
      files.add(f.toString());
    }
    RunnerChoice.apply(o, args, workBytes(in));
    InputFiles inputs = InputFiles.classify(files, o.getFormat());
    String runner = o.getRunner().getSimpleName();
    Map<String, Object> head = FlowBeamPipeline.manifestHead(o, inputs, runner);
    head.put("run", in.runId());

    Location jobDir = in.stagingDir().resolve(JOB_DIR);
    jobDir.mkdirs();
    in.carriedStateOut().parent().mkdirs();
    SeriesRun series =
        new SeriesRun(
            in.carriedStateIn().map(Location::toString),
            in.seriesEndUs().orElse(Long.MIN_VALUE),
            in.carriedStateOut().toString(),
            in.flushOpenFlows(),
            jobDir.toString());
    OutputSinks sinks =
        OutputSinks.flat(in.stagingDir().toString(), o.getNumShards(), FlowBeamPipeline.formats(o))
            .withConnLog(FlowBeamPipeline.connLogFormats(o))
            .withCommunityId(FlowBeamPipeline.communityId(o))
            .partitioned(in.runId());
    Pipeline p = Pipeline.create(o);
    FlowBeamPipeline.build(p, o, inputs, sinks, head, series);
    timing.accept(JobRun.run(p, o, inputs, commandStartNanos, err));
    FlowSinks.removeEmptyTempDirs(in.stagingDir());
    if (o.getReport()) {
      writeRunReport(in, jobDir.resolve(ManifestWriter.FILE_NAME), err);
    }
    return output(jobDir.resolve(ManifestWriter.FILE_NAME));
  }

  /**
   * Writes the run's {@code report.html} into its staging directory, at {@link
   * RootLayout#runReport}, from this run's files alone and the job's manifest; the commit moves it
   * into the root beside the run manifest. A failure costs a warning line, not the run.
   */
  private static void writeRunReport(StagedJob.Input in, Location jobManifest, PrintStream err) {
    try {
      Location file = in.stagingDir().resolve(RootLayout.runReport(in.runId()));
      ReportHtml.write(ReportReader.read(in.stagingDir(), jobManifest, "run " + in.runId()), file);
    } catch (IOException | RuntimeException e) {
      err.println(
          "flowbeam: warning: no report.html for run " + in.runId() + ": " + e.getMessage());
    }
  }

  /**
   * Refuses, in one line, to resume flows carried under other flow options than this run's (the
   * keyed stage would fail on the first of them): a series keeps its options until it is ended. A
   * bad or older carried-state file is one line too ({@link CarriedFlows#inspect}).
   */
  static void checkCarriedRules(Location state, FlowRules rules) throws IOException {
    FlowRules carried = CarriedFlows.inspect(state.toString()).rules();
    if (carried != null && !carried.equals(rules)) {
      throw new UsageException(
          "the flows carried in "
              + state
              + " were assembled with "
              + options(carried)
              + ", this run asks for "
              + options(rules)
              + ": end the series with --flushOpenFlows under its options before changing them");
    }
  }

  /** The options that make {@code rules}, as a command line would give them. */
  private static String options(FlowRules rules) {
    return String.format(
        Locale.ROOT,
        "--protocols=%s --idleTimeout=%s --udpIdleTimeout=%s --icmpIdleTimeout=%s"
            + " --activeTimeout=%s --closeLinger=%s",
        rules.protocols().stream().map(FlowProtocol::label).collect(Collectors.joining(",")),
        seconds(rules.idleTimeoutUs()),
        seconds(rules.udpIdleTimeoutUs()),
        seconds(rules.icmpIdleTimeoutUs()),
        seconds(rules.activeTimeoutUs()),
        rules.closeLingerUs() == FlowRules.NO_CLOSE_LINGER_LIMIT
            ? "none"
            : seconds(rules.closeLingerUs()));
  }

  private static String seconds(long us) {
    return java.math.BigDecimal.valueOf(us, 6).stripTrailingZeros().toPlainString();
  }

  /** The run's newest packet and additive counts, from the job's manifest. */
  private static StagedJob.Output output(Location manifestFile) throws IOException {
    Map<String, Object> manifest = ManifestWriter.parse(manifestFile.readString());
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = (Map<String, Object>) manifest.get("counts");
    Map<String, Long> additive = new LinkedHashMap<>();
    for (String name : ADDITIVE) {
      Object v = counts.get(name);
      additive.put(name, v == null ? 0L : ((Number) v).longValue());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> range = (Map<String, Object>) manifest.get("time_range");
    Object end = range == null ? null : range.get("end");
    return new StagedJob.Output(
        end == null ? OptionalLong.empty() : OptionalLong.of(((Number) end).longValue()), additive);
  }
}
