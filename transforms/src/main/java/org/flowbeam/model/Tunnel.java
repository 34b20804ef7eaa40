package org.flowbeam.model;

import java.util.Arrays;

/**
 * The outermost tunnel of a decapsulated frame: its kind and the addresses of the IP header that
 * carries it (the tunnel's endpoints). Immutable.
 *
 * <pre>{@code
 * if (reader.kind() == Kind.PACKET && reader.tunnel() != null) {
 *   reader.tunnel().type();        // TunnelType.GTP_U
 *   reader.tunnel().outerSrcIp();  // the GTP-U endpoint that sent the frame
 * }
 * }</pre>
 */
public final class Tunnel implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final TunnelType type;
  private final byte[] outerSrcIp;
  private final byte[] outerDstIp;

  /**
   * @throws IllegalArgumentException if the addresses are not both IPv4 or both IPv6
   */
  public Tunnel(TunnelType type, byte[] outerSrcIp, byte[] outerDstIp) {
    if (type == null
        || outerSrcIp.length != outerDstIp.length
        || (outerSrcIp.length != 4 && outerSrcIp.length != 16)) {
      throw new IllegalArgumentException(
          "a tunnel needs a type and two IPv4 or two IPv6 addresses");
    }
    this.type = type;
    this.outerSrcIp = outerSrcIp.clone();
    this.outerDstIp = outerDstIp.clone();
  }

  /** A tunnel of the given type and text addresses (for tests and readers of text). */
  public static Tunnel of(TunnelType type, String outerSrcIp, String outerDstIp) {
    return new Tunnel(type, IpAddresses.parse(outerSrcIp), IpAddresses.parse(outerDstIp));
  }

  /** The same tunnel seen the other way: source and destination swapped. */
  public Tunnel reversed() {
    return new Tunnel(type, outerDstIp, outerSrcIp);
  }

  /**
   * Whether {@code other} is this tunnel: the same type and endpoints, swapped if {@code other}
   * carried a packet the opposite way (a reply through the tunnel a request came in has its outer
   * source and destination swapped).
   *
   * @param reverse whether {@code other} carried a packet in the opposite direction to this one's
   */
  public boolean isSameTunnelAs(Tunnel other, boolean reverse) {
    if (other == null || type != other.type) {
      return false;
    }
    return reverse
        ? Arrays.equals(outerSrcIp, other.outerDstIp) && Arrays.equals(outerDstIp, other.outerSrcIp)
        : Arrays.equals(outerSrcIp, other.outerSrcIp)
            && Arrays.equals(outerDstIp, other.outerDstIp);
  }

  /** Whether this tunnel is of {@code type} between {@code outerSrcIp} and {@code outerDstIp}. */
  public boolean matches(TunnelType type, byte[] outerSrcIp, byte[] outerDstIp) {
    return this.type == type
        && Arrays.equals(this.outerSrcIp, outerSrcIp)
        && Arrays.equals(this.outerDstIp, outerDstIp);
  }

  /** The outer source address as text. */
  public String outerSrcIpText() {
    return IpAddresses.format(outerSrcIp);
  }

  /** The outer destination address as text. */
  public String outerDstIpText() {
    return IpAddresses.format(outerDstIp);
  }

  byte[] outerSrcIpUnsafe() {
    return outerSrcIp;
  }

  byte[] outerDstIpUnsafe() {
    return outerDstIp;
  }

  public TunnelType type() {
    return type;
  }

  /** The outermost IP header's source address (4 or 16 bytes; a copy). */
  public byte[] outerSrcIp() {
    return outerSrcIp.clone();
  }

  /** The outermost IP header's destination address (4 or 16 bytes; a copy). */
  public byte[] outerDstIp() {
    return outerDstIp.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tunnel t
        && type == t.type
        && Arrays.equals(outerSrcIp, t.outerSrcIp)
        && Arrays.equals(outerDstIp, t.outerDstIp);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(outerSrcIp)) + Arrays.hashCode(outerDstIp);
  }

  @Override
  public String toString() {
    return type.spelling()
        + " "
        + IpAddresses.format(outerSrcIp)
        + " > "
        + IpAddresses.format(outerDstIp);
  }
}
