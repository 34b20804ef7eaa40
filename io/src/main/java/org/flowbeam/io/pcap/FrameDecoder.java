package org.flowbeam.io.pcap;

import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.Tunnel;
import org.flowbeam.model.TunnelType;

/**
 * Decodes one captured frame (link layer, tunnels, IPv4/IPv6, TCP/UDP) into a {@link Packet},
 * straight from the reader's buffer.
 *
 * <p>Every length is checked against the captured bytes before it is read. The rules:
 *
 * <ul>
 *   <li>A frame with no IP packet (ARP, LLDP, STP, IPX, an 802.11 management frame, an unknown link
 *       type...) is not an error: it is counted by type in {@link #nonIpCounts()} and nothing is
 *       emitted.
 *   <li>Link layers: Ethernet with any stack of 802.1Q/802.1ad tags, PPPoE sessions, MPLS label
 *       stacks, 802.1ah provider backbone bridging, VN-Tag and Cisco DCE headers; 802.3 with LLC
 *       and SNAP; Linux cooked (SLL, SLL2), PPP (also with a direction byte, in HDLC-like or Cisco
 *       HDLC framing, and PPPoE without Ethernet), Cisco HDLC, NULL/LOOP, raw IP, FDDI, Token Ring,
 *       NFLOG, 802.11 data frames (plain or after a radiotap header) through LLC/SNAP.
 *   <li>Tunnels (when decapsulating, the default): a packet inside IP-in-IP, 6in4, 4in6, GRE (also
 *       over UDP, PPTP's enhanced GRE, ERSPAN I–III, Aruba), GTP-U, VXLAN, Geneve, Teredo, AYIYA or
 *       L2TP is emitted as the innermost packet, and {@link #tunnel()} names the outermost tunnel
 *       and its endpoints. A tunnel whose inside cannot be decoded (cut, not IP, a control message)
 *       leaves the frame to the outer packet, as if it were not a tunnel. A fragmented outer packet
 *       is not looked into. More than {@value #MAX_TUNNELS} nested tunnels are refused: {@link
 *       CaptureFormatException}.
 *   <li>A frame is emitted as soon as its IP header is complete: ports, sequence numbers and flags
 *       are filled from whatever part of the TCP/UDP header was captured (zero beyond the cut), as
 *       tshark still counts such a frame as an IP packet. A frame cut inside its outer IP header,
 *       or whose outer IP header is invalid (version, IHL), throws {@link CaptureFormatException}.
 *   <li>IPv4 fragments are emitted; only the first fragment (offset 0) carries ports. IPv6
 *       extension headers (hop-by-hop, routing, fragment, destination options, AH) are walked, at
 *       most {@value #MAX_EXTENSION_HEADERS} of them; the protocol is the upper-layer one.
 *   <li>{@code length} is the frame's original (wire) length, whatever was captured.
 * </ul>
 *
 * <p>Every nesting is bounded (link headers, MPLS labels, extension headers, tunnels), so hostile
 * input can neither loop nor recurse deeply, and no length read from a header is allocated.
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

  /** The most link headers (tags, inner Ethernet frames) nested in one link layer. */
  static final int MAX_LINK_HEADERS = 8;

  private static final int MAX_MPLS_LABELS = 16;

  /** The most tunnels nested in one frame; a frame with more is refused. */
  public static final int MAX_TUNNELS = 8;

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
  private static final int ETHERTYPE_PBB = 0x88e7;
  private static final int ETHERTYPE_VN_TAG = 0x8926;

  private static final int IPPROTO_IPV4 = 4;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPPROTO_GRE = 47;

  private static final int PORT_GTP_U = 2152;
  private static final int PORT_VXLAN = 4789;
  private static final int PORT_GENEVE = 6081;
  private static final int PORT_TEREDO = 3544;
  private static final int PORT_AYIYA = 5072;
  private static final int PORT_L2TP = 1701;
  private static final int PORT_GRE_UDP = 4754;

  /** What follows a tunnel header (the argument of {@link #inner}). */
  private static final int INNER_IPV4 = 0;

  private static final int INNER_IPV6 = 1;
  private static final int INNER_IP = 2;
  private static final int INNER_ETHERNET = 3;
  private static final int INNER_PPP = 4;
  private static final int INNER_802_11 = 5;
  private static final int INNER_ETHERTYPE = 6;

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

  private final boolean decapsulate;
  private final Packet.Builder builder = Packet.builder();
  private final byte[] src4 = new byte[4];
  private final byte[] dst4 = new byte[4];
  private final byte[] src16 = new byte[16];
  private final byte[] dst16 = new byte[16];
  private final byte[] outerSrc4 = new byte[4];
  private final byte[] outerDst4 = new byte[4];
  private final byte[] outerSrc16 = new byte[16];
  private final byte[] outerDst16 = new byte[16];
  private final Map<String, Long> nonIpCounts = new TreeMap<>();

  private Packet packet;
  private String nonIpType;
  private long recordOffset;
  private boolean writerBigEndian;

  /** Tunnels entered so far in the current frame. */
  private int tunnels;

  /** Set when the current frame nests too many tunnels: its refusal is not a fallback. */
  private boolean refused;

  private TunnelType outerType;
  private boolean outerV6;

  /** The tunnel last returned by {@link #tunnel()}, reused while the frames' tunnel stays. */
  private Tunnel lastTunnel;

  /** A decoder that decapsulates tunnels. */
  public FrameDecoder() {
    this(true);
  }

  /**
   * @param decapsulate whether to emit the packet inside a tunnel (true) or the outer packet, as
   *     FlowBeam did before it decoded tunnels
   */
  public FrameDecoder(boolean decapsulate) {
    this.decapsulate = decapsulate;
  }

  /** Whether tunnels are looked into. */
  public boolean decapsulates() {
    return decapsulate;
  }

  /**
   * Decodes the frame in {@code b[off, off + capLen)}.
   *
   * @param linkType the interface's link type
   * @param writerBigEndian the byte order of the file's writer (pcap magic, pcapng section), in
   *     which NFLOG's TLV headers are written
   * @param timestampMicros capture time
   * @param wireLength the frame's original length, used as the packet length
   * @param recordOffset the record's offset in the file (the packet's source offset, and the offset
   *     of a thrown exception)
   * @return {@link #PACKET} or {@link #NON_IP}
   * @throws CaptureFormatException if the frame claims IP but its IP header is cut or invalid, or
   *     it nests more than {@value #MAX_TUNNELS} tunnels
   */
  public int decode(
      byte[] b,
      int off,
      int capLen,
      int linkType,
      boolean writerBigEndian,
      long timestampMicros,
      int wireLength,
      long recordOffset)
      throws CaptureFormatException {
    this.packet = null;
    this.nonIpType = null;
    this.recordOffset = recordOffset;
    this.writerBigEndian = writerBigEndian;
    this.tunnels = 0;
    this.refused = false;
    this.outerType = null;
    builder.timestampMicros(timestampMicros).length(wireLength).sourceOffset(recordOffset);
    int r = link(linkType, b, off, off + capLen);
    if (r == NON_IP) {
      nonIpCounts.merge(nonIpType, 1L, Long::sum);
    }
    return r;
  }

  /** The packet of the last {@link #PACKET} result. */
  public Packet packet() {
    return packet;
  }

  /** The type name of the last {@link #NON_IP} result. */
  public String nonIpType() {
    return nonIpType;
  }

  /**
   * The outermost tunnel of the last {@link #PACKET} result, whose {@link #packet()} is then the
   * innermost packet; null if that packet was not inside a tunnel.
   */
  public Tunnel tunnel() {
    if (outerType == null) {
      return null;
    }
    byte[] src = outerV6 ? outerSrc16 : outerSrc4;
    byte[] dst = outerV6 ? outerDst16 : outerDst4;
    Tunnel last = lastTunnel;
    if (last == null || !last.matches(outerType, src, dst)) {
      // Consecutive frames of one tunnel (most of a capture's) share one immutable Tunnel.
      lastTunnel = new Tunnel(outerType, src, dst);
    }
    return lastTunnel;
  }

  /** Frames without an IP packet, by type name (ethertype, LLC or link-type name). */
  public Map<String, Long> nonIpCounts() {
    return nonIpCounts;
  }

  private int link(int linkType, byte[] b, int off, int end) throws CaptureFormatException {
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
        return ppp(b, off, end);
      case LinkType.PPP_HDLC:
        // HDLC-like framing (0xff 0x03), or Cisco HDLC (0x0f or 0x8f, then an ethertype).
        if (end - off >= 4 && ((b[off] & 0x7f) == 0x0f)) {
          return etherType(u16(b, off + 2), b, off + 4, end, 0);
        }
        return ppp(b, off, end);
      case LinkType.PPP_ETHER:
        return pppoeSession(b, off, end);
      case LinkType.PPP_WITH_DIR:
        // One direction byte, then PPP.
        return ppp(b, off + 1, end);
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
      case LinkType.NFLOG:
        return nflog(b, off, end);
      case LinkType.IEEE802_11:
        return ieee80211(b, off, end);
      case LinkType.IEEE802_11_RADIOTAP:
        return radiotap(b, off, end);
      default:
        return nonIp(LinkType.name(linkType));
    }
  }

  private int nonIp(String type) {
    nonIpType = type;
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
        if (depth >= MAX_LINK_HEADERS || end - p < 4) {
          return nonIp("VLAN_SHORT");
        }
        int inner = u16(b, p + 2);
        if (inner <= 1500) {
          return llc(b, p + 4, end, depth + 1, "IEEE802_3");
        }
        return etherType(inner, b, p + 4, end, depth + 1);
      case ETHERTYPE_PPPOE_SESSION:
        return pppoeSession(b, p, end);
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MULTICAST:
        return mpls(b, p, end);
      case ETHERTYPE_CISCO_DCE:
        // Cisco Data Center Ethernet: a 2-byte header, then a whole inner Ethernet frame.
        if (depth >= MAX_LINK_HEADERS || end - p < 2) {
          return nonIp("CISCO_DCE_SHORT");
        }
        return ethernet(b, p + 2, end, depth + 1);
      case ETHERTYPE_PBB:
        // 802.1ah: the 4-byte I-TAG, then the customer's Ethernet frame.
        if (depth >= MAX_LINK_HEADERS || end - p < 4) {
          return nonIp("PBB_SHORT");
        }
        return ethernet(b, p + 4, end, depth + 1);
      case ETHERTYPE_VN_TAG:
        // VN-Tag: 4 bytes, then the ethertype of what follows.
        if (depth >= MAX_LINK_HEADERS || end - p < 6) {
          return nonIp("VN_TAG_SHORT");
        }
        return etherType(u16(b, p + 4), b, p + 6, end, depth + 1);
      default:
        return nonIp(etherTypeName(type));
    }
  }

  /**
   * A PPPoE session header (version/type, code, session id, length), then PPP (its protocol field
   * compressed to one byte or not, as tshark accepts).
   */
  private int pppoeSession(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 7) {
      return nonIp("PPPOE_SHORT");
    }
    return ppp(b, p + 6, end);
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

  /** A PPP frame: optional address and control (0xff 0x03), a one- or two-byte protocol. */
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
      case 0x0281:
      case 0x0283:
        return mpls(b, p, end);
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

  /**
   * Linux NFLOG: address family, version 0, resource id, then type-length-value attributes in the
   * writer's byte order, each padded to 4 bytes; the packet is the payload attribute (type 9).
   */
  private int nflog(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 4) {
      return nonIp("NFLOG_SHORT");
    } else if (b[p + 1] != 0) {
      return nonIp("NFLOG_VERSION");
    }
    int family = b[p] & 0xff;
    int q = p + 4;
    // Each attribute is at least 4 bytes, so the walk ends within the frame.
    while (end - q >= 4) {
      int length = writerBigEndian ? u16(b, q) : Short.reverseBytes((short) u16(b, q)) & 0xffff;
      int type =
          writerBigEndian ? u16(b, q + 2) : Short.reverseBytes((short) u16(b, q + 2)) & 0xffff;
      if (length < 4) {
        return nonIp("NFLOG_BAD_TLV");
      }
      if (type == 9) {
        int payloadEnd = Math.min(end, q + length);
        if (family == 2) {
          return ipv4(b, q + 4, payloadEnd);
        } else if (family == 10) {
          return ipv6(b, q + 4, payloadEnd);
        }
        return nonIp("NFLOG_AF_" + family);
      }
      q += (length + 3) & ~3;
    }
    return nonIp("NFLOG");
  }

  /** A radiotap header (version 0, its length little-endian), then an 802.11 frame. */
  private int radiotap(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 8) {
      return nonIp("RADIOTAP_SHORT");
    } else if (b[p] != 0) {
      return nonIp("RADIOTAP_VERSION");
    }
    int length = (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8;
    if (length < 8 || end - p < length) {
      return nonIp("RADIOTAP_SHORT");
    }
    return ieee80211(b, p + length, end);
  }

  /**
   * An 802.11 frame: data frames carrying data (not null functions, not protected) are read through
   * their header (24 bytes, a fourth address from a WDS, QoS control, HT control) and LLC/SNAP; of
   * an A-MSDU, the first subframe. Management and control frames are not IP.
   */
  private int ieee80211(byte[] b, int p, int end) throws CaptureFormatException {
    if (end - p < 24) {
      return nonIp("IEEE802_11_SHORT");
    }
    int frameControl = b[p] & 0xff;
    int flags = b[p + 1] & 0xff;
    int type = (frameControl >>> 2) & 0x3;
    int subtype = frameControl >>> 4;
    if (type == 0) {
      return nonIp("IEEE802_11_MANAGEMENT");
    } else if (type != 2) {
      return nonIp("IEEE802_11_CONTROL");
    } else if ((subtype & 0x4) != 0) {
      return nonIp("IEEE802_11_NO_DATA");
    } else if ((flags & 0x40) != 0) {
      return nonIp("IEEE802_11_PROTECTED");
    }
    int q = p + 24;
    if ((flags & 0x03) == 0x03) {
      q += 6;
    }
    boolean amsdu = false;
    if ((subtype & 0x8) != 0) {
      if (end - q < 2) {
        return nonIp("IEEE802_11_SHORT");
      }
      amsdu = (b[q] & 0x80) != 0;
      q += 2;
      if ((flags & 0x80) != 0) {
        q += 4; // HT control
      }
    }
    if (amsdu) {
      // Subframe header: destination, source, length; then LLC/SNAP.
      if (end - q < 14) {
        return nonIp("IEEE802_11_SHORT");
      }
      end = Math.min(end, q + 14 + u16(b, q + 12));
      q += 14;
    }
    if (q > end) {
      return nonIp("IEEE802_11_SHORT");
    }
    return llc(b, q, end, 0, "IEEE802_11");
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
    int fragment = u16(b, p + 6);
    int fragmentOffset = fragment & 0x1fff;
    boolean whole = (fragment & 0x3fff) == 0;
    int protocol = b[p + 9] & 0xff;
    int payloadEnd = end;
    if (totalLength >= ihl && p + totalLength < end) {
      // Ethernet padding after a short packet is not transport data.
      payloadEnd = p + totalLength;
    }
    if (whole && decapsulate && tunnel(protocol, b, p + ihl, payloadEnd, p, false)) {
      return PACKET;
    }
    System.arraycopy(b, p + 12, src4, 0, 4);
    System.arraycopy(b, p + 16, dst4, 0, 4);
    builder.srcIp(src4).dstIp(dst4).protocol(protocol);
    clearTransport();
    boolean lengthKnown = totalLength >= ihl;
    builder.ipLength(lengthKnown ? totalLength : Packet.UNKNOWN);
    if (fragmentOffset == 0) {
      transport(protocol, b, p + ihl, payloadEnd, whole && lengthKnown ? totalLength - ihl : -1);
    }
    packet = builder.tunnel(tunnel()).build();
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
    int payloadEnd = end;
    if (payloadLength > 0 && p + 40 + payloadLength < end) {
      payloadEnd = p + 40 + payloadLength;
    }
    int q = p + 40;
    boolean ports = true;
    boolean whole = true;
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
          if ((u16(b, q + 2) & 0xfff9) != 0) {
            whole = false;
          }
          q += 8;
          break;
        default:
          break walk;
      }
    }
    if (ports
        && whole
        && decapsulate
        && q < payloadEnd
        && tunnel(next, b, q, payloadEnd, p, true)) {
      return PACKET;
    }
    System.arraycopy(b, p + 8, src16, 0, 16);
    System.arraycopy(b, p + 24, dst16, 0, 16);
    builder.srcIp(src16).dstIp(dst16).protocol(next);
    clearTransport();
    // A payload length of 0 is a jumbogram's (its length is in an option): unknown here.
    builder.ipLength(payloadLength > 0 ? 40 + payloadLength : Packet.UNKNOWN);
    if (ports && q < payloadEnd) {
      int transportLength = p + 40 + payloadLength - q;
      transport(
          next,
          b,
          q,
          payloadEnd,
          whole && payloadLength > 0 && transportLength >= 0 ? transportLength : -1);
    }
    packet = builder.tunnel(tunnel()).build();
    return PACKET;
  }

  /**
   * Looks into the payload of the IP header at {@code ip} as a tunnel, if its protocol (and UDP
   * port) names one.
   *
   * @return true if the packet inside was decoded (and is now {@link #packet})
   */
  private boolean tunnel(int protocol, byte[] b, int p, int end, int ip, boolean ipV6)
      throws CaptureFormatException {
    switch (protocol) {
      case IPPROTO_IPV4:
        return inner(TunnelType.IP_IN_IP, ip, ipV6, INNER_IPV4, 0, b, p, end);
      case IPPROTO_IPV6:
        return inner(TunnelType.IP_IN_IP, ip, ipV6, INNER_IPV6, 0, b, p, end);
      case IPPROTO_GRE:
        return gre(b, p, end, ip, ipV6);
      case IpProtocol.UDP:
        return udpTunnel(b, p, end, ip, ipV6);
      default:
        return false;
    }
  }

  private boolean gre(byte[] b, int p, int end, int ip, boolean ipV6)
      throws CaptureFormatException {
    int q = TunnelHeaders.gre(b, p, end);
    if (q == TunnelHeaders.NONE) {
      return false;
    }
    int protocol = u16(b, p + 2);
    if ((u16(b, p) & 0x7) == 1) {
      return inner(TunnelType.PPTP, ip, ipV6, INNER_PPP, 0, b, q, end);
    }
    switch (protocol) {
      case TunnelHeaders.GRE_ERSPAN_1_2:
      case TunnelHeaders.GRE_ERSPAN_3:
        int e = TunnelHeaders.erspan(b, q, end, protocol, TunnelHeaders.greHasSequence(b, p));
        return e != TunnelHeaders.NONE
            && inner(TunnelType.ERSPAN, ip, ipV6, INNER_ETHERNET, 0, b, e, end);
      case TunnelHeaders.GRE_PPP:
        return inner(TunnelType.GRE, ip, ipV6, INNER_PPP, 0, b, q, end);
      default:
        if (TunnelHeaders.isArubaProtocol(protocol)) {
          return inner(TunnelType.GRE, ip, ipV6, INNER_802_11, 0, b, q, end);
        }
        return inner(TunnelType.GRE, ip, ipV6, INNER_ETHERTYPE, protocol, b, q, end);
    }
  }

  /**
   * A UDP datagram to or from a tunnel's port. As tshark does, the lower port is tried first; the
   * higher one only when the lower is not a well-known port (below 1024), which would name the
   * datagram's own protocol.
   */
  private boolean udpTunnel(byte[] b, int p, int end, int ip, boolean ipV6)
      throws CaptureFormatException {
    if (end - p < 8) {
      return false;
    }
    int udpLength = u16(b, p + 4);
    if (udpLength >= 8 && p + udpLength < end) {
      end = p + udpLength;
    }
    int low = Math.min(u16(b, p), u16(b, p + 2));
    int high = Math.max(u16(b, p), u16(b, p + 2));
    int port = isTunnelPort(low) ? low : low >= 1024 && isTunnelPort(high) ? high : 0;
    int q = p + 8;
    int h;
    switch (port) {
      case PORT_GTP_U:
        h = TunnelHeaders.gtpU(b, q, end);
        return h != TunnelHeaders.NONE && inner(TunnelType.GTP_U, ip, ipV6, INNER_IP, 0, b, h, end);
      case PORT_VXLAN:
        h = TunnelHeaders.vxlan(b, q, end);
        return h != TunnelHeaders.NONE
            && inner(TunnelType.VXLAN, ip, ipV6, INNER_ETHERNET, 0, b, h, end);
      case PORT_GENEVE:
        h = TunnelHeaders.geneve(b, q, end);
        return h != TunnelHeaders.NONE
            && inner(TunnelType.GENEVE, ip, ipV6, INNER_ETHERTYPE, u16(b, q + 2), b, h, end);
      case PORT_TEREDO:
        h = TunnelHeaders.teredo(b, q, end);
        return h != TunnelHeaders.NONE
            && inner(TunnelType.TEREDO, ip, ipV6, INNER_IPV6, 0, b, h, end);
      case PORT_AYIYA:
        h = TunnelHeaders.ayiya(b, q, end);
        if (h == TunnelHeaders.NONE) {
          return false;
        }
        int next = b[q + 3] & 0xff;
        return (next == IPPROTO_IPV4 || next == IPPROTO_IPV6)
            && inner(
                TunnelType.AYIYA,
                ip,
                ipV6,
                next == IPPROTO_IPV4 ? INNER_IPV4 : INNER_IPV6,
                0,
                b,
                h,
                end);
      case PORT_L2TP:
        h = TunnelHeaders.l2tp(b, q, end);
        return h != TunnelHeaders.NONE && inner(TunnelType.L2TP, ip, ipV6, INNER_PPP, 0, b, h, end);
      case PORT_GRE_UDP:
        return gre(b, q, end, ip, ipV6);
      default:
        return false;
    }
  }

  private static boolean isTunnelPort(int port) {
    switch (port) {
      case PORT_GTP_U:
      case PORT_VXLAN:
      case PORT_GENEVE:
      case PORT_TEREDO:
      case PORT_AYIYA:
      case PORT_L2TP:
      case PORT_GRE_UDP:
        return true;
      default:
        return false;
    }
  }

  /**
   * Decodes what a tunnel header carries, one tunnel deeper. If that yields no packet (cut, not IP,
   * an invalid inner IP header), the tunnel is left as if it were none, and the caller reports its
   * own (outer) packet; the frame's non-IP type and outermost tunnel are restored.
   *
   * @param type the tunnel
   * @param ip where the IP header carrying the tunnel starts (its endpoints, if outermost)
   * @param what one of the {@code INNER_*} kinds
   * @param etherType the ethertype, for {@link #INNER_ETHERTYPE}
   * @return true if the packet inside was decoded
   * @throws CaptureFormatException if the frame nests more than {@value #MAX_TUNNELS} tunnels
   */
  private boolean inner(
      TunnelType type, int ip, boolean ipV6, int what, int etherType, byte[] b, int p, int end)
      throws CaptureFormatException {
    if (tunnels == MAX_TUNNELS) {
      refused = true;
      throw new CaptureFormatException(
          recordOffset, "more than " + MAX_TUNNELS + " nested tunnels: refused");
    }
    if (tunnels == 0) {
      outerType = type;
      outerV6 = ipV6;
      if (ipV6) {
        System.arraycopy(b, ip + 8, outerSrc16, 0, 16);
        System.arraycopy(b, ip + 24, outerDst16, 0, 16);
      } else {
        System.arraycopy(b, ip + 12, outerSrc4, 0, 4);
        System.arraycopy(b, ip + 16, outerDst4, 0, 4);
      }
    }
    tunnels++;
    int r;
    try {
      r = innerPacket(what, etherType, b, p, end);
    } catch (CaptureFormatException e) {
      if (refused) {
        throw e;
      }
      r = NON_IP;
    }
    if (r == PACKET) {
      return true;
    }
    tunnels--;
    if (tunnels == 0) {
      outerType = null;
    }
    nonIpType = null;
    return false;
  }

  private int innerPacket(int what, int etherType, byte[] b, int p, int end)
      throws CaptureFormatException {
    switch (what) {
      case INNER_IPV4:
        return ipv4(b, p, end);
      case INNER_IPV6:
        return ipv6(b, p, end);
      case INNER_IP:
        if (end - p >= 1 && (b[p] & 0xf0) == 0x40) {
          return ipv4(b, p, end);
        } else if (end - p >= 1 && (b[p] & 0xf0) == 0x60) {
          return ipv6(b, p, end);
        }
        return nonIp("TUNNEL_NOT_IP");
      case INNER_ETHERNET:
        return ethernet(b, p, end, 0);
      case INNER_PPP:
        return ppp(b, p, end);
      case INNER_802_11:
        return ieee80211(b, p, end);
      case INNER_ETHERTYPE:
        if (etherType == TunnelHeaders.GRE_TRANSPARENT_ETHERNET) {
          return ethernet(b, p, end, 0);
        }
        return etherType(etherType, b, p, end, 0);
      default:
        throw new IllegalArgumentException("inner kind " + what);
    }
  }

  private void clearTransport() {
    builder.srcPort(0).dstPort(0).flags(0).seq(0).ack(0).payloadLength(Packet.UNKNOWN);
  }

  /**
   * Fills ports (and TCP seq, ack, all twelve flag bits) from as much of the header as was
   * captured. For ICMP and ICMPv6 the ports are the type and the counterpart type or code ({@link
   * Packet.Builder#icmp}) and seq is the header's second word (an echo's identifier and sequence
   * number). The payload length is what the headers claim, not what was captured: {@code
   * transportLength} (the IP payload's length from the IP header, -1 if unknown or a fragment) less
   * the TCP header (its data offset), the UDP header (or the UDP length field less 8, as Zeek
   * counts it) or the ICMP header's 8 bytes.
   */
  private void transport(int protocol, byte[] b, int t, int end, int transportLength) {
    int avail = end - t;
    if (protocol == IpProtocol.TCP) {
      if (avail >= 13 && transportLength >= 0) {
        int headerLength = ((b[t + 12] & 0xf0) >>> 4) * 4;
        if (headerLength >= 20 && headerLength <= transportLength) {
          builder.payloadLength(transportLength - headerLength);
        }
      }
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
      if (avail >= 6 && u16(b, t + 4) >= 8) {
        builder.payloadLength(u16(b, t + 4) - 8);
      } else if (transportLength >= 8) {
        builder.payloadLength(transportLength - 8);
      }
    } else if (protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) {
      if (transportLength >= 8) {
        builder.payloadLength(transportLength - 8);
      }
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
