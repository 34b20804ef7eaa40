package org.flowbeam.model;

import java.io.Serializable;
import java.util.Base64;

/**
 * Community ID v1 flow hashing (Corelight's specification, github.com/corelight/community-id-spec):
 * a string that names a conversation the same way in every tool that computes it (Zeek, Suricata,
 * Wireshark, Arkime, Elastic), so flows can be joined across tools by plain string equality.
 *
 * <p>The hash is SHA-1 over the 2-byte seed, the two addresses, the protocol number, a zero byte
 * and, for TCP, UDP, SCTP, ICMP and ICMPv6, the two ports, all in network byte order; the endpoints
 * are put in order first (lower address first, the ports deciding between equal addresses), so both
 * directions of a conversation get one id. The result is {@code "1:"} followed by the digest in
 * Base64. ICMP and ICMPv6 carry the message type in the source port and the code in the destination
 * port, as Zeek's {@code conn.log} does; a request or reply type (echo, timestamp, router and
 * neighbour discovery, ...) is paired with its counterpart type in place of the code, so a request
 * and its reply share one id, and any other type is one-way: its tuple is hashed as given,
 * unordered. Other protocols are hashed without ports.
 *
 * <pre>{@code
 * CommunityId.DEFAULT.of(IpProtocol.TCP, IpAddresses.parse("1.2.3.4"), IpAddresses.parse("5.6.7.8"),
 *     1122, 3344); // "1:wCb3OG7yAFWelaUydu0D+125CLM="
 * CommunityId.withSeed(1).of(...);
 * }</pre>
 */
public final class CommunityId implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The seed every tool uses unless told otherwise. */
  public static final int DEFAULT_SEED = 0;

  /** The largest seed: the seed is hashed as 16 bits. */
  public static final int MAX_SEED = 0xffff;

  /** Community ID with {@link #DEFAULT_SEED}. */
  public static final CommunityId DEFAULT = new CommunityId(DEFAULT_SEED);

  private static final int SCTP = 132;
  private static final String VERSION_PREFIX = "1:";

  /**
   * ICMP request and reply types, as pairs; each type's counterpart stands in for the code (Zeek's
   * {@code ICMP4_counterpart}).
   */
  private static final int[][] ICMP_PAIRS = {
    {8, 0}, // echo request, echo reply
    {13, 14}, // timestamp request, reply
    {15, 16}, // information request, reply
    {10, 9}, // router solicitation, advertisement
    {17, 18}, // address mask request, reply
  };

  /** ICMPv6 request and reply types, as pairs (Zeek's {@code ICMP6_counterpart}). */
  private static final int[][] ICMPV6_PAIRS = {
    {128, 129}, // echo request, echo reply
    {133, 134}, // router solicitation, advertisement
    {135, 136}, // neighbour solicitation, advertisement
    {130, 131}, // multicast listener query, report
    {139, 140}, // node information query, reply ("who are you")
    {144, 145}, // home agent address discovery request, reply
  };

  private final int seed;

  private CommunityId(int seed) {
    this.seed = seed;
  }

  /**
   * Community ID with {@code seed}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= seed <= 65535}
   */
  public static CommunityId withSeed(int seed) {
    if (seed < 0 || seed > MAX_SEED) {
      throw new IllegalArgumentException(
          "the Community ID seed must be between 0 and " + MAX_SEED + ", got " + seed);
    }
    return seed == DEFAULT_SEED ? DEFAULT : new CommunityId(seed);
  }

  /** The seed. */
  public int seed() {
    return seed;
  }

  /**
   * The Community ID of a conversation seen in one direction.
   *
   * @param protocol the IP protocol number (0 to 255)
   * @param srcIp the source address, 4 or 16 bytes
   * @param dstIp the destination address, as long as {@code srcIp}
   * @param srcPort the source port; the message type for ICMP and ICMPv6; ignored for protocols
   *     without ports
   * @param dstPort the destination port; the message code for ICMP and ICMPv6; ignored for
   *     protocols without ports
   * @throws IllegalArgumentException if a value is out of range or the addresses differ in length
   */
  public String of(int protocol, byte[] srcIp, byte[] dstIp, int srcPort, int dstPort) {
    if (protocol < 0 || protocol > 255) {
      throw new IllegalArgumentException("protocol " + protocol + " is not 0 to 255");
    }
    if ((srcIp.length != 4 && srcIp.length != 16) || dstIp.length != srcIp.length) {
      throw new IllegalArgumentException(
          "addresses of " + srcIp.length + " and " + dstIp.length + " bytes");
    }
    boolean ports = hasPorts(protocol);
    if (ports && (outOfPortRange(srcPort) || outOfPortRange(dstPort))) {
      throw new IllegalArgumentException("ports " + srcPort + ", " + dstPort + " not 0 to 65535");
    }
    boolean oneWay = false;
    if (protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) {
      int counterpart =
          counterpart(protocol == IpProtocol.ICMP ? ICMP_PAIRS : ICMPV6_PAIRS, srcPort);
      if (counterpart < 0) {
        oneWay = true;
      } else {
        dstPort = counterpart;
      }
    }
    if (!oneWay && !ordered(srcIp, dstIp, ports ? srcPort : 0, ports ? dstPort : 0)) {
      return hash(protocol, dstIp, srcIp, ports, dstPort, srcPort);
    }
    return hash(protocol, srcIp, dstIp, ports, srcPort, dstPort);
  }

  /**
   * The Community ID of a flow: its initiator's tuple ({@link #of}); both endpoints' addresses are
   * the literals FlowBeam writes.
   */
  public String of(FlowRecord flow) {
    return of(
        flow.protocol(),
        IpAddresses.parse(flow.initiatorIp()),
        IpAddresses.parse(flow.responderIp()),
        flow.initiatorPort(),
        flow.responderPort());
  }

  /** True for the protocols whose ports (or ICMP type and code) are hashed. */
  private static boolean hasPorts(int protocol) {
    return protocol == IpProtocol.TCP
        || protocol == IpProtocol.UDP
        || protocol == SCTP
        || protocol == IpProtocol.ICMP
        || protocol == IpProtocol.ICMPV6;
  }

  private static boolean outOfPortRange(int port) {
    return port < 0 || port > 0xffff;
  }

  /** The type paired with {@code type} in {@code pairs}, or -1 if it has none. */
  private static int counterpart(int[][] pairs, int type) {
    for (int[] pair : pairs) {
      if (pair[0] == type) {
        return pair[1];
      }
      if (pair[1] == type) {
        return pair[0];
      }
    }
    return -1;
  }

  /** True if (src, srcPort) is not above (dst, dstPort): address as unsigned bytes, then port. */
  private static boolean ordered(byte[] src, byte[] dst, int srcPort, int dstPort) {
    int c = IpAddresses.compare(src, dst);
    return c < 0 || (c == 0 && srcPort <= dstPort);
  }

  /** {@code "1:"} and the Base64 SHA-1 of the seed and the ordered tuple, in network order. */
  private String hash(int protocol, byte[] a, byte[] b, boolean ports, int portA, int portB) {
    byte[] input = new byte[2 + a.length + b.length + 2 + (ports ? 4 : 0)];
    int i = 0;
    input[i++] = (byte) (seed >>> 8);
    input[i++] = (byte) seed;
    System.arraycopy(a, 0, input, i, a.length);
    i += a.length;
    System.arraycopy(b, 0, input, i, b.length);
    i += b.length;
    input[i++] = (byte) protocol;
    input[i++] = 0;
    if (ports) {
      input[i++] = (byte) (portA >>> 8);
      input[i++] = (byte) portA;
      input[i++] = (byte) (portB >>> 8);
      input[i] = (byte) portB;
    }
    return VERSION_PREFIX + Base64.getEncoder().encodeToString(Digests.sha1(input));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommunityId && ((CommunityId) o).seed == seed;
  }

  @Override
  public int hashCode() {
    return seed;
  }

  @Override
  public String toString() {
    return "CommunityId(v1, seed " + seed + ")";
  }
}
