package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
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
    return PartialSumFn.of(IpTraffic::new);
  }

  /** A deterministic coder: the six values as variable-length longs. */
  public static Coder<IpTraffic> coder() {
    return PartialSumCoder.of(IpTraffic::new);
  }

  @Override
  public String toString() {
    return toIpStats("?").toString();
  }

  @Override
  public void encodeFields(OutputStream out) throws IOException {
    VarInt.encode(sentPackets, out);
    VarInt.encode(recvPackets, out);
    VarInt.encode(sentBytes, out);
    VarInt.encode(recvBytes, out);
    VarInt.encode(firstUs, out);
    VarInt.encode(lastUs, out);
  }

  @Override
  public void decodeFields(InputStream in) throws IOException {
    sentPackets = VarInt.decodeLong(in);
    recvPackets = VarInt.decodeLong(in);
    sentBytes = VarInt.decodeLong(in);
    recvBytes = VarInt.decodeLong(in);
    firstUs = VarInt.decodeLong(in);
    lastUs = VarInt.decodeLong(in);
  }
}
