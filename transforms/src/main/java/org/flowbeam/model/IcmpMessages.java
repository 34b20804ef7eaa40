package org.flowbeam.model;

/**
 * How FlowBeam keys ICMP and ICMPv6 messages into flows: Zeek's connection model for ICMP, which
 * Zeek's {@code conn.log} and Community ID share.
 *
 * <p>An ICMP packet's "ports" are its message type as the source port and, as the destination port,
 * the type of its counterpart for a request or reply (echo request 8 and echo reply 0, ...) or else
 * its code. So a request from A to B and the reply from B to A have mirrored ports and one flow
 * key, while one-way messages (errors, redirects) form flows of their type and code. Messages that
 * carry an identifier (echo, timestamp, information and address mask requests and replies; ICMPv6
 * echo) are further keyed by it, as a port distinguishes conversations: two {@code ping} processes
 * between the same hosts make two flows.
 *
 * <table>
 *   <caption>Request and reply pairs (Zeek's {@code ICMP4_counterpart}, {@code
 *   ICMP6_counterpart})</caption>
 *   <tr><th>protocol</th><th>request ↔ reply</th><th>keyed by identifier</th></tr>
 *   <tr><td>ICMP</td><td>echo 8 ↔ 0, timestamp 13 ↔ 14, information 15 ↔ 16, address mask 17 ↔
 *       18</td><td>yes</td></tr>
 *   <tr><td>ICMP</td><td>router solicitation 10 ↔ advertisement 9</td><td>no</td></tr>
 *   <tr><td>ICMPv6</td><td>echo 128 ↔ 129</td><td>yes</td></tr>
 *   <tr><td>ICMPv6</td><td>MLD query 130 ↔ report 131, router solicitation 133 ↔ advertisement
 *       134, neighbour solicitation 135 ↔ advertisement 136, node information 139 ↔ 140, home agent
 *       address discovery 144 ↔ 145</td><td>no</td></tr>
 * </table>
 *
 * <pre>{@code
 * IcmpMessages.destinationPort(IpProtocol.ICMP, 8, 0);   // 0: echo request, counterpart reply
 * IcmpMessages.destinationPort(IpProtocol.ICMP, 3, 3);   // 3: port unreachable, its code
 * IcmpMessages.destinationPort(IpProtocol.ICMPV6, 128, 0); // 129
 * }</pre>
 */
public final class IcmpMessages {
  private IcmpMessages() {}

  /** True for ICMP (1) and ICMPv6 (58). */
  public static boolean isIcmp(int protocol) {
    return protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6;
  }

  /**
   * The type of the message that answers (or is answered by) a message of {@code type}, or -1 if
   * the message is one-way.
   */
  public static int counterpart(int protocol, int type) {
    if (protocol == IpProtocol.ICMP) {
      switch (type) {
        case 8:
          return 0;
        case 0:
          return 8;
        case 13:
          return 14;
        case 14:
          return 13;
        case 15:
          return 16;
        case 16:
          return 15;
        case 10:
          return 9;
        case 9:
          return 10;
        case 17:
          return 18;
        case 18:
          return 17;
        default:
          return -1;
      }
    }
    if (protocol == IpProtocol.ICMPV6) {
      switch (type) {
        case 128:
          return 129;
        case 129:
          return 128;
        case 130:
          return 131;
        case 131:
          return 130;
        case 133:
          return 134;
        case 134:
          return 133;
        case 135:
          return 136;
        case 136:
          return 135;
        case 139:
          return 140;
        case 140:
          return 139;
        case 144:
          return 145;
        case 145:
          return 144;
        default:
          return -1;
      }
    }
    return -1;
  }

  /**
   * The destination "port" of a message: its counterpart's type for a request or reply, else its
   * code (Zeek's ICMP connection tuple).
   */
  public static int destinationPort(int protocol, int type, int code) {
    int counterpart = counterpart(protocol, type);
    return counterpart >= 0 ? counterpart : code;
  }

  /**
   * True if a message of {@code type} carries an identifier (its header's fifth and sixth bytes)
   * that, with the addresses and types, names its conversation: echo, timestamp, information and
   * address mask requests and replies, ICMPv6 echo.
   */
  public static boolean hasIdentifier(int protocol, int type) {
    if (protocol == IpProtocol.ICMP) {
      return type == 0 || type == 8 || (type >= 13 && type <= 18);
    }
    return protocol == IpProtocol.ICMPV6 && (type == 128 || type == 129);
  }

  /**
   * True if an ICMP packet with these ports is a request or reply keyed by its identifier: the
   * source port is such a type and the destination port its counterpart. Ports that are not an ICMP
   * tuple (a packet CSV without ICMP columns gives 0, or the ports of the header an error quotes)
   * are never keyed by identifier.
   */
  public static boolean isKeyedByIdentifier(int protocol, int srcPort, int dstPort) {
    return hasIdentifier(protocol, srcPort) && counterpart(protocol, srcPort) == dstPort;
  }
}
