package org.flowbeam.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.flowbeam.model.FlowTunnel;
import org.flowbeam.model.Tunnel;

/**
 * Tells, packet by packet, which tunnel a flow was seen in: the first packet's tunnel wins (turned
 * to read from the initiator's side), and each later packet that did not come through it, in either
 * direction, is counted ({@link FlowTunnel#otherPackets()}). A reply through the tunnel a request
 * came in (outer endpoints swapped) is the same tunnel.
 *
 * <p>Why the first packet's: a flow has one row, and its first packet is where the flow was first
 * seen; a flow whose packets arrive through several tunnels (a mobile handover, a capture point
 * seeing both the tunnelled and the plain leg) keeps that one and says how many packets differ.
 *
 * <pre>{@code
 * TunnelTally t = new TunnelTally();
 * t.add(p.tunnel(), p is from the initiator);  // per packet, in event order
 * t.result();                                 // FlowTunnel for the record
 * }</pre>
 */
final class TunnelTally {
  private boolean started;
  private Tunnel first;
  private long otherPackets;

  /**
   * Adds a packet's tunnel.
   *
   * @param tunnel the packet's outermost tunnel, or null
   * @param forward whether the packet went from the flow's initiator to its responder
   */
  void add(Tunnel tunnel, boolean forward) {
    if (!started) {
      started = true;
      first = tunnel == null || forward ? tunnel : tunnel.reversed();
      return;
    }
    boolean same = first == null ? tunnel == null : first.isSameTunnelAs(tunnel, !forward);
    if (!same) {
      otherPackets++;
    }
  }

  /** The flow's tunnel so far. */
  FlowTunnel result() {
    return first == null && otherPackets == 0
        ? FlowTunnel.NONE
        : new FlowTunnel(first, otherPackets);
  }

  /** Writes the tally for {@link #readFrom} (part of a carried flow's state). */
  void writeTo(DataOutputStream out) throws IOException {
    out.writeBoolean(started);
    result().writeTo(out);
  }

  /** Reads a tally {@link #writeTo} wrote. */
  static TunnelTally readFrom(DataInputStream in) throws IOException {
    TunnelTally t = new TunnelTally();
    t.started = in.readBoolean();
    FlowTunnel r = FlowTunnel.readFrom(in);
    t.first = r.tunnel();
    t.otherPackets = r.otherPackets();
    return t;
  }
}
