package org.flowbeam.io.pcap;

import static org.flowbeam.io.pcap.FrameDecoder.u16;

/**
 * The layouts of the tunnel headers {@link FrameDecoder} looks through: for a header starting at
 * {@code p} in {@code b[.., end)}, where its payload starts, or {@link #NONE} when the header is
 * cut, is of a version or kind that carries no packet (a control message, an echo, a keepalive
 * without payload), or is malformed. What the payload is (the dispatch) is the decoder's business;
 * these methods only check lengths and the fields that say whether a packet follows.
 *
 * <p>Each loop over a variable part (GRE source routes, GTP-U extension headers, Teredo's
 * authentication and origin) advances by at least four bytes and is bounded, so a hostile header
 * cannot make it run long; no length read from a header is ever allocated.
 */
final class TunnelHeaders {
  /** No payload packet follows the header. */
  static final int NONE = -1;

  /** GRE protocol types handled apart from ethertypes. */
  static final int GRE_TRANSPARENT_ETHERNET = 0x6558;

  static final int GRE_ERSPAN_1_2 = 0x88be;
  static final int GRE_ERSPAN_3 = 0x22eb;
  static final int GRE_PPP = 0x880b;

  private static final int GRE_CHECKSUM = 0x8000;
  private static final int GRE_ROUTING = 0x4000;
  private static final int GRE_KEY = 0x2000;
  private static final int GRE_SEQUENCE = 0x1000;
  private static final int GRE_ACK = 0x0080;

  /** The most RFC 1701 source route entries walked. */
  static final int MAX_GRE_SOURCE_ROUTES = 16;

  /** The most GTP-U extension headers walked. */
  static final int MAX_GTP_EXTENSIONS = 16;

  private TunnelHeaders() {}

  /**
   * GRE (RFC 2784 with RFC 2890's key and sequence number, RFC 1701's routing) and PPTP's enhanced
   * GRE (RFC 2637: version 1, protocol type PPP, the key holding payload length and call id, an
   * optional acknowledgement number). The protocol type is {@code u16(b, p + 2)}.
   */
  static int gre(byte[] b, int p, int end) {
    if (end - p < 4) {
      return NONE;
    }
    int flags = u16(b, p);
    int q = p + 4;
    switch (flags & 0x7) {
      case 0:
        if ((flags & (GRE_CHECKSUM | GRE_ROUTING)) != 0) {
          q += 4;
        }
        if ((flags & GRE_KEY) != 0) {
          q += 4;
        }
        if ((flags & GRE_SEQUENCE) != 0) {
          q += 4;
        }
        if ((flags & GRE_ROUTING) != 0) {
          q = greSourceRoutes(b, q, end);
        }
        break;
      case 1:
        if (u16(b, p + 2) != GRE_PPP
            || (flags & GRE_KEY) == 0
            || (flags & (GRE_CHECKSUM | GRE_ROUTING)) != 0) {
          return NONE;
        }
        q += 4;
        if ((flags & GRE_SEQUENCE) != 0) {
          q += 4;
        }
        if ((flags & GRE_ACK) != 0) {
          q += 4;
        }
        break;
      default:
        return NONE;
    }
    return q < 0 || q > end ? NONE : q;
  }

  /** True if the GRE header at {@code p} has a sequence number (ERSPAN type I has none). */
  static boolean greHasSequence(byte[] b, int p) {
    return (u16(b, p) & GRE_SEQUENCE) != 0;
  }

  /** Walks RFC 1701 source route entries up to the terminating one (family 0, length 0). */
  private static int greSourceRoutes(byte[] b, int q, int end) {
    for (int i = 0; i < MAX_GRE_SOURCE_ROUTES; i++) {
      if (end - q < 4) {
        return NONE;
      }
      int family = u16(b, q);
      int length = b[q + 3] & 0xff;
      q += 4;
      if (family == 0 && length == 0) {
        return q;
      }
      q += length;
    }
    return NONE;
  }

  /**
   * ERSPAN, after a GRE header of protocol type {@code greProtocol}: type I (0x88be without a GRE
   * sequence number) has no header of its own; type II (0x88be, version 1) 8 bytes; type III
   * (0x22eb, version 2) 12 bytes and, when its O bit is set, an 8-byte platform-specific subheader.
   * An Ethernet frame follows.
   */
  static int erspan(byte[] b, int p, int end, int greProtocol, boolean greSequence) {
    if (greProtocol == GRE_ERSPAN_1_2 && !greSequence) {
      return p;
    }
    if (end - p < 8) {
      return NONE;
    }
    int version = (b[p] & 0xf0) >>> 4;
    if (version == 1 && greProtocol == GRE_ERSPAN_1_2) {
      return p + 8;
    }
    if (version == 2 && end - p >= 12) {
      int q = p + 12;
      if ((b[p + 11] & 0x01) != 0) {
        q += 8;
      }
      return q <= end ? q : NONE;
    }
    return NONE;
  }

  /**
   * True for Aruba's GRE protocol types, whose payload is an 802.11 frame (Wireshark's {@code
   * GRE_ARUBA_8200} to {@code 8370} and {@code 9000}).
   */
  static boolean isArubaProtocol(int greProtocol) {
    return (greProtocol >= 0x8200 && greProtocol <= 0x8370 && (greProtocol & 0xf) == 0)
        || greProtocol == 0x9000;
  }

  /**
   * GTP-U (3GPP TS 29.281): version 1, protocol type GTP, message type G-PDU (255); the optional
   * sequence number, N-PDU number and next extension type when any of E, S, PN is set; the
   * extension headers (length in 4-byte units, the next type in the last byte) when E is set. An
   * IPv4 or IPv6 packet follows. Echo and other messages carry no packet.
   */
  static int gtpU(byte[] b, int p, int end) {
    if (end - p < 8) {
      return NONE;
    }
    int flags = b[p] & 0xff;
    if ((flags >>> 5) != 1 || (flags & 0x10) == 0 || (b[p + 1] & 0xff) != 0xff) {
      return NONE;
    }
    int q = p + 8;
    if ((flags & 0x07) == 0) {
      return q;
    }
    if (end - q < 4) {
      return NONE;
    }
    int next = b[q + 3] & 0xff;
    q += 4;
    if ((flags & 0x04) == 0) {
      return q;
    }
    for (int i = 0; next != 0; i++) {
      if (i == MAX_GTP_EXTENSIONS || end - q < 1) {
        return NONE;
      }
      int length = (b[q] & 0xff) * 4;
      if (length == 0 || end - q < length) {
        return NONE;
      }
      next = b[q + length - 1] & 0xff;
      q += length;
    }
    return q;
  }

  /** VXLAN (RFC 7348): an 8-byte header, then an Ethernet frame. */
  static int vxlan(byte[] b, int p, int end) {
    return end - p >= 8 ? p + 8 : NONE;
  }

  /**
   * Geneve (RFC 8926): version 0, 8 bytes and the options' length; the protocol type ({@code u16(b,
   * p + 2)}, an ethertype, 0x6558 for Ethernet) says what follows.
   */
  static int geneve(byte[] b, int p, int end) {
    if (end - p < 8 || (b[p] & 0xc0) != 0) {
      return NONE;
    }
    int q = p + 8 + (b[p] & 0x3f) * 4;
    return q <= end ? q : NONE;
  }

  /**
   * Teredo (RFC 4380): an optional authentication indicator (type 1), then an optional origin
   * indication (type 0), then the IPv6 packet (version 6, at least 40 bytes).
   */
  static int teredo(byte[] b, int p, int end) {
    int q = p;
    if (end - q >= 4 && u16(b, q) == 1) {
      int idLength = b[q + 2] & 0xff;
      int authLength = b[q + 3] & 0xff;
      q += 4 + idLength + authLength + 8 + 1;
    }
    if (end - q >= 8 && u16(b, q) == 0) {
      q += 8;
    }
    if (end - q < 40 || (b[q] & 0xf0) != 0x60) {
      return NONE;
    }
    return q;
  }

  /**
   * AYIYA (draft-massar-v6ops-ayiya): 8 bytes, the identity (2^n bytes) and the signature (4n
   * bytes); only the forward operation (1) carries a packet, of IP protocol {@code b[p + 3]}.
   */
  static int ayiya(byte[] b, int p, int end) {
    if (end - p < 8 || (b[p + 2] & 0x0f) != 1) {
      return NONE;
    }
    int q = p + 8 + (1 << ((b[p] & 0xf0) >>> 4)) + ((b[p + 1] & 0xf0) >>> 4) * 4;
    return q < end ? q : NONE;
  }

  /**
   * L2TP version 2 (RFC 2661) data messages: the flags (T clear), the optional length, tunnel and
   * session ids, the optional Ns and Nr, the optional offset size and its padding. A PPP frame
   * follows. Control messages (T set) and L2TPv3 carry no packet here.
   */
  static int l2tp(byte[] b, int p, int end) {
    if (end - p < 6) {
      return NONE;
    }
    int flags = u16(b, p);
    if ((flags & 0x8000) != 0 || (flags & 0x000f) != 2) {
      return NONE;
    }
    int q = p + 2;
    if ((flags & 0x4000) != 0) {
      q += 2;
    }
    q += 4;
    if ((flags & 0x0800) != 0) {
      q += 4;
    }
    if ((flags & 0x0200) != 0) {
      if (end - q < 2) {
        return NONE;
      }
      q += 2 + u16(b, q);
    }
    return q < end ? q : NONE;
  }
}
