package org.flowbeam.pipelines.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts of non-negative values in powers-of-two bins: {@code [0, 1)}, {@code [1, 2)}, {@code [2,
 * 4)}, {@code [4, 8)} ... up to {@code [2^62, 2^63)}, so a distribution over many orders of
 * magnitude (flow durations from microseconds to days, sizes from one packet to gigabytes) fits in
 * 64 counters. Negative values count in the first bin.
 *
 * <pre>{@code
 * Log2Histogram h = new Log2Histogram();
 * h.add(0); h.add(3); h.add(3);
 * h.bins(); // [Bin[lo=0, hi=1, count=1], Bin[lo=1, hi=2, count=0], Bin[lo=2, hi=4, count=2]]
 * }</pre>
 */
public final class Log2Histogram {
  /** One bin: values {@code lo <= v < hi}, and how many there were. */
  public record Bin(long lo, long hi, long count) {}

  private final long[] counts = new long[64];

  /** Counts {@code value}. */
  public void add(long value) {
    counts[binOf(value)]++;
  }

  /** The bin index of {@code value}: 0 for values under 1, else 1 + floor(log2(value)). */
  static int binOf(long value) {
    return value < 1 ? 0 : 64 - Long.numberOfLeadingZeros(value);
  }

  /**
   * The bins from the first to the last that counted a value, with the empty ones between them (a
   * chart shows the gaps); none if nothing was counted.
   */
  public List<Bin> bins() {
    int first = 0;
    while (first < counts.length && counts[first] == 0) {
      first++;
    }
    int last = counts.length - 1;
    while (last >= first && counts[last] == 0) {
      last--;
    }
    List<Bin> bins = new ArrayList<>();
    for (int i = first; i <= last; i++) {
      long lo = i == 0 ? 0 : 1L << (i - 1);
      long hi = i == 63 ? Long.MAX_VALUE : 1L << i;
      bins.add(new Bin(lo, hi, counts[i]));
    }
    return bins;
  }
}
