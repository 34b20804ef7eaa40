package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.flowbeam.pipelines.progress.FlinkRestProgress;
import org.flowbeam.pipelines.progress.InProcessProgress;
import org.flowbeam.pipelines.progress.ProgressMeter;
import org.flowbeam.pipelines.progress.ProgressPlan;
import org.flowbeam.pipelines.progress.ProgressReporter;
import org.flowbeam.pipelines.progress.ProgressSource;
import org.flowbeam.pipelines.progress.Terminal;
import org.flowbeam.transforms.JobProgress;

/**
 * Runs a built job to its end, showing its progress on standard error unless {@code --quiet}
 * ({@link ProgressReporter}), and says when it began processing its input, so that the summary can
 * tell start-up (options, translation, cluster start, deployment) from processing.
 *
 * <p>The progress comes from the job's steps in this JVM ({@link JobProgress}) for the Direct
 * Runner and Flink embedded, and from the cluster's REST API ({@link FlinkRestProgress}) for a job
 * submitted to a Flink cluster ({@code --flinkMaster=host:port}).
 */
final class JobRun {
  private JobRun() {}

  /**
   * When the job began processing its input and when it ended ({@link System#nanoTime()}); a job
   * that never began (no input range read) began when it ended.
   */
  record Timing(long processingStartNanos, long endNanos) {}

  /**
   * Runs {@code p}, built from {@code o} over {@code inputs}; progress goes to {@code err}, its
   * elapsed time counted from {@code commandStartNanos}.
   *
   * @throws IllegalStateException if the job ends in any state but {@code DONE}
   */
  static Timing run(
      Pipeline p, FlowBeamOptions o, InputFiles inputs, long commandStartNanos, PrintStream err)
      throws IOException {
    List<String> files = new ArrayList<>(inputs.csv());
    files.addAll(inputs.captures());
    ProgressPlan plan = ProgressPlan.of(files, (long) o.getSplitSizeMb() << 20);
    String jobName = o.getJobName();
    JobProgress inThisJvm = JobProgress.register(jobName);
    ProgressSource source =
        clusterMaster(o)
            .<ProgressSource>map(master -> FlinkRestProgress.of(master, jobName, plan))
            .orElseGet(() -> new InProcessProgress(inThisJvm, plan));
    ProgressReporter.Settings settings =
        new ProgressReporter.Settings(
            !o.getQuiet(),
            Math.round(o.getProgressSeconds() * 1e9),
            Terminal.isInteractive(err),
            Terminal.width());
    ProgressReporter reporter =
        ProgressReporter.start(
            source, new ProgressMeter(plan, commandStartNanos), settings, err, System::nanoTime);
    boolean succeeded = false;
    OptionalLong began;
    try {
      PipelineResult.State state = p.run().waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("pipeline ended in state " + state);
      }
      succeeded = true;
    } finally {
      began = reporter.finish(succeeded);
      JobProgress.unregister(jobName, inThisJvm);
    }
    long end = System.nanoTime();
    return new Timing(Math.min(began.orElse(end), end), end);
  }

  /** The JobManager a Flink job is submitted to, if the options name a cluster. */
  private static Optional<String> clusterMaster(FlowBeamOptions o) {
    if (!FlinkRunner.class.equals(o.getRunner())) {
      return Optional.empty();
    }
    String master = o.as(FlinkPipelineOptions.class).getFlinkMaster();
    if (master == null || master.isBlank() || master.startsWith("[")) {
      return Optional.empty(); // [local], [auto], [collection]: in this JVM
    }
    return Optional.of(master);
  }
}
