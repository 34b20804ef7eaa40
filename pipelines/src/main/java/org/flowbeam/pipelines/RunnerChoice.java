package org.flowbeam.pipelines;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Picks the runner when the command line names none: Beam's in-process Direct Runner for small
 * inputs, Flink embedded in this JVM (one task slot per core) for the rest.
 *
 * <p>Why two: Flink's fixed cost — starting a mini-cluster, translating and deploying a job of
 * several hundred tasks, and compiling the code they run — is most of a run below a few million
 * packets, while the Direct Runner starts in a fraction of it but processes far fewer elements a
 * second. Because the readers digest packets into fragments and partial sums, a small input makes
 * few elements, so below {@link #SMALL_INPUT_BYTES} the Direct Runner finishes first. Above it the
 * Direct Runner's cost per key of the keyed stage (it translates and copies the stateful DoFn for
 * each key's bundle) takes over: 5,000 packets of real traffic (429 flows) take 42 s on it against
 * 10 s on Flink embedded, and 48,000 packets nearly 9 minutes. Both runners give identical outputs
 * ({@code RunnerAgreementTest}). The Direct Runner runs here without its test-time checks
 * (immutability and encodability of every element), which cost time and find nothing in a tested
 * build.
 *
 * <p>A {@code --runner}, or a {@code --flinkMaster} (a cluster), given on the command line is kept.
 */
final class RunnerChoice {
  /** Inputs up to this many bytes in all run on the Direct Runner. */
  static final long SMALL_INPUT_BYTES = 16L << 10;

  private RunnerChoice() {}

  /**
   * Sets the runner of {@code options} unless {@code args} (the expanded command line) names one.
   *
   * @param inputBytes the total size of the input files, and in a run of a recurring job of the
   *     carried-flows file it resumes (about 260 bytes a flow)
   */
  static void apply(PipelineOptions options, List<String> args, long inputBytes) {
    if (given(args, "--runner")) {
      return;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    if (!given(args, "--flinkMaster") && inputBytes <= SMALL_INPUT_BYTES) {
      options.setRunner(DirectRunner.class);
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
      direct.setTargetParallelism(cores);
      return;
    }
    options.setRunner(FlinkRunner.class);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    if (!given(args, "--flinkMaster")) {
      flink.setFlinkMaster("[local]");
      if (!given(args, "--parallelism")) {
        // Flink's local default is one task slot; use every core of this machine.
        flink.setParallelism(cores);
      }
    }
  }

  private static boolean given(List<String> args, String option) {
    return args.stream().anyMatch(a -> a.equals(option) || a.startsWith(option + "="));
  }
}
