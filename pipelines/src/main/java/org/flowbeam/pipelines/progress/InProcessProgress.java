package org.flowbeam.pipelines.progress;

import java.util.OptionalLong;
import org.flowbeam.transforms.JobProgress;

/**
 * The progress of a job that runs in this JVM (the Direct Runner, Flink embedded), from the counts
 * its steps add to its {@link JobProgress}: exact, and as fresh as the steps' last additions (per
 * 65,536 records read, per range, per bundle of the keyed stage).
 */
public final class InProcessProgress implements ProgressSource {
  private final JobProgress progress;
  private final ProgressPlan plan;

  public InProcessProgress(JobProgress progress, ProgressPlan plan) {
    this.progress = progress;
    this.plan = plan;
  }

  @Override
  public ProgressSnapshot poll() {
    JobProgress.Snapshot s = progress.snapshot();
    return new ProgressSnapshot(
        s.started() ? OptionalLong.of(s.firstRangeNanos()) : OptionalLong.empty(),
        s.bytes(),
        false,
        s.started() && s.bytes() >= plan.totalBytes(),
        s.records(),
        s.packets(),
        s.flowPackets(),
        s.assembledPackets(),
        s.flows());
  }
}
