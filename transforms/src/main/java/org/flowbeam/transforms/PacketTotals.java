package org.flowbeam.transforms;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DelegateCoder;

/**
 * Totals of a packet collection, computed in one pass by {@link TrafficStats#totals()}: packets,
 * TCP packets, bytes, and the first and last packet time (µs). With no packet, first is {@code
 * Long.MAX_VALUE} and last {@code Long.MIN_VALUE}; {@link #isEmpty()} says so.
 */
public record PacketTotals(long packets, long tcpPackets, long bytes, long firstUs, long lastUs)
    implements Serializable {

  public boolean isEmpty() {
    return packets == 0;
  }

  /** A deterministic coder (the five values as a long vector). */
  public static Coder<PacketTotals> coder() {
    return DelegateCoder.of(
        LongVectorFn.coder(),
        t -> new long[] {t.packets, t.tcpPackets, t.bytes, t.firstUs, t.lastUs},
        v -> new PacketTotals(v[0], v[1], v[2], v[3], v[4]));
  }
}
