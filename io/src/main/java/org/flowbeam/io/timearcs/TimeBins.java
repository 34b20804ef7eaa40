package org.flowbeam.io.timearcs;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The equal-width time bins of TimeArcs' {@code indices/bins.json}.
 *
 * <p>With {@code span = max - min}, bin {@code i} of {@code n} starts at {@code min + ceil(span * i
 * / n)} and ends where bin {@code i + 1} starts; the last bin ends at {@code max}. A timestamp
 * {@code t} falls in bin {@code floor((t - min) * n / span)}, capped at {@code n - 1}, so bins are
 * half-open {@code [start, end)} except the last, which holds {@code max}: every timestamp is
 * counted exactly once and the newest lies in the last bin. (The TimeArcs Python loader uses
 * floating-point bounds and drops the newest packet; this is the exact integer form of the same
 * bins.) When all timestamps are equal there is one bin {@code [min, min]}; with none, no bins.
 *
 * <pre>{@code
 * List<TimeBins.Bin> bins = TimeBins.of(timestamps, 100);
 * }</pre>
 */
public final class TimeBins {
  /** The number of bins TimeArcs uses. */
  public static final int TIMEARCS_BINS = 100;

  /** One bin: its index, bounds (µs) and how many timestamps fell in it. */
  public record Bin(int bin, long start, long end, long count) {}

  private TimeBins() {}

  /** Bins {@code timestamps} (in any order) into {@code n} equal-width bins. */
  public static List<Bin> of(long[] timestamps, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("bin count must be positive, got " + n);
    }
    if (timestamps.length == 0) {
      return List.of();
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long t : timestamps) {
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    if (min == max) {
      return List.of(new Bin(0, min, max, timestamps.length));
    }
    long span = max - min;
    long[] counts = new long[n];
    for (long t : timestamps) {
      counts[index(t - min, span, n)]++;
    }
    List<Bin> bins = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long end = i == n - 1 ? max : min + ceilDiv(span, i + 1, n);
      bins.add(new Bin(i, min + ceilDiv(span, i, n), end, counts[i]));
    }
    return bins;
  }

  /** The bin of offset {@code d} (0..span). */
  static int index(long d, long span, int n) {
    long i =
        d < Long.MAX_VALUE / n
            ? d * n / span
            : BigInteger.valueOf(d)
                .multiply(BigInteger.valueOf(n))
                .divide(BigInteger.valueOf(span))
                .longValueExact();
    return (int) Math.min(i, n - 1);
  }

  /** {@code ceil(span * i / n)}, exact for any span. */
  static long ceilDiv(long span, long i, long n) {
    BigInteger[] qr =
        BigInteger.valueOf(span)
            .multiply(BigInteger.valueOf(i))
            .divideAndRemainder(BigInteger.valueOf(n));
    return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
  }
}
