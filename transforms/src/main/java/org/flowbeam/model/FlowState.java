package org.flowbeam.model;

/**
 * How a flow ended up (the {@code state} of a flow): for TCP in the TimeArcs vocabulary ({@link
 * #CLOSED}, {@link #ABORTED}, {@link #INVALID}, {@link #ONGOING}); for UDP and ICMP, which have no
 * handshake or close, whether the responder answered ({@link #BIDIRECTIONAL}, {@link
 * #UNIDIRECTIONAL}).
 */
public enum FlowState {
  /** Closed by FIN. */
  CLOSED,
  /** Reset after the handshake completed. */
  ABORTED,
  /** Never became a proper connection; {@link InvalidReason} says why. */
  INVALID,
  /** Still open at the end of data or when a timeout split it. */
  ONGOING,
  /** A UDP or ICMP flow with packets in both directions. */
  BIDIRECTIONAL,
  /** A UDP or ICMP flow with packets in one direction only: no answer seen. */
  UNIDIRECTIONAL;

  /** The lower-case name used in outputs. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
