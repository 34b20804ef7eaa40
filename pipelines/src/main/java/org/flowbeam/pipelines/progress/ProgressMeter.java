package org.flowbeam.pipelines.progress;

import java.util.ArrayDeque;
import java.util.Deque;
import org.flowbeam.pipelines.progress.ProgressView.Phase;

/**
 * Turns a job's successive {@link ProgressSnapshot}s into what the progress line shows: the phase,
 * how much of it is done, the rates and the time left. Pure: the caller gives the time of each
 * snapshot, so tests drive it with a fake clock.
 *
 * <p>The phase is read from the snapshot: starting until the first range is read, reading until the
 * whole input is read, then assembling flows while the keyed stage has taken fewer flow-protocol
 * packets than were read, then writing. Rates are over the last {@link #RATE_WINDOW_NANOS} of the
 * phase (at least {@link #MIN_RATE_NANOS} of it), so that they follow a job that slows down or
 * speeds up; the time left is what remains of the phase at that rate. The phases after reading are
 * not estimated while reading: their length depends on the traffic (how many flows, how they
 * interleave), not on the input's size.
 *
 * <pre>{@code
 * ProgressMeter meter = new ProgressMeter(plan, commandStartNanos);
 * ProgressView view = meter.update(source.poll(), System.nanoTime());
 * }</pre>
 */
public final class ProgressMeter {
  /** The span the rates are measured over. */
  static final long RATE_WINDOW_NANOS = 20_000_000_000L;

  /** No rate is given over less than this. */
  static final long MIN_RATE_NANOS = 1_000_000_000L;

  private final ProgressPlan plan;
  private final long commandStartNanos;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private Phase phase = Phase.STARTING;

  /**
   * @param plan what the job is to read
   * @param commandStartNanos when the command started ({@link System#nanoTime()}): elapsed times
   *     count from it
   */
  public ProgressMeter(ProgressPlan plan, long commandStartNanos) {
    this.plan = plan;
    this.commandStartNanos = commandStartNanos;
  }

  /** Where one snapshot put the phase's progress, bytes and packets. */
  private record Sample(long nanos, long done, long bytes, long packets) {}

  /** What to show of {@code s}, a snapshot taken at {@code nowNanos}, while the job runs. */
  public ProgressView update(ProgressSnapshot s, long nowNanos) {
    Phase current = phaseOf(s);
    if (current != phase) {
      samples.clear();
      phase = current;
    }
    long done;
    long total;
    long packets;
    switch (phase) {
      case READING -> {
        done = s.bytes();
        total = plan.totalBytes();
        packets = s.packets();
      }
      case ASSEMBLING -> {
        done = s.assembledPackets();
        total = s.flowPackets();
        packets = s.assembledPackets();
      }
      default -> {
        done = 0;
        total = 0;
        packets = ProgressSnapshot.UNKNOWN;
      }
    }
    samples.addLast(new Sample(nowNanos, done, s.bytes(), packets));
    while (samples.size() > 2 && nowNanos - second().nanos() >= RATE_WINDOW_NANOS) {
      samples.removeFirst();
    }
    Sample first = samples.getFirst();
    long spanNanos = nowNanos - first.nanos();
    boolean measurable = spanNanos >= MIN_RATE_NANOS;
    double doneRate = measurable ? (done - first.done()) * 1e9 / spanNanos : Double.NaN;
    double bytesRate =
        measurable && phase == Phase.READING
            ? (s.bytes() - first.bytes()) * 1e9 / spanNanos
            : Double.NaN;
    double packetsRate =
        measurable && packets >= 0 && first.packets() >= 0
            ? (packets - first.packets()) * 1e9 / spanNanos
            : Double.NaN;
    double percent = total > 0 ? Math.min(100.0, 100.0 * done / total) : Double.NaN;
    long eta = -1;
    if (total > 0 && doneRate > 0) {
      eta = (long) (Math.max(0, total - done) / doneRate * 1e9);
    }
    return view(s, nowNanos, phase, percent, eta, packetsRate, bytesRate);
  }

  /** What to show of {@code s}, the job's last snapshot, once it has ended at {@code nowNanos}. */
  public ProgressView done(ProgressSnapshot s, long nowNanos) {
    return view(s, nowNanos, Phase.DONE, Double.NaN, -1, Double.NaN, Double.NaN);
  }

  private ProgressView view(
      ProgressSnapshot s,
      long nowNanos,
      Phase shown,
      double percent,
      long eta,
      double packetsRate,
      double bytesRate) {
    return new ProgressView(
        shown,
        percent,
        nowNanos - commandStartNanos,
        eta,
        Math.min(s.bytes(), plan.totalBytes()),
        s.bytesEstimated(),
        plan.totalBytes(),
        s.records(),
        s.packets(),
        packetsRate,
        bytesRate,
        s.flows());
  }

  private Sample second() {
    var it = samples.iterator();
    it.next();
    return it.next();
  }

  private static Phase phaseOf(ProgressSnapshot s) {
    if (!s.started()) {
      return Phase.STARTING;
    }
    if (!s.readDone()) {
      return Phase.READING;
    }
    if (s.flowPackets() >= 0
        && s.assembledPackets() >= 0
        && s.assembledPackets() < s.flowPackets()) {
      return Phase.ASSEMBLING;
    }
    return Phase.WRITING;
  }
}
