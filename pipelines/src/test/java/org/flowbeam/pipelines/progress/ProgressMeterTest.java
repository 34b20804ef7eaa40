package org.flowbeam.pipelines.progress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;

import java.util.OptionalLong;
import org.flowbeam.pipelines.progress.ProgressView.Phase;
import org.junit.jupiter.api.Test;

/** Phases, rates and the time left, on snapshots at times a fake clock gives. */
class ProgressMeterTest {
  private static final long S = 1_000_000_000L;
  private static final long START = 1_000 * S;
  private static final long UNKNOWN = ProgressSnapshot.UNKNOWN;
  private static final ProgressPlan PLAN = new ProgressPlan(10_000, 10);

  /** A snapshot of a job that began processing at START + 10 s. */
  private static ProgressSnapshot reading(long bytes, long packets) {
    return new ProgressSnapshot(
        OptionalLong.of(START + 10 * S), bytes, false, false, packets, packets, packets, 0, 0);
  }

  private static ProgressSnapshot read(long tcp, long assembled, long flows) {
    return new ProgressSnapshot(
        OptionalLong.of(START + 10 * S), 10_000, false, true, tcp, tcp, tcp, assembled, flows);
  }

  @Test
  void startingUntilTheFirstRangeIsRead() {
    ProgressMeter meter = new ProgressMeter(PLAN, START);
    ProgressView v = meter.update(ProgressSnapshot.NOT_STARTED, START + 5 * S);
    assertThat(v.phase(), equalTo(Phase.STARTING));
    assertThat(v.elapsedNanos(), equalTo(5 * S));
    assertThat(v.etaNanos(), equalTo(-1L));
    assertThat(Double.isNaN(v.percent()), equalTo(true));
  }

  @Test
  void readingAtASteadyRateGivesItsPercentRateAndTimeLeft() {
    ProgressMeter meter = new ProgressMeter(PLAN, START);
    ProgressView first = meter.update(reading(0, 0), START + 10 * S);
    assertThat(first.phase(), equalTo(Phase.READING));
    assertThat("no rate from one sample", Double.isNaN(first.packetsPerSecond()), equalTo(true));
    assertThat(first.etaNanos(), equalTo(-1L));

    meter.update(reading(1_000, 50), START + 12 * S);
    ProgressView v = meter.update(reading(2_000, 100), START + 14 * S);
    assertThat(v.percent(), closeTo(20.0, 1e-9));
    assertThat(v.bytesPerSecond(), closeTo(500.0, 1e-9));
    assertThat(v.packetsPerSecond(), closeTo(25.0, 1e-9));
    assertThat(v.etaNanos(), equalTo(16 * S)); // 8,000 bytes at 500 a second
    assertThat(v.elapsedNanos(), equalTo(14 * S));
    assertThat(v.records(), equalTo(100L));
  }

  @Test
  void theRateFollowsAJobThatSlowsDown() {
    ProgressMeter meter = new ProgressMeter(PLAN, START);
    long bytes = 0;
    long t = START + 10 * S;
    for (int i = 0; i < 30; i++, t += S) {
      meter.update(reading(bytes, 0), t);
      bytes += 200; // 200 bytes a second for 30 s
    }
    ProgressView v = null;
    for (int i = 0; i < 30; i++, t += S) {
      v = meter.update(reading(bytes, 0), t);
      bytes += 20; // then 20 a second
    }
    // Over the last 20 s only: 20 bytes a second, not the average since the start.
    assertThat(v.bytesPerSecond(), closeTo(20.0, 1.0));
  }

  @Test
  void afterReadingTheKeyedStagesPacketsAreThePhase() {
    ProgressMeter meter = new ProgressMeter(PLAN, START);
    meter.update(reading(5_000, 500), START + 20 * S);
    ProgressView sorting = meter.update(read(1_000, 0, 0), START + 30 * S);
    assertThat(sorting.phase(), equalTo(Phase.ASSEMBLING));
    assertThat(sorting.percent(), equalTo(0.0));
    assertThat("the rate starts afresh", Double.isNaN(sorting.packetsPerSecond()), equalTo(true));
    meter.update(read(1_000, 100, 5), START + 32 * S);
    ProgressView v = meter.update(read(1_000, 400, 20), START + 34 * S);
    assertThat(v.percent(), closeTo(40.0, 1e-9));
    assertThat(v.packetsPerSecond(), closeTo(100.0, 1e-9)); // 400 packets in 4 s
    assertThat(v.etaNanos(), equalTo(6 * S));
    assertThat(v.flows(), equalTo(20L));
    assertThat(Double.isNaN(v.bytesPerSecond()), equalTo(true));

    ProgressView writing = meter.update(read(1_000, 1_000, 50), START + 40 * S);
    assertThat(writing.phase(), equalTo(Phase.WRITING));
    assertThat(writing.etaNanos(), equalTo(-1L));
    ProgressView done = meter.done(read(1_000, 1_000, 60), START + 45 * S);
    assertThat(done.phase(), equalTo(Phase.DONE));
    assertThat(done.flows(), equalTo(60L));
    assertThat(done.bytes(), equalTo(10_000L));
  }

  @Test
  void withoutTcpCountsTheJobGoesFromReadingToWriting() {
    ProgressMeter meter = new ProgressMeter(PLAN, START);
    ProgressSnapshot readButUnknown =
        new ProgressSnapshot(
            OptionalLong.of(START), 10_000, false, true, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, 0);
    assertThat(meter.update(readButUnknown, START + S).phase(), equalTo(Phase.WRITING));
  }

  @Test
  void bytesBeyondTheTotalAreShownAsTheTotal() {
    ProgressMeter meter = new ProgressMeter(PLAN, START);
    ProgressView v = meter.update(reading(12_000, 0), START + S);
    assertThat(v.bytes(), equalTo(10_000L));
    assertThat(v.percent(), equalTo(100.0));
  }
}
