package org.flowbeam.model;

/**
 * TCP flag bits as they appear in the TCP header's flags byte, and the TimeArcs {@code flag_type}
 * names for a combination of them.
 */
public final class TcpFlags {
  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;
  public static final int URG = 0x20;
  public static final int ECE = 0x40;
  public static final int CWR = 0x80;

  /** The flags in bit order (FIN first), with their names; index i names bit {@code 1 << i}. */
  public static final String[] NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

  private static final String[] TYPE_NAMES = new String[256];

  static {
    for (int f = 0; f < 256; f++) {
      TYPE_NAMES[f] = computeTypeName(f);
    }
  }

  private TcpFlags() {}

  /** True if every bit of {@code mask} is set in {@code flags}. */
  public static boolean has(int flags, int mask) {
    return (flags & mask) == mask;
  }

  /**
   * The TimeArcs {@code flag_type}: {@code SYN+ACK}, {@code FIN+ACK}, {@code PSH+ACK} and {@code
   * RST+ACK} by those names; otherwise the set flags' names sorted alphabetically and joined with
   * {@code +}; {@code NONE} for no flag.
   */
  public static String typeName(int flags) {
    return TYPE_NAMES[flags & 0xff];
  }

  private static String computeTypeName(int flags) {
    switch (flags) {
      case 0:
        return "NONE";
      case SYN | ACK:
        return "SYN+ACK";
      case FIN | ACK:
        return "FIN+ACK";
      case PSH | ACK:
        return "PSH+ACK";
      case RST | ACK:
        return "RST+ACK";
      default:
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          if ((flags & (1 << i)) != 0) {
            names.add(NAMES[i]);
          }
        }
        java.util.Collections.sort(names);
        return String.join("+", names);
    }
  }
}
