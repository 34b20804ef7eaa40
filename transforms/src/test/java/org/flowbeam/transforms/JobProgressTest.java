package org.flowbeam.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.sameInstance;

import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The in-JVM progress registry: found by job name, counts only for a registered job. */
class JobProgressTest {
  private static PipelineOptions job(String name) {
    PipelineOptions options = PipelineOptionsFactory.create();
    options.setJobName(name);
    return options;
  }

  @Test
  void aStepOfAJobNoClientRegisteredCountsNothing() {
    JobProgress none = JobProgress.of(job("JobProgressTest-unregistered"));
    assertThat(none, sameInstance(JobProgress.NONE));
    none.rangeStarted();
    none.addRead(10, 1, 1, 1);
    none.addAssembled(1, 1);
    assertThat(
        JobProgress.NONE.snapshot(), equalTo(new JobProgress.Snapshot(false, 0, 0, 0, 0, 0, 0, 0)));
  }

  @Test
  void stepsAddToTheJobRegisteredUnderTheirJobName() {
    PipelineOptions options = job("JobProgressTest-registered");
    JobProgress progress = JobProgress.register(options.getJobName());
    assertThat(JobProgress.of(job("JobProgressTest-other")), sameInstance(JobProgress.NONE));
    long before = System.nanoTime();
    JobProgress.of(options).rangeStarted();
    long first = progress.snapshot().firstRangeNanos();
    JobProgress.of(options).rangeStarted();
    JobProgress.of(options).addRead(100, 3, 2, 1);
    JobProgress.of(options).addRead(50, 2, 2, 2);
    JobProgress.of(options).addAssembled(3, 1);
    assertThat(
        progress.snapshot(), equalTo(new JobProgress.Snapshot(true, first, 150, 5, 4, 3, 3, 1)));
    assertThat("the first range marks the start", first - before >= 0, equalTo(true));

    JobProgress.unregister(options.getJobName(), progress);
    assertThat(JobProgress.of(options), sameInstance(JobProgress.NONE));
  }

  @Test
  void unregisteringAnEarlierJobOfTheSameNameKeepsTheLaterOne() {
    JobProgress earlier = JobProgress.register("JobProgressTest-again");
    JobProgress later = JobProgress.register("JobProgressTest-again");
    JobProgress.unregister("JobProgressTest-again", earlier);
    assertThat(JobProgress.of(job("JobProgressTest-again")), sameInstance(later));
    JobProgress.unregister("JobProgressTest-again", later);
  }
}
