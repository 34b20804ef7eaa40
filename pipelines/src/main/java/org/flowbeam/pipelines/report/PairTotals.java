package org.flowbeam.pipelines.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Flows, packets and bytes per pair of addresses, in either direction, for the report's top pairs.
 * Exact while at most {@code capacity} distinct pairs have been seen; beyond, whenever the table
 * reaches twice the capacity it keeps only the {@code capacity} pairs of most bytes, so memory
 * stays bounded on any number of flows and the result is marked {@link #approximate()} (a pair
 * dropped and seen again restarts from zero, so its totals may be low).
 *
 * <pre>{@code
 * PairTotals pairs = new PairTotals(100_000);
 * pairs.add("10.0.0.1", "10.0.0.2", 12, 3400);
 * pairs.largest(10);
 * }</pre>
 */
public final class PairTotals {
  /** The totals of one pair; {@code a} sorts before or equal to {@code b}. */
  public record Pair(String a, String b, long flows, long packets, long bytes) {}

  private record Key(String a, String b) {}

  private static final Comparator<Pair> MOST_BYTES_FIRST =
      Comparator.comparingLong(Pair::bytes)
          .thenComparingLong(Pair::packets)
          .reversed()
          .thenComparing(Pair::a)
          .thenComparing(Pair::b);

  private final int capacity;
  private final Map<Key, long[]> totals = new HashMap<>();
  private boolean approximate;

  /** Tracks up to {@code capacity} pairs exactly. */
  public PairTotals(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Adds one flow between {@code x} and {@code y} (in either order). */
  public void add(String x, String y, long packets, long bytes) {
    Key key = x.compareTo(y) <= 0 ? new Key(x, y) : new Key(y, x);
    long[] t = totals.computeIfAbsent(key, k -> new long[3]);
    t[0]++;
    t[1] += packets;
    t[2] += bytes;
    if (totals.size() >= 2 * capacity) {
      prune();
    }
  }

  /**
   * Keeps the {@code capacity} pairs of most bytes, in place: the bytes of all are sorted as
   * primitives to find the threshold (no object per pair), then the map drops what is below it and
   * the ties past the capacity.
   */
  private void prune() {
    long[] bytes = new long[totals.size()];
    int i = 0;
    for (long[] t : totals.values()) {
      bytes[i++] = t[2];
    }
    Arrays.sort(bytes);
    long threshold = bytes[bytes.length - capacity];
    int above = bytes.length - upperBound(bytes, threshold);
    int tiesKept = capacity - above;
    for (Iterator<long[]> it = totals.values().iterator(); it.hasNext(); ) {
      long b = it.next()[2];
      if (b < threshold || (b == threshold && tiesKept-- <= 0)) {
        it.remove();
      }
    }
    approximate = true;
  }

  /** The index of the first element of sorted {@code a} greater than {@code v}. */
  private static int upperBound(long[] a, long v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private List<Pair> sorted() {
    List<Pair> all = new ArrayList<>(totals.size());
    totals.forEach((k, t) -> all.add(new Pair(k.a(), k.b(), t[0], t[1], t[2])));
    all.sort(MOST_BYTES_FIRST);
    return all;
  }

  /** The {@code n} pairs of most bytes (then packets, then by address), most first. */
  public List<Pair> largest(int n) {
    List<Pair> all = sorted();
    return List.copyOf(all.subList(0, Math.min(n, all.size())));
  }

  /** Whether pairs were dropped to bound memory, so totals may be low. */
  public boolean approximate() {
    return approximate;
  }
}
