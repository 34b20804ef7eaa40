package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.VarInt;
import org.flowbeam.model.IpProtocol;

/**
 * The traffic of a whole input, as a partial sum: packets, TCP, UDP and ICMP (v4 and v6) packets,
 * bytes, and the first and last packet time (µs). {@link #toPacketTotals} names it.
 *
 * <pre>{@code
 * TotalTraffic t = new TotalTraffic();
 * t.addPacket(60, IpProtocol.TCP, 1_000);
 * t.toPacketTotals(); // PacketTotals[packets=1, tcpPackets=1, udpPackets=0, icmpPackets=0, ...]
 * }</pre>
 */
public final class TotalTraffic implements PartialSum<TotalTraffic> {
  private static final long serialVersionUID = 1L;

  private long packets;
  private long tcpPackets;
  private long udpPackets;
  private long icmpPackets;
  private long bytes;
  private long firstUs = Long.MAX_VALUE;
  private long lastUs = Long.MIN_VALUE;

  /** Counts a packet of {@code bytes} and IP protocol {@code protocol} seen at {@code timeUs}. */
  public void addPacket(long bytes, int protocol, long timeUs) {
    packets++;
    switch (protocol) {
      case IpProtocol.TCP:
        tcpPackets++;
        break;
      case IpProtocol.UDP:
        udpPackets++;
        break;
      case IpProtocol.ICMP:
      case IpProtocol.ICMPV6:
        icmpPackets++;
        break;
      default:
        break;
    }
    this.bytes += bytes;
    firstUs = Math.min(firstUs, timeUs);
    lastUs = Math.max(lastUs, timeUs);
  }

  /** True if no packet was counted. */
  public boolean isEmpty() {
    return packets == 0;
  }

  @Override
  public void add(TotalTraffic o) {
    packets += o.packets;
    tcpPackets += o.tcpPackets;
    udpPackets += o.udpPackets;
    icmpPackets += o.icmpPackets;
    bytes += o.bytes;
    firstUs = Math.min(firstUs, o.firstUs);
    lastUs = Math.max(lastUs, o.lastUs);
  }

  @Override
  public TotalTraffic copy() {
    TotalTraffic c = new TotalTraffic();
    c.add(this);
    return c;
  }

  /** The partial sum that {@code totals} name. */
  static TotalTraffic of(PacketTotals totals) {
    TotalTraffic t = new TotalTraffic();
    t.packets = totals.packets();
    t.tcpPackets = totals.tcpPackets();
    t.udpPackets = totals.udpPackets();
    t.icmpPackets = totals.icmpPackets();
    t.bytes = totals.bytes();
    t.firstUs = totals.firstUs();
    t.lastUs = totals.lastUs();
    return t;
  }

  /** The totals record. */
  public PacketTotals toPacketTotals() {
    return new PacketTotals(packets, tcpPackets, udpPackets, icmpPackets, bytes, firstUs, lastUs);
  }

  /** Adds partial totals. */
  public static PartialSumFn<TotalTraffic> combineFn() {
    return PartialSumFn.of(TotalTraffic::new);
  }

  /** A deterministic coder: the seven values as variable-length longs. */
  public static Coder<TotalTraffic> coder() {
    return PartialSumCoder.of(TotalTraffic::new);
  }

  @Override
  public String toString() {
    return toPacketTotals().toString();
  }

  @Override
  public void encodeFields(OutputStream out) throws IOException {
    VarInt.encode(packets, out);
    VarInt.encode(tcpPackets, out);
    VarInt.encode(udpPackets, out);
    VarInt.encode(icmpPackets, out);
    VarInt.encode(bytes, out);
    VarInt.encode(firstUs, out);
    VarInt.encode(lastUs, out);
  }

  @Override
  public void decodeFields(InputStream in) throws IOException {
    packets = VarInt.decodeLong(in);
    tcpPackets = VarInt.decodeLong(in);
    udpPackets = VarInt.decodeLong(in);
    icmpPackets = VarInt.decodeLong(in);
    bytes = VarInt.decodeLong(in);
    firstUs = VarInt.decodeLong(in);
    lastUs = VarInt.decodeLong(in);
  }
}
