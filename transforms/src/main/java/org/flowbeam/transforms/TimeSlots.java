package org.flowbeam.transforms;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Values kept per slot of packet time (a time bin, an hour), each slot {@code [k * width, (k + 1) *
 * width)}. The slot last asked for is kept at hand: packets come mostly in time order, so most
 * packets find their slot without a map lookup.
 *
 * @param <V> the value kept per slot, created empty on first use
 */
final class TimeSlots<V> {
  private final long widthUs;
  private final Supplier<V> empty;
  private final Map<Long, V> slots = new HashMap<>();
  private V last;
  private long lastStartUs;

  TimeSlots(long widthUs, Supplier<V> empty) {
    this.widthUs = widthUs;
    this.empty = empty;
  }

  /** The value of the slot holding {@code timeUs}, created if it is the slot's first use. */
  V at(long timeUs) {
    long startUs = Math.floorDiv(timeUs, widthUs) * widthUs;
    if (last == null || startUs != lastStartUs) {
      last = slots.computeIfAbsent(startUs, k -> empty.get());
      lastStartUs = startUs;
    }
    return last;
  }

  /** Every slot used, by its start (µs). */
  Map<Long, V> byStart() {
    return slots;
  }
}
