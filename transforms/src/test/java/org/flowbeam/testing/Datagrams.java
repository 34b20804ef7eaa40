package org.flowbeam.testing;

import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;

/**
 * Builds hand-made UDP and ICMP packets for tests.
 *
 * <pre>{@code
 * Packet query = Datagrams.udp(1_000_000, "10.0.0.1", 5353, "10.0.0.53", 53, 80);
 * Packet ping = Datagrams.icmp(1_000_000, "10.0.0.1", "8.8.8.8", 8, 0, 7, 1, 98);
 * }</pre>
 */
public final class Datagrams {
  private Datagrams() {}

  /** A UDP datagram of {@code length} wire bytes. */
  public static Packet udp(long us, String src, int srcPort, String dst, int dstPort, int length) {
    return Packet.builder()
        .timestampMicros(us)
        .src(src, srcPort)
        .dst(dst, dstPort)
        .protocol(IpProtocol.UDP)
        .length(length)
        .build();
  }

  /**
   * An ICMP message (ICMPv6 between IPv6 addresses) of {@code length} wire bytes, with {@code
   * identifier} and {@code sequence} in its header's second word.
   */
  public static Packet icmp(
      long us,
      String src,
      String dst,
      int type,
      int code,
      int identifier,
      int sequence,
      int length) {
    boolean v6 = IpAddresses.parse(src).length == 16;
    return Packet.builder()
        .timestampMicros(us)
        .srcIp(IpAddresses.parse(src))
        .dstIp(IpAddresses.parse(dst))
        .protocol(v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP)
        .icmp(type, code)
        .seq((long) identifier << 16 | sequence)
        .length(length)
        .build();
  }
}
