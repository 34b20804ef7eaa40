package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.flowbeam.model.FlowProtocol;

/**
 * Totals of a packet collection, computed in one pass by {@link TrafficStats#totals()}: packets,
 * TCP, UDP and ICMP packets (ICMP and ICMPv6), bytes, and the first and last packet time (µs). With
 * no packet, first is {@code Long.MAX_VALUE} and last {@code Long.MIN_VALUE}; {@link #isEmpty()}
 * says so.
 */
public record PacketTotals(
    long packets,
    long tcpPackets,
    long udpPackets,
    long icmpPackets,
    long bytes,
    long firstUs,
    long lastUs)
    implements Serializable {

  public boolean isEmpty() {
    return packets == 0;
  }

  /** The packets of {@code protocol}. */
  public long packetsOf(FlowProtocol protocol) {
    switch (protocol) {
      case TCP:
        return tcpPackets;
      case UDP:
        return udpPackets;
      case ICMP:
        return icmpPackets;
      default:
        throw new IllegalArgumentException(String.valueOf(protocol));
    }
  }

  /** The packets of the flow protocols {@code protocols}: those every flow must account for. */
  public long packetsOf(Set<FlowProtocol> protocols) {
    long n = 0;
    for (FlowProtocol p : protocols) {
      n += packetsOf(p);
    }
    return n;
  }

  /** A deterministic coder: that of the {@link TotalTraffic} partial sum these totals name. */
  public static Coder<PacketTotals> coder() {
    return PacketTotalsCoder.INSTANCE;
  }

  private static final class PacketTotalsCoder extends CustomCoder<PacketTotals> {
    static final PacketTotalsCoder INSTANCE = new PacketTotalsCoder();

    @Override
    public void encode(PacketTotals t, OutputStream out) throws IOException {
      TotalTraffic.coder().encode(TotalTraffic.of(t), out);
    }

    @Override
    public PacketTotals decode(InputStream in) throws IOException {
      return TotalTraffic.coder().decode(in).toPacketTotals();
    }

    @Override
    public void verifyDeterministic() {}

    private Object readResolve() {
      return INSTANCE;
    }
  }
}
