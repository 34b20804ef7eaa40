package org.flowbeam.pipelines.report;

import java.util.List;

/**
 * The time bins of a run as the report charts them: at most {@code maxPoints} points, so a run of a
 * year in one-second bins still embeds a few thousand numbers. Each point adds up {@link
 * #binsPerPoint()} consecutive bins of the output; points without a bin are zero.
 *
 * <pre>{@code
 * TimeSeries s = new TimeSeries(firstStartUs, lastEndUs, binUs, 2000);
 * s.add(startUs, packets, bytes, flowsStarted, flags);
 * }</pre>
 */
public final class TimeSeries {
  /** The flag columns of a time bin, in the order of {@link #flags()}. */
  public static final List<String> FLAG_NAMES =
      List.of("fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr");

  private final long startUs;
  private final long pointUs;
  private final int binsPerPoint;
  private final long[] packets;
  private final long[] bytes;
  private final long[] flowsStarted;
  private final long[][] flags;

  /**
   * Points over {@code [startUs, endUs)} for bins {@code binUs} wide, at most {@code maxPoints}.
   */
  public TimeSeries(long startUs, long endUs, long binUs, int maxPoints) {
    if (binUs < 1 || endUs < startUs || maxPoints < 1) {
      throw new IllegalArgumentException(
          "bad time series: " + startUs + ".." + endUs + " by " + binUs + ", " + maxPoints);
    }
    long bins = Math.max(1, ceilDiv(endUs - startUs, binUs));
    this.binsPerPoint = (int) Math.min(Integer.MAX_VALUE, ceilDiv(bins, maxPoints));
    this.pointUs = binUs * binsPerPoint;
    this.startUs = startUs;
    int points = (int) Math.max(1, ceilDiv(endUs - startUs, pointUs));
    this.packets = new long[points];
    this.bytes = new long[points];
    this.flowsStarted = new long[points];
    this.flags = new long[FLAG_NAMES.size()][points];
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** Adds a bin that starts at {@code binStartUs}; flag counts in {@link #FLAG_NAMES} order. */
  public void add(long binStartUs, long packets, long bytes, long flowsStarted, long[] flagCounts) {
    long index = Math.floorDiv(binStartUs - startUs, pointUs);
    int i = (int) Math.max(0, Math.min(this.packets.length - 1, index));
    this.packets[i] += packets;
    this.bytes[i] += bytes;
    this.flowsStarted[i] += flowsStarted;
    for (int f = 0; f < flags.length; f++) {
      flags[f][i] += flagCounts[f];
    }
  }

  /** When the first point starts, µs since the epoch. */
  public long startUs() {
    return startUs;
  }

  /** The width of one point, µs. */
  public long pointUs() {
    return pointUs;
  }

  /** How many of the output's bins one point adds up. */
  public int binsPerPoint() {
    return binsPerPoint;
  }

  public long[] packets() {
    return packets.clone();
  }

  public long[] bytes() {
    return bytes.clone();
  }

  public long[] flowsStarted() {
    return flowsStarted.clone();
  }

  /** Per flag of {@link #FLAG_NAMES}, its count per point. */
  public long[][] flags() {
    long[][] copy = new long[flags.length][];
    for (int f = 0; f < flags.length; f++) {
      copy[f] = flags[f].clone();
    }
    return copy;
  }
}
