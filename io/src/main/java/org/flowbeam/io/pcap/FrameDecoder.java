package org.flowbeam.io.pcap;

import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;

/**
 * Decodes one captured frame (link layer, IPv4/IPv6, TCP/UDP) into a {@link Packet}, straight from
 * the reader's buffer.
 *
 * <p>Every length is checked against the captured bytes before it is read. The rules:
 *
 * <ul>
 *   <li>A frame with no IP packet (ARP, LLDP, STP, IPX, an unknown link type...) is not an error:
 *       it is counted by type in {@link #nonIpCounts()} and nothing is emitted.
 *   <li>A frame is emitted as soon as its IP header is complete: ports, sequence numbers and flags
 *       are filled from whatever part of the TCP/UDP header was captured (zero beyond the cut), as
 *       tshark still counts such a frame as an IP packet. A frame cut inside the IP header, or
 *       whose IP header is invalid (version, IHL), throws {@link CaptureFormatException}.
 *   <li>IPv4 fragments are emitted; only the first fragment (offset 0) carries ports. IPv6
 *       extension headers (hop-by-hop, routing, fragment, destination options, AH) are walked, at
 *       most {@value #MAX_EXTENSION_HEADERS} of them; the protocol is the upper-layer one.
 *   <li>Tunnels are not unwrapped: a 4in6 or 6in6 packet is emitted with its outer addresses.
 *   <li>{@code length} is the frame's original (wire) length, whatever was captured.
 * </ul>
 *
 * <p>Not thread-safe: one decoder per reader. The builder and address buffers are reused, so a
 * decoded frame allocates only the {@link Packet} itself (and the address copies it makes).
 */
public final class FrameDecoder {
  /** {@link #decode} result: {@link #packet()} holds the packet. */
  public static final int PACKET = 1;

  /** {@link #decode} result: {@link #nonIpType()} names the frame's type. */
  public static final int NON_IP = 2;

  static final int MAX_EXTENSION_HEADERS = 16;
  private static final int MAX_VLAN_TAGS = 8;
  private static final int MAX_MPLS_LABELS = 16;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ETHERTYPE_ARP = 0x0806;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int ETHERTYPE_QINQ = 0x88a8;
  private static final int ETHERTYPE_QINQ_OLD = 0x9100;
  private static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
  private static final int ETHERTYPE_MPLS = 0x8847;
  private static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
  private static final int ETHERTYPE_CISCO_DCE = 0x8903;

  private static final String[] ETHERTYPE_NAMES = new String[65536];

  static {
    ETHERTYPE_NAMES[ETHERTYPE_ARP] = "ARP";
    ETHERTYPE_NAMES[0x8035] = "RARP";
    ETHERTYPE_NAMES[0x88cc] = "LLDP";
    ETHERTYPE_NAMES[0x8137] = "IPX";
    ETHERTYPE_NAMES[0x888e] = "EAPOL";
    ETHERTYPE_NAMES[0x8863] = "PPPOE_DISCOVERY";
    ETHERTYPE_NAMES[0x9000] = "LOOPBACK";
    ETHERTYPE_NAMES[0x88e1] = "HOMEPLUG_AV";
    ETHERTYPE_NAMES[0x8899] = "REALTEK";
    ETHERTYPE_NAMES[0x88f7] = "PTP";
    ETHERTYPE_NAMES[0x8809] = "SLOW_PROTOCOLS";
    ETHERTYPE_NAMES[0x893a] = "IEEE1905";
    ETHERTYPE_NAMES[0x6002] = "DEC_MOP";
    ETHERTYPE_NAMES[0x80f3] = "AARP";
    ETHERTYPE_NAMES[0x809b] = "APPLETALK";
  }

  private final Packet.Builder builder = Packet.builder();
  private final byte[] src4 = new byte[4];
  private final byte[] dst4 = new byte[4];
  private final byte[] src16 = new byte[16];
  private final byte[] dst16 = new byte[16];
  private final Map<String, Long> nonIpCounts = new TreeMap<>();

  private Packet packet;
  private String nonIpType;
  private long recordOffset;

  /**
   * Decodes the frame in {@code b[off, off + capLen)}.
   *
   * @param linkType the interface's link type
   * @param timestampMicros capture time
   * @param wireLength the frame's original length, used as the packet length
   * @param recordOffset the record's offset in the file (the packet's source offset, and the offset
   *     of a thrown exception)
   * @return {@link #PACKET} or {@link #NON_IP}
   * @throws CaptureFormatException if the frame claims IP but its IP header is cut or invalid
   */
  public int decode(
      byte[] b,
      int off,
      int capLen,
      int linkType,
      long timestampMicros,
      int wireLength,
      long recordOffset)
      throws CaptureFormatException {
    this.packet = null;
    this.nonIpType = null;
    this.recordOffset = recordOffset;
    builder
        .timestampMicros(timestampMicros)
        .length(wireLength)
        .sourceOffset(recordOffset)
        .srcPort(0)
        .dstPort(0)
        .flags(0)
        .seq(0)
        .ack(0);
    int end = off + capLen;
    switch (linkType) {
      case LinkType.ETHERNET:
        return ethernet(b, off, end, 0);
      case LinkType.NULL:
      case LinkType.LOOP:
        return loopback(b, off, end, linkType == LinkType.LOOP);
      case LinkType.RAW:
      case LinkType.RAW_12:
      case LinkType.RAW_14:
        return rawIp(b, off, end);
      case LinkType.IPV4:
        return ipv4(b, off, end);
      case LinkType.IPV6:
        return ipv6(b, off, end);
      case LinkType.LINUX_SLL:
        if (end - off < 16) {
          return nonIp("LINUX_SLL_SHORT");
        }
        return etherType(u16(b, off + 14), b, off + 16, end, 0);
      case LinkType.LINUX_SLL2:
        if (end - off < 20) {
          return nonIp("LINUX_SLL2_SHORT");
        }
        return etherType(u16(b, off), b, off + 20, end, 0);
      case LinkType.PPP:
      case LinkType.PPP_HDLC:
        return ppp(b, off, end);
      case LinkType.C_HDLC:
        if (end - off < 4) {
          return nonIp("C_HDLC_SHORT");
        }
        return etherType(u16(b, off + 2), b, off + 4, end, 0);
      case LinkType.FDDI:
        // Frame control (1), destination (6), source (6), then 802.2 LLC.
        return llc(b, off + 13, end, 0, "FDDI");
      case LinkType.TOKEN_RING:
        return tokenRing(b, off, end);
      default:
        return nonIp(LinkType.name(linkType));
    }
  }

  /** The packet of the last {@link #PACKET} result. */
  public Packet packet() {
    return packet;
  }

  /** The type name of the last {@link #NON_IP} result. */
  public String nonIpType() {
    return nonIpType;
  }

  /** Frames without an IP packet, by type name (ethertype, LLC or link-type name). */
  public Map<String, Long> nonIpCounts() {
    return nonIpCounts;
  }

  private int nonIp(String type) {
    nonIpType = type;
    nonIpCounts.merge(type, 1L, Long::sum);
    return NON_IP;
  }

  private static String etherTypeName(int type) {
    String n = ETHERTYPE_NAMES[type];
    if (n == null) {
      n = String.format("ETHERTYPE_0x%04x", type);
      ETHERTYPE_NAMES[type] = n;
    }
    return n;
  }

  private int ethernet(byte[] b, int p, int end, int depth) throws CaptureFormatException {
    if (end - p < 14) {
      return nonIp("ETHERNET_SHORT");
    }
    int type = u16(b, p + 12);
    if (type <= 1500) {
      return llc(b, p + 14, end, depth, "IEEE802_3");
    }
    return etherType(type, b, p + 14, end, depth);
  }

  /** 802.2 LLC: SNAP carries an ethertype; anything else (STP, IPX, NetBIOS) is not IP. */
  private int llc(byte[] b, int p, int end, int depth, String what) throws CaptureFormatException {
    if (end - p < 3) {
      return nonIp(what + "_SHORT");
    }
    int dsap = b[p] & 0xff;
    int ssap = b[p + 1] & 0xff;
    if (dsap == 0xaa && ssap == 0xaa && end - p >= 8) {
      return etherType(u16(b, p + 6), b, p + 8, end, depth);
    }
    if (dsap == 0x42) {
      return nonIp("STP");
    }
    if (dsap == 0xe0 || dsap == 0xff) {
      return nonIp("IPX");
    }
    if (dsap == 0xf0) {
      return nonIp("NETBIOS");
    }
    if (dsap == 0x06) {
      return ipv4(b, p + 3, end);
    }
    return nonIp(String.format("LLC_0x%02x", dsap));
  }

  private int tokenRing(byte[] b, int p, int end) throws CaptureFormatException {
    // Access control, frame control, destination (6), source (6), optional routing field.
    if (end - p < 14) {
      return nonIp("IEEE802_5_SHORT");
    }
    if ((b[p + 1] & 0xc0) != 0x40) {
      return nonIp("IEEE802_5_MAC");
    }
    int q = p + 14;
    if ((b[p + 8] & 0x80) != 0) {
      if (end - q < 1) {
        return nonIp("IEEE802_5_SHORT");
      }
      q += b[q] & 0x1f;
    }
    return llc(b, q, end, 0, "IEEE802_5");
  }

  private int etherType(int type, byte[] b, int p, int end, int depth)
      throws CaptureFormatException {
    switch (type) {
      case ETHERTYPE_IPV4:
        return ipv4(b, p, end);
      case ETHERTYPE_IPV6:
        return ipv6(b, p, end);
      case ETHERTYPE_VLAN:
      case ETHERTYPE_QINQ:
      case ETHERTYPE_QINQ_OLD:
        if (depth >= MAX_VLAN_TAGS || end - p < 4) {
          return nonIp("VLAN_SHORT");
        }
        int inner = u16(b, p + 2);
        if (inner <= 1500) {
          return llc(b, p + 4, end, depth + 1, "IEEE802_3");
        }
        return etherType(inner, b, p + 4, end, depth + 1);
      case ETHERTYPE_PPPOE_SESSION:
        // Version/type, code, session id (2), length (2), then the PPP protocol.
        if (end - p < 8) {
          return nonIp("PPPOE_SHORT");
        }
        return pppProtocol(u16(b, p + 6), b, p + 8, end);
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MULTICAST:
        return mpls(b, p, end);
      case ETHERTYPE_CISCO_DCE:
        // Cisco Data Center Ethernet: a 2-byte header, then a whole inner Ethernet frame.
        if (depth >= MAX_VLAN_TAGS || end - p < 2) {
          return nonIp("CISCO_DCE_SHORT");
        }
        return ethernet(b, p + 2, end, depth + 1);
      default:
        return nonIp(etherTypeName(type));
    }
  }

  private int mpls(byte[] b, int p, int end) throws CaptureFormatException {
    for (int i = 0; i < MAX_MPLS_LABELS; i++) {
      if (end - p < 4) {
        return nonIp("MPLS_SHORT");
      }
      boolean bottom = (b[p + 2] & 0x01) != 0;
      p += 4;
      if (bottom) {
        if (end - p < 1) {
          return nonIp("MPLS_SHORT");
        }
        int version = (b[p] & 0xf0) >>> 4;
        if (version == 4) {
          return ipv4(b, p, end);
        } else if (version == 6) {
          return ipv6(b, p, end);
        }
        return nonIp("MPLS");
      }
    }
    return nonIp("MPLS");
  }

  private int ppp(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p >= 2 && (b[p] & 0xff) == 0xff && (b[p + 1] & 0xff) == 0x03) {
      p += 2;
    }
    if (end - p < 1) {
      return nonIp("PPP_SHORT");
    }
    if ((b[p] & 0x01) != 0) {
      // Protocol-field compression: a one-byte protocol number.
      return pppProtocol(b[p] & 0xff, b, p + 1, end);
    }
    if (end - p < 2) {
      return nonIp("PPP_SHORT");
    }
    return pppProtocol(u16(b, p), b, p + 2, end);
  }

  private int pppProtocol(int protocol, byte[] b, int p, int end) throws CaptureFormatException {
    switch (protocol) {
      case 0x0021:
        return ipv4(b, p, end);
      case 0x0057:
        return ipv6(b, p, end);
      default:
        return nonIp(String.format("PPP_0x%04x", protocol));
    }
  }

  private int loopback(byte[] b, int p, int end, boolean networkOrder)
      throws CaptureFormatException {
    if (end - p < 4) {
      return nonIp("NULL_SHORT");
    }
    // The family is in the writer's host order (NULL) or network order (LOOP); a family is
    // small, so whichever order gives a value below 65536 is the right one.
    int be = i32(b, p);
    int le = Integer.reverseBytes(be);
    int family = networkOrder ? be : le;
    if ((family & 0xffff0000) != 0) {
      family = networkOrder ? le : be;
    }
    switch (family) {
      case 2:
        return ipv4(b, p + 4, end);
      case 24:
      case 28:
      case 30:
        return ipv6(b, p + 4, end);
      default:
        return nonIp("NULL_AF_" + family);
    }
  }

  private int rawIp(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 1) {
      throw new CaptureFormatException(recordOffset, "empty raw IP frame");
    }
    int version = (b[p] & 0xf0) >>> 4;
    if (version == 4) {
      return ipv4(b, p, end);
    } else if (version == 6) {
      return ipv6(b, p, end);
    }
    throw new CaptureFormatException(recordOffset, "raw IP frame with IP version " + version);
  }

  private int ipv4(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 20) {
      throw new CaptureFormatException(
          recordOffset, "IPv4 header cut: " + Math.max(0, end - p) + " of 20 bytes captured");
    }
    int version = (b[p] & 0xf0) >>> 4;
    if (version != 4) {
      throw new CaptureFormatException(recordOffset, "IPv4 ethertype but IP version " + version);
    }
    int ihl = (b[p] & 0x0f) * 4;
    if (ihl < 20) {
      throw new CaptureFormatException(recordOffset, "IPv4 header length " + ihl + " < 20");
    }
    if (end - p < ihl) {
      throw new CaptureFormatException(
          recordOffset, "IPv4 header cut: " + (end - p) + " of " + ihl + " bytes captured");
    }
    int totalLength = u16(b, p + 2);
    int fragmentOffset = u16(b, p + 6) & 0x1fff;
    int protocol = b[p + 9] & 0xff;
    System.arraycopy(b, p + 12, src4, 0, 4);
    System.arraycopy(b, p + 16, dst4, 0, 4);
    builder.srcIp(src4).dstIp(dst4).protocol(protocol);
    int payloadEnd = end;
    if (totalLength >= ihl && p + totalLength < end) {
      // Ethernet padding after a short packet is not transport data.
      payloadEnd = p + totalLength;
    }
    if (fragmentOffset == 0) {
      transport(protocol, b, p + ihl, payloadEnd);
    }
    packet = builder.build();
    return PACKET;
  }

  private int ipv6(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 40) {
      throw new CaptureFormatException(
          recordOffset, "IPv6 header cut: " + Math.max(0, end - p) + " of 40 bytes captured");
    }
    int version = (b[p] & 0xf0) >>> 4;
    if (version != 6) {
      throw new CaptureFormatException(recordOffset, "IPv6 ethertype but IP version " + version);
    }
    int payloadLength = u16(b, p + 4);
    int next = b[p + 6] & 0xff;
    System.arraycopy(b, p + 8, src16, 0, 16);
    System.arraycopy(b, p + 24, dst16, 0, 16);
    builder.srcIp(src16).dstIp(dst16);
    int payloadEnd = end;
    if (payloadLength > 0 && p + 40 + payloadLength < end) {
      payloadEnd = p + 40 + payloadLength;
    }
    int q = p + 40;
    boolean ports = true;
    walk:
    for (int i = 0; i < MAX_EXTENSION_HEADERS; i++) {
      switch (next) {
        case 0: // hop-by-hop options
        case 43: // routing
        case 60: // destination options
          if (payloadEnd - q < 2) {
            ports = false;
            break walk;
          }
          next = b[q] & 0xff;
          q += ((b[q + 1] & 0xff) + 1) * 8;
          break;
        case 51: // authentication header
          if (payloadEnd - q < 2) {
            ports = false;
            break walk;
          }
          next = b[q] & 0xff;
          q += ((b[q + 1] & 0xff) + 2) * 4;
          break;
        case 44: // fragment
          if (payloadEnd - q < 8) {
            ports = false;
            break walk;
          }
          next = b[q] & 0xff;
          if ((u16(b, q + 2) & 0xfff8) != 0) {
            ports = false;
          }
          q += 8;
          break;
        default:
          break walk;
      }
    }
    builder.protocol(next);
    if (ports && q < payloadEnd) {
      transport(next, b, q, payloadEnd);
    }
    packet = builder.build();
    return PACKET;
  }

  /**
   * Fills ports (and TCP seq, ack, all twelve flag bits) from as much of the header as was
   * captured. For ICMP and ICMPv6 the ports are the type and the counterpart type or code ({@link
   * Packet.Builder#icmp}) and seq is the header's second word (an echo's identifier and sequence
   * number).
   */
  private void transport(int protocol, byte[] b, int t, int end) {
    int avail = end - t;
    if (protocol == IpProtocol.TCP) {
      if (avail >= 4) {
        builder.srcPort(u16(b, t)).dstPort(u16(b, t + 2));
      }
      if (avail >= 8) {
        builder.seq(i32(b, t + 4) & 0xffffffffL);
      }
      if (avail >= 12) {
        builder.ack(i32(b, t + 8) & 0xffffffffL);
      }
      if (avail >= 14) {
        // The twelve flag bits: AE and the reserved bits are the low nibble of the data-offset
        // byte, the eight classic flags the byte after it (tshark's tcp.flags).
        builder.flags((b[t + 12] & 0x0f) << 8 | (b[t + 13] & 0xff));
      }
    } else if (protocol == IpProtocol.UDP) {
      if (avail >= 4) {
        builder.srcPort(u16(b, t)).dstPort(u16(b, t + 2));
      }
    } else if (protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) {
      if (avail >= 2) {
        builder.icmp(b[t] & 0xff, b[t + 1] & 0xff);
      }
      if (avail >= 8) {
        builder.seq(i32(b, t + 4) & 0xffffffffL);
      }
    }
  }

  static int u16(byte[] b, int p) {
    return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
  }

  static int i32(byte[] b, int p) {
    return ((b[p] & 0xff) << 24)
        | ((b[p + 1] & 0xff) << 16)
        | ((b[p + 2] & 0xff) << 8)
        | (b[p + 3] & 0xff);
  }
}
