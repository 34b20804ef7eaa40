package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;

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
