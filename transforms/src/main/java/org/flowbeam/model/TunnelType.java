package org.flowbeam.model;

/**
 * The kinds of tunnel the capture decoder ({@code org.flowbeam.io.pcap.FrameDecoder}) looks
 * through: an IP packet carried inside another IP packet's payload. Link-layer wrappings (VLAN,
 * MPLS, PPPoE, 802.1ah, VN-Tag, 802.11) are not tunnels: they carry no outer IP header.
 *
 * <p>{@link #spelling()} is the lower-case name used in text and in the flows' {@code tunnel_type}
 * column (as Zeek's {@code Tunnel::Type} names them where it has the kind). {@link #code()} is the
 * number the coders and the carried-flows file write: fixed per kind (a new kind goes at the end of
 * this list), so that adding kinds never changes what an encoded one means.
 */
public enum TunnelType {
  /** IPv4 or IPv6 directly inside IPv4 or IPv6 (IP protocols 4 and 41: IP-in-IP, 6in4, 4in6). */
  IP_IN_IP,
  /** GRE (IP protocol 47, or UDP port 4754), carrying IP, Ethernet, MPLS, PPP or 802.11 (Aruba). */
  GRE,
  /** PPTP's enhanced GRE (GRE version 1) carrying PPP. */
  PPTP,
  /** ERSPAN types I, II and III (GRE protocol types 0x88be and 0x22eb) mirroring Ethernet. */
  ERSPAN,
  /** GTP-U (UDP port 2152) G-PDUs carrying IPv4 or IPv6. */
  GTP_U,
  /** VXLAN (UDP port 4789) carrying Ethernet. */
  VXLAN,
  /** Geneve (UDP port 6081) carrying Ethernet or IP. */
  GENEVE,
  /** Teredo (UDP port 3544) carrying IPv6. */
  TEREDO,
  /** AYIYA (UDP port 5072) carrying IPv6 or IPv4. */
  AYIYA,
  /** L2TPv2 data messages (UDP port 1701) carrying PPP. */
  L2TP;

  /** The lower-case name, such as {@code gtp_u}. */
  public String spelling() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The kind's number in encodings, 1 to 127 (0 stands for no tunnel there). */
  public int code() {
    return ordinal() + 1;
  }

  /**
   * The kind whose {@link #code()} is {@code code}.
   *
   * @throws IllegalArgumentException if no kind has that code
   */
  public static TunnelType ofCode(int code) {
    TunnelType[] all = values();
    if (code < 1 || code > all.length) {
      throw new IllegalArgumentException("no tunnel type has code " + code);
    }
    return all[code - 1];
  }
}
