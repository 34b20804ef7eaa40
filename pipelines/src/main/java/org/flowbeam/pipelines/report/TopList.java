package org.flowbeam.pipelines.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;

/**
 * The {@code n} largest of a stream of items by a score, kept in a heap of {@code n}, so picking
 * the top talkers of millions of addresses holds {@code n} of them. Ties keep the item offered
 * first.
 *
 * <pre>{@code
 * TopList<IpStat> top = new TopList<>(10, IpStat::bytes);
 * stats.forEach(top::offer);
 * top.largestFirst();
 * }</pre>
 *
 * @param <T> the item type
 */
public final class TopList<T> {
  private record Entry<T>(T item, long score, long order) {}

  private final int n;
  private final ToLongFunction<T> score;
  private final Comparator<Entry<T>> smallestFirst =
      Comparator.<Entry<T>>comparingLong(Entry::score)
          .thenComparing(Comparator.<Entry<T>>comparingLong(Entry::order).reversed());
  private final PriorityQueue<Entry<T>> heap;
  private long offered;

  /** Keeps the {@code n} items of largest {@code score}. */
  public TopList(int n, ToLongFunction<T> score) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, got " + n);
    }
    this.n = n;
    this.score = score;
    this.heap = new PriorityQueue<>(n + 1, smallestFirst);
  }

  /** Offers {@code item}; it is kept while it is among the {@code n} largest so far. */
  public void offer(T item) {
    heap.add(new Entry<>(item, score.applyAsLong(item), offered++));
    if (heap.size() > n) {
      heap.poll();
    }
  }

  /** How many items were offered. */
  public long offered() {
    return offered;
  }

  /** The kept items, largest score first (ties: offered first). */
  public List<T> largestFirst() {
    List<Entry<T>> entries = new ArrayList<>(heap);
    entries.sort(smallestFirst.reversed());
    List<T> items = new ArrayList<>(entries.size());
    for (Entry<T> e : entries) {
      items.add(e.item());
    }
    return items;
  }
}
