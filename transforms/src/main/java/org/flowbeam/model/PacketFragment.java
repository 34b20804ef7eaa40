package org.flowbeam.model;

import java.io.Serializable;
import java.util.List;

/**
 * Packets of one flow key gathered before the keyed shuffle: a run of a 5-tuple's packets from one
 * bundle of a reader, in the order they were read. The keyed stage merges a key's fragments and
 * sorts their packets in {@link Packet#EVENT_ORDER}, so fragments change how packets travel, never
 * which flows come out.
 *
 * <p>Why: one shuffled element per key and bundle instead of one per packet, and a coder ({@link
 * PacketFragmentCoder}) that writes the key's addresses once and each packet in a few bytes.
 *
 * @param key the packets' canonical 5-tuple
 * @param packets the packets, all of {@code key}
 */
public record PacketFragment(FlowKey key, List<Packet> packets) implements Serializable {
  public PacketFragment {
    packets = List.copyOf(packets);
  }

  /** The newest packet time in the fragment, µs. */
  public long newestUs() {
    long max = Long.MIN_VALUE;
    for (Packet p : packets) {
      max = Math.max(max, p.timestampMicros());
    }
    return max;
  }
}
