package org.flowbeam.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The twelve TCP flag bits and the TimeArcs {@code flag_type} name of a combination of them.
 *
 * <p>A packet's flags are the low 12 bits of the TCP header's bytes 12–13, as tshark's {@code
 * tcp.flags} shows them: the eight classic flags of byte 13 (FIN 0x01 … CWR 0x80), then from the
 * data-offset byte {@link #AE} (0x100, Accurate ECN, formerly the ECN nonce NS) and three {@link
 * #RESERVED} bits (0x200, 0x400, 0x800).
 *
 * <pre>{@code
 * TcpFlags.typeName(TcpFlags.SYN | TcpFlags.ACK); // "SYN+ACK"
 * TcpFlags.typeName(0x110);                      // "ACK+AE"
 * }</pre>
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

  /** Accurate ECN (RFC 9768; the ECN nonce, NS, of RFC 3540 before it), the data-offset byte. */
  public static final int AE = 0x100;

  /** The three reserved bits of the data-offset byte, above {@link #AE}. */
  public static final int RESERVED = 0xe00;

  /** Every flag bit: the largest flags value a packet can carry (tshark's 12-bit field). */
  public static final int ALL = 0xfff;

  /**
   * The eight classic flags in bit order (FIN first), with their names; index i names bit {@code 1
   * << i}. The per-flow and per-bin flag counts count these.
   */
  public static final String[] NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

  /** The {@code flag_type} name of {@link #AE}. */
  public static final String AE_NAME = "AE";

  /** The {@code flag_type} name of any of the {@link #RESERVED} bits, as tshark's one field. */
  public static final String RESERVED_NAME = "RES";

  private static final String[] TYPE_NAMES = new String[ALL + 1];

  static {
    for (int f = 0; f <= ALL; f++) {
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
   * RST+ACK} when exactly those flags are set; otherwise the set flags' names sorted alphabetically
   * and joined with {@code +}, where {@link #AE} is {@code AE} and the reserved bits, one or more,
   * are {@code RES}; {@code NONE} for no flag. So {@code 0x110} is {@code ACK+AE} and {@code 0x212}
   * is {@code ACK+RES+SYN}.
   *
   * @param flags a flags value, 0 to {@link #ALL}
   */
  public static String typeName(int flags) {
    return TYPE_NAMES[flags & ALL];
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
        List<String> names = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
          if ((flags & (1 << i)) != 0) {
            names.add(NAMES[i]);
          }
        }
        if ((flags & AE) != 0) {
          names.add(AE_NAME);
        }
        if ((flags & RESERVED) != 0) {
          names.add(RESERVED_NAME);
        }
        Collections.sort(names);
        return String.join("+", names);
    }
  }
}
