package org.flowbeam.pipelines.diff;

/**
 * The fields of a flow that {@link FlowDiff} matches and compares, as the flows CSV holds them.
 *
 * @param initiatorIp the initiator's address
 * @param protocol IP protocol number
 * @param startUs first packet, microseconds since the epoch
 */
public record FlowRow(
    String initiatorIp,
    int initiatorPort,
    String responderIp,
    int responderPort,
    int protocol,
    long startUs,
    long packets,
    long bytes,
    String state,
    String closeReason) {

  /** The two endpoints, in a fixed order whichever initiated, and the protocol. */
  String conversation() {
    String x = initiatorIp + " " + initiatorPort;
    String y = responderIp + " " + responderPort;
    return protocol + " " + (x.compareTo(y) <= 0 ? x + " " + y : y + " " + x);
  }

  /** True if {@code o} has the same packets, bytes, state and close reason. */
  boolean sameAs(FlowRow o) {
    return packets == o.packets
        && bytes == o.bytes
        && state.equals(o.state)
        && closeReason.equals(o.closeReason);
  }
}
