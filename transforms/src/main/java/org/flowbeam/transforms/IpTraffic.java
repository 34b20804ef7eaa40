package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;
import org.flowbeam.model.IpStats;

/**
 * The traffic of one address, as a partial sum: packets and bytes it sent and received, and the
 * first and last time it was seen (µs). {@link #toIpStats} names it.
 *
 * <pre>{@code
 * IpTraffic t = new IpTraffic();
 * t.addSent(60, 1_000);
 * t.addReceived(1500, 2_000);
 * t.toIpStats("10.0.0.1"); // IpStats[ip=10.0.0.1, sentPackets=1, recvPackets=1, ...]
 * }</pre>
 */
public final class IpTraffic implements PartialSum<IpTraffic> {
  private static final long serialVersionUID = 1L;

  private long sentPackets;
  private long recvPackets;
  private long sentBytes;
  private long recvBytes;
  private long firstUs = Long.MAX_VALUE;
  private long lastUs = Long.MIN_VALUE;

  /** Counts a packet of {@code bytes} that the address sent at {@code timeUs}. */
  public void addSent(long bytes, long timeUs) {
    sentPackets++;
    sentBytes += bytes;
    seenAt(timeUs);
  }

  /** Counts a packet of {@code bytes} that the address received at {@code timeUs}. */
  public void addReceived(long bytes, long timeUs) {
    recvPackets++;
    recvBytes += bytes;
    seenAt(timeUs);
  }

  private void seenAt(long timeUs) {
    firstUs = Math.min(firstUs, timeUs);
    lastUs = Math.max(lastUs, timeUs);
  }

  @Override
  public void add(IpTraffic o) {
    sentPackets += o.sentPackets;
    recvPackets += o.recvPackets;
    sentBytes += o.sentBytes;
    recvBytes += o.recvBytes;
    firstUs = Math.min(firstUs, o.firstUs);
    lastUs = Math.max(lastUs, o.lastUs);
  }

  @Override
  public IpTraffic copy() {
    IpTraffic c = new IpTraffic();
    c.add(this);
    return c;
  }

  /** The statistics record of {@code ip}. */
  public IpStats toIpStats(String ip) {
    return new IpStats(ip, sentPackets, recvPackets, sentBytes, recvBytes, firstUs, lastUs);
  }

  /** Adds per-address partial sums. */
  public static PartialSumFn<IpTraffic> combineFn() {
    return PartialSumFn.of(IpTraffic::new, coder());
  }

  /** A deterministic coder: the six values as variable-length longs. */
  public static Coder<IpTraffic> coder() {
    return IpTrafficCoder.INSTANCE;
  }

  @Override
  public String toString() {
    return toIpStats("?").toString();
  }

  private static final class IpTrafficCoder extends CustomCoder<IpTraffic> {
    static final IpTrafficCoder INSTANCE = new IpTrafficCoder();

    @Override
    public void encode(IpTraffic t, OutputStream out) throws IOException {
      VarInt.encode(t.sentPackets, out);
      VarInt.encode(t.recvPackets, out);
      VarInt.encode(t.sentBytes, out);
      VarInt.encode(t.recvBytes, out);
      VarInt.encode(t.firstUs, out);
      VarInt.encode(t.lastUs, out);
    }

    @Override
    public IpTraffic decode(InputStream in) throws IOException {
      IpTraffic t = new IpTraffic();
      t.sentPackets = VarInt.decodeLong(in);
      t.recvPackets = VarInt.decodeLong(in);
      t.sentBytes = VarInt.decodeLong(in);
      t.recvBytes = VarInt.decodeLong(in);
      t.firstUs = VarInt.decodeLong(in);
      t.lastUs = VarInt.decodeLong(in);
      return t;
    }

    @Override
    public void verifyDeterministic() {}

    private Object readResolve() {
      return INSTANCE;
    }
  }
}
