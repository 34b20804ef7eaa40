package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class RunnerChoiceTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private static PipelineOptions chosen(long inputBytes, String... args) {
    PipelineOptions o = PipelineOptionsFactory.fromArgs(args).create();
    RunnerChoice.apply(o, List.of(args), inputBytes);
    return o;
  }

  @Test
  void smallInputRunsOnTheDirectRunnerWithoutItsTestChecks() {
    PipelineOptions o = chosen(RunnerChoice.SMALL_INPUT_BYTES);
    assertThat(o.getRunner(), equalTo(DirectRunner.class));
    DirectOptions direct = o.as(DirectOptions.class);
    assertThat(direct.isEnforceImmutability(), is(false));
    assertThat(direct.isEnforceEncodability(), is(false));
    assertThat(direct.getTargetParallelism(), equalTo(CORES));
  }

  @Test
  void largerInputRunsOnFlinkEmbeddedWithEveryCore() {
    PipelineOptions o = chosen(RunnerChoice.SMALL_INPUT_BYTES + 1);
    assertThat(o.getRunner(), equalTo(FlinkRunner.class));
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    assertThat(flink.getFlinkMaster(), equalTo("[local]"));
    assertThat(flink.getParallelism(), equalTo(CORES));
  }

  @Test
  void givenParallelismIsKept() {
    PipelineOptions o = chosen(1L << 40, "--parallelism=1");
    assertThat(o.as(FlinkPipelineOptions.class).getParallelism(), equalTo(1));
  }

  @Test
  void aClusterIsUsedWhateverTheInputSize() {
    PipelineOptions o = chosen(10, "--flinkMaster=127.0.0.1:8081");
    assertThat(o.getRunner(), equalTo(FlinkRunner.class));
    assertThat(o.as(FlinkPipelineOptions.class).getFlinkMaster(), equalTo("127.0.0.1:8081"));
  }

  @Test
  void givenRunnerIsKept() {
    PipelineOptions o = chosen(1L << 40, "--runner=DirectRunner");
    assertThat(o.getRunner(), equalTo(DirectRunner.class));
    assertThat(o.as(DirectOptions.class).isEnforceImmutability(), is(true));
  }
}
