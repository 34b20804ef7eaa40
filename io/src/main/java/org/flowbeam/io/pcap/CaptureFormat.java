package org.flowbeam.io.pcap;

/**
 * The kind of a packet capture file, recognised from its first four bytes rather than its name, so
 * that a misnamed file is still read correctly and a text file is never parsed as binary.
 *
 * <pre>{@code
 * CaptureFormat f = CaptureFormat.detect(firstFourBytes);
 * }</pre>
 */
public enum CaptureFormat {
  /** A libpcap savefile: microsecond or nanosecond magic, either byte order. */
  PCAP,
  /** A pcapng file: it starts with a Section Header Block. */
  PCAPNG,
  /** A gzip stream ({@code 1f 8b}); decompress and detect again. */
  GZIP,
  /** Anything else (for instance a CSV packet export). */
  UNKNOWN;

  /** pcap magic, microsecond timestamps, as read big-endian. */
  static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;

  /** pcap magic, nanosecond timestamps, as read big-endian. */
  static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;

  /** pcapng Section Header Block type; a palindrome, so the same in both byte orders. */
  static final int PCAPNG_SHB = 0x0a0d0d0a;

  /**
   * Detects the format from the first bytes of a file; fewer than four bytes give {@link #UNKNOWN}
   * (or {@link #GZIP} for a two-byte gzip magic).
   */
  public static CaptureFormat detect(byte[] first4) {
    if (first4 == null || first4.length < 2) {
      return UNKNOWN;
    }
    if ((first4[0] & 0xff) == 0x1f && (first4[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (first4.length < 4) {
      return UNKNOWN;
    }
    int be =
        ((first4[0] & 0xff) << 24)
            | ((first4[1] & 0xff) << 16)
            | ((first4[2] & 0xff) << 8)
            | (first4[3] & 0xff);
    int le = Integer.reverseBytes(be);
    if (be == PCAP_MAGIC_MICROS
        || be == PCAP_MAGIC_NANOS
        || le == PCAP_MAGIC_MICROS
        || le == PCAP_MAGIC_NANOS) {
      return PCAP;
    }
    if (be == PCAPNG_SHB) {
      return PCAPNG;
    }
    return UNKNOWN;
  }
}
