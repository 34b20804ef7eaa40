package org.flowbeam.model;

/**
 * Zeek's {@code conn_state} of a connection, as {@code base/protocols/conn/main.zeek} derives it
 * from the two endpoints' TCP states (or, for UDP, from which endpoints sent anything; ICMP is
 * always {@link #OTH}).
 */
public enum ConnState {
  /** Connection attempt seen, no reply. */
  S0,
  /** Connection established, not terminated. */
  S1,
  /** Normal establishment and termination (for UDP: packets both ways). */
  SF,
  /** Connection attempt rejected. */
  REJ,
  /** Established, close attempt by the originator seen, no reply from the responder. */
  S2,
  /** Established, close attempt by the responder seen, no reply from the originator. */
  S3,
  /** Established, the originator aborted (sent a RST). */
  RSTO,
  /** The responder sent a RST. */
  RSTR,
  /** The originator sent a SYN followed by a RST; no SYN-ACK from the responder seen. */
  RSTOS0,
  /** The responder sent a SYN-ACK followed by a RST; no SYN from the originator seen. */
  RSTRH,
  /** The originator sent a SYN followed by a FIN; no SYN-ACK from the responder seen. */
  SH,
  /** The responder sent a SYN-ACK followed by a FIN; no SYN from the originator seen. */
  SHR,
  /** No SYN seen, just midstream traffic (and every ICMP flow). */
  OTH
}
