package org.flowbeam.io.pcap;

/**
 * The libpcap {@code LINKTYPE_*} values FlowBeam decodes (see tcpdump.org/linktypes.html), and a
 * readable name for any value, used when counting frames that carry no IP packet.
 */
public final class LinkType {
  public static final int NULL = 0;
  public static final int ETHERNET = 1;
  public static final int TOKEN_RING = 6;
  public static final int PPP = 9;
  public static final int FDDI = 10;

  /** Raw IP as OpenBSD numbers it (DLT_RAW 12 there, 14 on some other platforms). */
  public static final int RAW_12 = 12;

  public static final int RAW_14 = 14;
  public static final int PPP_HDLC = 50;
  public static final int PPP_ETHER = 51;
  public static final int RAW = 101;
  public static final int C_HDLC = 104;
  public static final int IEEE802_11 = 105;
  public static final int LOOP = 108;
  public static final int LINUX_SLL = 113;
  public static final int IEEE802_11_RADIOTAP = 127;

  /** PPP preceded by one direction byte. */
  public static final int PPP_WITH_DIR = 204;

  public static final int IPV4 = 228;
  public static final int IPV6 = 229;

  /** Linux netfilter's NFLOG (a packet logged by an iptables/nftables rule). */
  public static final int NFLOG = 239;

  public static final int LINUX_SLL2 = 276;

  private LinkType() {}

  /** A short name for a link type, for metadata and non-IP counts. */
  public static String name(int linkType) {
    switch (linkType) {
      case NULL:
        return "NULL";
      case ETHERNET:
        return "ETHERNET";
      case TOKEN_RING:
        return "IEEE802_5";
      case PPP:
        return "PPP";
      case FDDI:
        return "FDDI";
      case RAW_12:
      case RAW_14:
      case RAW:
        return "RAW";
      case PPP_HDLC:
        return "PPP_HDLC";
      case PPP_ETHER:
        return "PPP_ETHER";
      case C_HDLC:
        return "C_HDLC";
      case LOOP:
        return "LOOP";
      case LINUX_SLL:
        return "LINUX_SLL";
      case IPV4:
        return "IPV4";
      case IPV6:
        return "IPV6";
      case LINUX_SLL2:
        return "LINUX_SLL2";
      case IEEE802_11:
        return "IEEE802_11";
      case 107:
        return "FRELAY";
      case IEEE802_11_RADIOTAP:
        return "IEEE802_11_RADIOTAP";
      case PPP_WITH_DIR:
        return "PPP_WITH_DIR";
      case NFLOG:
        return "NFLOG";
      default:
        return "LINKTYPE_" + linkType;
    }
  }
}
