package org.flowbeam.io.filter;

import java.io.Serializable;
import java.util.Arrays;
import org.flowbeam.model.IpAddresses;

/**
 * An IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), or
 * one address ({@code 192.0.2.7}, a /32 or /128). An IPv4 block never holds an IPv6 address and the
 * other way round (an IPv4-mapped IPv6 address is IPv6 here, as on the wire).
 *
 * <pre>{@code
 * AddressBlock.parse("10.0.0.0/8").contains(packet.srcIp()); // 10.x.x.x
 * }</pre>
 */
public final class AddressBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] network;
  private final int prefixBits;

  private AddressBlock(byte[] network, int prefixBits) {
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /**
   * Parses {@code text}: an address, or an address, a slash and a prefix length (0 to 32 for IPv4,
   * 0 to 128 for IPv6). Host bits set in a block's address are cleared ({@code 10.1.2.3/8} is
   * {@code 10.0.0.0/8}), as {@code ip route} and tcpdump's {@code net} do.
   *
   * @throws IllegalArgumentException naming {@code text} and what is wrong with it
   */
  public static AddressBlock parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes;
    try {
      bytes = IpAddresses.parse(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
    }
    int max = bytes.length * 8;
    int bits = max;
    if (slash >= 0) {
      String prefix = s.substring(slash + 1);
      if (!prefix.matches("[0-9]{1,3}")) {
        throw new IllegalArgumentException(
            "'" + text + "': the prefix length after '/' must be a number from 0 to " + max);
      }
      bits = Integer.parseInt(prefix);
      if (bits > max) {
        throw new IllegalArgumentException(
            "'" + text + "': the prefix length must be at most " + max + ", got " + bits);
      }
    }
    return new AddressBlock(masked(bytes, bits), bits);
  }

  private static byte[] masked(byte[] address, int bits) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  /** True if {@code address} (4 or 16 bytes) is in this block. */
  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (address[full] & mask) == (network[full] & 0xff);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressBlock
        && ((AddressBlock) o).prefixBits == prefixBits
        && Arrays.equals(((AddressBlock) o).network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixBits;
  }

  /** The block in CIDR notation, its host bits cleared: {@code 10.0.0.0/8}. */
  @Override
  public String toString() {
    return IpAddresses.format(network) + "/" + prefixBits;
  }
}
