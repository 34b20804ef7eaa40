package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;

/**
 * The tunnel a flow was seen in: the outermost tunnel of its first packet ({@link
 * Packet#tunnel()}), oriented as the flow is (outer source on the initiator's side, outer
 * destination on the responder's), and how many of the flow's packets came otherwise: through
 * another tunnel (another type or other endpoints), or outside any where the first was inside one,
 * or inside one where the first was not. A flow of packets that were all outside tunnels is {@link
 * #NONE}.
 *
 * <pre>{@code
 * FlowTunnel t = flow.tunnel();
 * t.typeText();      // "gtp_u", or "" without a tunnel
 * t.outerSrcText();  // the tunnel endpoint on the initiator's side, or ""
 * t.otherPackets();  // 0 when every packet came through that one tunnel
 * }</pre>
 *
 * @param tunnel the first packet's tunnel, initiator to responder; null if it had none
 * @param otherPackets packets of the flow not seen through {@code tunnel}
 */
public record FlowTunnel(Tunnel tunnel, long otherPackets) implements Serializable {

  /** A flow outside tunnels: no tunnel, no packet otherwise. */
  public static final FlowTunnel NONE = new FlowTunnel(null, 0);

  public FlowTunnel {
    if (otherPackets < 0) {
      throw new IllegalArgumentException("otherPackets " + otherPackets + " below 0");
    }
  }

  /** The tunnel's type as the {@code tunnel_type} column writes it, or "" without one. */
  public String typeText() {
    return tunnel == null ? "" : tunnel.type().spelling();
  }

  /** The outer address on the initiator's side, or "" without a tunnel. */
  public String outerSrcText() {
    return tunnel == null ? "" : tunnel.outerSrcIpText();
  }

  /** The outer address on the responder's side, or "" without a tunnel. */
  public String outerDstText() {
    return tunnel == null ? "" : tunnel.outerDstIpText();
  }

  /**
   * Writes the value for {@link #readFrom}: the tunnel type's code (1 byte, 0 for none), the outer
   * addresses when there is a tunnel (address length, both addresses), then {@code otherPackets} (8
   * bytes).
   */
  public void writeTo(DataOutputStream out) throws IOException {
    if (tunnel == null) {
      out.writeByte(0);
    } else {
      out.writeByte(tunnel.type().code());
      AddressCoding.writePair(out, tunnel.outerSrcIpUnsafe(), tunnel.outerDstIpUnsafe());
    }
    out.writeLong(otherPackets);
  }

  /**
   * Reads a value {@link #writeTo} wrote.
   *
   * @throws StreamCorruptedException if the type code, an address length or the count is invalid
   */
  public static FlowTunnel readFrom(DataInputStream in) throws IOException {
    int code = in.readUnsignedByte();
    Tunnel tunnel = null;
    if (code != 0) {
      if (code > TunnelType.values().length) {
        throw new StreamCorruptedException("bad tunnel type " + code);
      }
      int length = AddressCoding.readLength(in);
      tunnel =
          new Tunnel(
              TunnelType.ofCode(code),
              AddressCoding.readAddress(in, length),
              AddressCoding.readAddress(in, length));
    }
    long other = in.readLong();
    if (other < 0) {
      throw new StreamCorruptedException("bad count of packets outside the flow's tunnel " + other);
    }
    return tunnel == null && other == 0 ? NONE : new FlowTunnel(tunnel, other);
  }
}
