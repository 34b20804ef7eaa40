package org.flowbeam.io.pcap;

import java.util.Arrays;
import org.flowbeam.model.IpAddresses;

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
public final class Tunnel {
  private final TunnelType type;
  private final byte[] outerSrcIp;
  private final byte[] outerDstIp;

  public Tunnel(TunnelType type, byte[] outerSrcIp, byte[] outerDstIp) {
    this.type = type;
    this.outerSrcIp = outerSrcIp.clone();
    this.outerDstIp = outerDstIp.clone();
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
