package org.flowbeam.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One IP packet as FlowBeam sees it: the header fields that flow assembly and statistics need.
 *
 * <p>Immutable. Addresses are 4 (IPv4) or 16 (IPv6) network-order bytes; {@code seq} and {@code
 * ack} are unsigned 32-bit values held in a {@code long}; {@code length} is the packet's wire
 * length in bytes. {@code sourceOffset} is the byte offset of the record in its input file; it
 * breaks timestamp ties so that every runner orders a key's packets the same way. {@code ipLength}
 * (the IP header's total length, IPv6's 40 + payload length) and {@code payloadLength} (the
 * transport payload those headers claim: TCP data, UDP data, the ICMP message after its 8-byte
 * header) are {@link #UNKNOWN} where the input does not say them (packet CSV): Zeek's conn.log
 * fields need them, nothing else does. {@link #tunnel()} is the outermost tunnel the packet was
 * decoded from (a capture read with decapsulation), or null: it does not take part in the flow key.
 *
 * <p>Ports, flags, seq and ack are those of the TCP header; UDP fills the ports only. An ICMP or
 * ICMPv6 packet ({@link Builder#icmp}) holds its message type as the source port and, as the
 * destination port, the type of the counterpart message for a request or reply, else its code
 * (Zeek's ICMP connection tuple, see {@link IcmpMessages}); its {@code seq} is the header's second
 * 32-bit word, which for an echo holds the identifier (upper 16 bits, {@link #icmpIdentifier()})
 * and the sequence number.
 *
 * <pre>{@code
 * Packet p = Packet.builder().timestampMicros(ts).src("10.0.0.1", 40000).dst("10.0.0.2", 80)
 *     .protocol(IpProtocol.TCP).flags(TcpFlags.SYN).length(60).build();
 * }</pre>
 */
public final class Packet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Event-time order: timestamp, then source offset, then the remaining fields. */
  public static final Comparator<Packet> EVENT_ORDER = Packet::compareEventOrder;

  /** The value of {@link #ipLength()} and {@link #payloadLength()} when the input lacks it. */
  public static final int UNKNOWN = -1;

  private final long timestampMicros;
  private final byte[] srcIp;
  private final byte[] dstIp;
  private final int srcPort;
  private final int dstPort;
  private final int protocol;
  private final int flags;
  private final long seq;
  private final long ack;
  private final int length;
  private final long sourceOffset;
  private final int ipLength;
  private final int payloadLength;
  private final Tunnel tunnel;

  private Packet(Builder b) {
    if (b.srcIp == null || b.dstIp == null) {
      throw new IllegalArgumentException("source and destination address are required");
    }
    if (b.srcIp.length != b.dstIp.length || (b.srcIp.length != 4 && b.srcIp.length != 16)) {
      throw new IllegalArgumentException("addresses must both be IPv4 or both IPv6");
    }
    checkRange("src_port", b.srcPort, 0, 65535);
    checkRange("dst_port", b.dstPort, 0, 65535);
    checkRange("protocol", b.protocol, 0, 255);
    checkRange("flags", b.flags, 0, TcpFlags.ALL);
    checkRange("seq_num", b.seq, 0, 0xffffffffL);
    checkRange("ack_num", b.ack, 0, 0xffffffffL);
    checkRange("length", b.length, 0, Integer.MAX_VALUE);
    checkRange("ip_length", b.ipLength, UNKNOWN, 0xffff + 40);
    checkRange("payload_length", b.payloadLength, UNKNOWN, 0xffff + 40);
    this.timestampMicros = b.timestampMicros;
    this.srcIp = b.srcIp.clone();
    this.dstIp = b.dstIp.clone();
    this.srcPort = b.srcPort;
    this.dstPort = b.dstPort;
    this.protocol = b.protocol;
    this.flags = b.flags;
    this.seq = b.seq;
    this.ack = b.ack;
    this.length = b.length;
    this.sourceOffset = b.sourceOffset;
    this.ipLength = b.ipLength;
    this.payloadLength = b.payloadLength;
    this.tunnel = b.tunnel;
  }

  private static void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " " + value + " outside " + min + ".." + max);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .timestampMicros(timestampMicros)
        .srcIp(srcIp)
        .dstIp(dstIp)
        .srcPort(srcPort)
        .dstPort(dstPort)
        .protocol(protocol)
        .flags(flags)
        .seq(seq)
        .ack(ack)
        .length(length)
        .sourceOffset(sourceOffset)
        .ipLength(ipLength)
        .payloadLength(payloadLength)
        .tunnel(tunnel);
  }

  public long timestampMicros() {
    return timestampMicros;
  }

  /** The source address bytes (a copy). */
  public byte[] srcIp() {
    return srcIp.clone();
  }

  /** The destination address bytes (a copy). */
  public byte[] dstIp() {
    return dstIp.clone();
  }

  public String srcIpText() {
    return IpAddresses.format(srcIp);
  }

  public String dstIpText() {
    return IpAddresses.format(dstIp);
  }

  public int srcPort() {
    return srcPort;
  }

  public int dstPort() {
    return dstPort;
  }

  public int protocol() {
    return protocol;
  }

  public boolean isTcp() {
    return protocol == IpProtocol.TCP;
  }

  public int flags() {
    return flags;
  }

  /**
   * The identifier of an ICMP echo (or timestamp, information, address mask) message: the upper 16
   * bits of {@link #seq()}. Meaningless for other packets.
   */
  public int icmpIdentifier() {
    return (int) (seq >>> 16);
  }

  public long seq() {
    return seq;
  }

  public long ack() {
    return ack;
  }

  public int length() {
    return length;
  }

  public long sourceOffset() {
    return sourceOffset;
  }

  /** The IP total length (IPv4 header field; IPv6 40 + payload length), or {@link #UNKNOWN}. */
  public int ipLength() {
    return ipLength;
  }

  /** The transport payload's length in bytes as the headers claim it, or {@link #UNKNOWN}. */
  public int payloadLength() {
    return payloadLength;
  }

  /**
   * The outermost tunnel this packet was decoded from (its type and outer endpoints), or null if it
   * was not inside one, or its input does not tell (packet CSV, a capture read without
   * decapsulation).
   */
  public Tunnel tunnel() {
    return tunnel;
  }

  /** True if this packet's source is {@code address}:{@code port}. */
  public boolean isFrom(byte[] address, int port) {
    return srcPort == port && Arrays.equals(srcIp, address);
  }

  byte[] srcIpUnsafe() {
    return srcIp;
  }

  byte[] dstIpUnsafe() {
    return dstIp;
  }

  /**
   * {@link #EVENT_ORDER} written out rather than composed from {@code Comparator.comparing...}: it
   * sorts every packet of a flow key, and the composed lambdas cost a tenth of assembly's time.
   */
  private static int compareEventOrder(Packet a, Packet b) {
    int c = Long.compare(a.timestampMicros, b.timestampMicros);
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.sourceOffset, b.sourceOffset);
    return c != 0 ? c : compareContent(a, b);
  }

  /**
   * A packet of fields already validated, sharing {@code srcIp} and {@code dstIp}, which the caller
   * must never change: for decoding fragments, whose packets all share their key's two address
   * arrays (no copy and no range check per packet).
   */
  Packet(
      long timestampMicros,
      byte[] srcIp,
      int srcPort,
      byte[] dstIp,
      int dstPort,
      int protocol,
      int flags,
      long seq,
      long ack,
      int length,
      long sourceOffset,
      int ipLength,
      int payloadLength,
      Tunnel tunnel) {
    this.timestampMicros = timestampMicros;
    this.srcIp = srcIp;
    this.dstIp = dstIp;
    this.srcPort = srcPort;
    this.dstPort = dstPort;
    this.protocol = protocol;
    this.flags = flags;
    this.seq = seq;
    this.ack = ack;
    this.length = length;
    this.sourceOffset = sourceOffset;
    this.ipLength = ipLength;
    this.payloadLength = payloadLength;
    this.tunnel = tunnel;
  }

  /** The source address as an int, for IPv4 packets (see {@link #isIpv4()}). */
  public int srcIpv4() {
    return IpAddresses.toInt(srcIp);
  }

  /** The destination address as an int, for IPv4 packets (see {@link #isIpv4()}). */
  public int dstIpv4() {
    return IpAddresses.toInt(dstIp);
  }

  /** Whether the addresses are IPv4. */
  public boolean isIpv4() {
    return srcIp.length == 4;
  }

  private static int compareContent(Packet a, Packet b) {
    int c = IpAddresses.compare(a.srcIp, b.srcIp);
    if (c != 0) {
      return c;
    }
    c = IpAddresses.compare(a.dstIp, b.dstIp);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.srcPort, b.srcPort);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.dstPort, b.dstPort);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.protocol, b.protocol);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.flags, b.flags);
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.seq, b.seq);
    if (c != 0) {
      return c;
    }
    c = Long.compare(a.ack, b.ack);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.length, b.length);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.ipLength, b.ipLength);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.payloadLength, b.payloadLength);
    return c != 0 ? c : compareTunnels(a.tunnel, b.tunnel);
  }

  /** No tunnel first, then by type, source and destination. */
  private static int compareTunnels(Tunnel a, Tunnel b) {
    if (a == b) {
      return 0;
    }
    if (a == null || b == null) {
      return a == null ? -1 : 1;
    }
    int c = Integer.compare(a.type().code(), b.type().code());
    if (c != 0) {
      return c;
    }
    c = IpAddresses.compare(a.outerSrcIpUnsafe(), b.outerSrcIpUnsafe());
    return c != 0 ? c : IpAddresses.compare(a.outerDstIpUnsafe(), b.outerDstIpUnsafe());
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Packet)) {
      return false;
    }
    Packet p = (Packet) o;
    return timestampMicros == p.timestampMicros
        && sourceOffset == p.sourceOffset
        && compareContent(this, p) == 0;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(timestampMicros);
    h = 31 * h + Arrays.hashCode(srcIp);
    h = 31 * h + Arrays.hashCode(dstIp);
    h = 31 * h + srcPort;
    h = 31 * h + dstPort;
    h = 31 * h + protocol;
    h = 31 * h + flags;
    h = 31 * h + Long.hashCode(seq);
    h = 31 * h + Long.hashCode(ack);
    h = 31 * h + length;
    h = 31 * h + ipLength;
    h = 31 * h + payloadLength;
    h = 31 * h + (tunnel == null ? 0 : tunnel.hashCode());
    return 31 * h + Long.hashCode(sourceOffset);
  }

  @Override
  public String toString() {
    return timestampMicros
        + " "
        + srcIpText()
        + ":"
        + srcPort
        + " > "
        + dstIpText()
        + ":"
        + dstPort
        + " proto="
        + protocol
        + " flags="
        + TcpFlags.typeName(flags)
        + " seq="
        + seq
        + " ack="
        + ack
        + " len="
        + length
        + (tunnel == null ? "" : " tunnel=" + tunnel);
  }

  /** Builds a {@link Packet}; fields not set are zero, the IP and payload lengths unknown. */
  public static final class Builder {
    private long timestampMicros;
    private byte[] srcIp;
    private byte[] dstIp;
    private int srcPort;
    private int dstPort;
    private int protocol;
    private int flags;
    private long seq;
    private long ack;
    private int length;
    private long sourceOffset;
    private int ipLength = UNKNOWN;
    private int payloadLength = UNKNOWN;
    private Tunnel tunnel;

    private Builder() {}

    public Builder timestampMicros(long v) {
      this.timestampMicros = v;
      return this;
    }

    public Builder srcIp(byte[] v) {
      this.srcIp = v;
      return this;
    }

    public Builder dstIp(byte[] v) {
      this.dstIp = v;
      return this;
    }

    public Builder srcPort(int v) {
      this.srcPort = v;
      return this;
    }

    public Builder dstPort(int v) {
      this.dstPort = v;
      return this;
    }

    /** Sets source address (text literal) and port. */
    public Builder src(String ip, int port) {
      return srcIp(IpAddresses.parse(ip)).srcPort(port);
    }

    /** Sets destination address (text literal) and port. */
    public Builder dst(String ip, int port) {
      return dstIp(IpAddresses.parse(ip)).dstPort(port);
    }

    public Builder protocol(int v) {
      this.protocol = v;
      return this;
    }

    /**
     * Sets the ports of an ICMP or ICMPv6 message (call after {@link #protocol}): the source port
     * is {@code type}, the destination port its counterpart's type for a request or reply, else
     * {@code code} ({@link IcmpMessages#destinationPort}).
     *
     * @throws IllegalArgumentException if the protocol is not ICMP or ICMPv6, or type or code is
     *     outside 0..255
     */
    public Builder icmp(int type, int code) {
      if (!IcmpMessages.isIcmp(protocol)) {
        throw new IllegalArgumentException("ICMP type and code for protocol " + protocol);
      }
      checkRange("icmp_type", type, 0, 255);
      checkRange("icmp_code", code, 0, 255);
      this.srcPort = type;
      this.dstPort = IcmpMessages.destinationPort(protocol, type, code);
      return this;
    }

    public Builder flags(int v) {
      this.flags = v;
      return this;
    }

    public Builder seq(long v) {
      this.seq = v;
      return this;
    }

    public Builder ack(long v) {
      this.ack = v;
      return this;
    }

    public Builder length(int v) {
      this.length = v;
      return this;
    }

    public Builder sourceOffset(long v) {
      this.sourceOffset = v;
      return this;
    }

    /** The IP total length, or {@link #UNKNOWN}. */
    public Builder ipLength(int v) {
      this.ipLength = v;
      return this;
    }

    /** The transport payload length, or {@link #UNKNOWN}. */
    public Builder payloadLength(int v) {
      this.payloadLength = v;
      return this;
    }

    /** The outermost tunnel the packet was decoded from, or null (none). */
    public Builder tunnel(Tunnel v) {
      this.tunnel = v;
      return this;
    }

    /**
     * Builds the packet.
     *
     * @throws IllegalArgumentException if a field is out of its range
     */
    public Packet build() {
      return new Packet(this);
    }
  }
}
