package org.flowbeam.model;

import java.io.Serializable;
import java.util.List;

/**
 * One assembled flow.
 *
 * <p>The initiator is the endpoint that sent the flow's first SYN (without ACK); if the flow's
 * first handshake packet is a SYN-ACK, its receiver; with no handshake packet, the sender of the
 * flow's first packet. "Forward" counts are from the initiator. Byte counts are wire lengths. Times
 * are microseconds since the epoch. {@code conn} holds what Zeek's conn.log says of the flow
 * ({@link ConnSummary}). {@code tunnel} is the tunnel the flow was seen in ({@link FlowTunnel}: the
 * first packet's, and how many packets came otherwise). {@code packets} is empty unless packet
 * retention was asked for (the TimeArcs layout needs them).
 */
public record FlowRecord(
    String flowId,
    String initiatorIp,
    int initiatorPort,
    String responderIp,
    int responderPort,
    int protocol,
    long startUs,
    long endUs,
    long packetsFwd,
    long packetsRev,
    long bytesFwd,
    long bytesRev,
    FlagCounts flagCounts,
    boolean handshakeComplete,
    FlowState state,
    InvalidReason invalidReason,
    CloseReason closeReason,
    ConnSummary conn,
    FlowTunnel tunnel,
    List<Packet> packets)
    implements Serializable {

  public FlowRecord {
    tunnel = tunnel == null ? FlowTunnel.NONE : tunnel;
    packets = List.copyOf(packets);
  }

  /** A flow seen outside tunnels ({@link FlowTunnel#NONE}). */
  public FlowRecord(
      String flowId,
      String initiatorIp,
      int initiatorPort,
      String responderIp,
      int responderPort,
      int protocol,
      long startUs,
      long endUs,
      long packetsFwd,
      long packetsRev,
      long bytesFwd,
      long bytesRev,
      FlagCounts flagCounts,
      boolean handshakeComplete,
      FlowState state,
      InvalidReason invalidReason,
      CloseReason closeReason,
      ConnSummary conn,
      List<Packet> packets) {
    this(
        flowId,
        initiatorIp,
        initiatorPort,
        responderIp,
        responderPort,
        protocol,
        startUs,
        endUs,
        packetsFwd,
        packetsRev,
        bytesFwd,
        bytesRev,
        flagCounts,
        handshakeComplete,
        state,
        invalidReason,
        closeReason,
        conn,
        FlowTunnel.NONE,
        packets);
  }

  public long packetCount() {
    return packetsFwd + packetsRev;
  }

  public long byteCount() {
    return bytesFwd + bytesRev;
  }

  public long durationUs() {
    return endUs - startUs;
  }

  /** The same flow with another close reason (and no other change). */
  public FlowRecord withCloseReason(CloseReason reason) {
    return new FlowRecord(
        flowId,
        initiatorIp,
        initiatorPort,
        responderIp,
        responderPort,
        protocol,
        startUs,
        endUs,
        packetsFwd,
        packetsRev,
        bytesFwd,
        bytesRev,
        flagCounts,
        handshakeComplete,
        state,
        invalidReason,
        reason,
        conn,
        tunnel,
        packets);
  }
}
