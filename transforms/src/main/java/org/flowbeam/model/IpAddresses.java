package org.flowbeam.model;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses and formats IPv4 and IPv6 address literals as raw network-order bytes.
 *
 * <p>Parsing never resolves host names: IPv4 is parsed here digit by digit, and text with a colon
 * is handed to {@link InetAddress} only as an IPv6 literal, which the JDK parses without a lookup.
 * Formatting follows RFC 5952 (lower case, longest zero run compressed), as tshark prints.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * Returns the 4 or 16 bytes of {@code text}.
   *
   * @throws IllegalArgumentException if {@code text} is not an IPv4 or IPv6 literal
   */
  public static byte[] parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty address");
    }
    if (s.indexOf(':') < 0) {
      return parseIpv4(s, text);
    }
    int zone = s.indexOf('%');
    if (zone >= 0) {
      s = s.substring(0, zone);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException("bad IPv6 address '" + text + "'");
      }
    }
    try {
      byte[] bytes = InetAddress.getByName(s).getAddress();
      if (bytes.length == 4) {
        // An IPv4-mapped literal such as ::ffff:1.2.3.4; keep the IPv6 form.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
      }
      return bytes;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad IPv6 address '" + text + "'");
    }
  }

  private static byte[] parseIpv4(String s, String original) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (value < 0 || part > 3) {
          throw new IllegalArgumentException("bad IPv4 address '" + original + "'");
        }
        out[part++] = (byte) value;
        value = -1;
      } else if (c >= '0' && c <= '9') {
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (value > 255) {
          throw new IllegalArgumentException("bad IPv4 address '" + original + "'");
        }
      } else {
        throw new IllegalArgumentException("bad IPv4 address '" + original + "'");
      }
    }
    if (part != 4) {
      throw new IllegalArgumentException("bad IPv4 address '" + original + "'");
    }
    return out;
  }

  /** Formats 4 or 16 address bytes as text (dotted quad, or RFC 5952 IPv6). */
  public static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xff)
          + "."
          + (address[1] & 0xff)
          + "."
          + (address[2] & 0xff)
          + "."
          + (address[3] & 0xff);
    }
    if (address.length != 16) {
      throw new IllegalArgumentException("address of " + address.length + " bytes");
    }
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(words[i]));
    }
    return sb.toString();
  }

  /** A 4-byte address as a big-endian int. */
  public static int toInt(byte[] v4) {
    if (v4.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + v4.length + " bytes");
    }
    return (v4[0] & 0xff) << 24 | (v4[1] & 0xff) << 16 | (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
  }

  /** The 4-byte address of a big-endian int. */
  public static byte[] fromInt(int v4) {
    return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
  }

  /** Compares two addresses: IPv4 before IPv6, then unsigned byte order. */
  public static int compare(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    return java.util.Arrays.compareUnsigned(a, b);
  }
}
