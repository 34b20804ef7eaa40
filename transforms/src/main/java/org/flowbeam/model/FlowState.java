package org.flowbeam.model;

/** How a TCP flow ended up, in the TimeArcs vocabulary (the {@code state} of a flow). */
public enum FlowState {
  /** Closed by FIN. */
  CLOSED,
  /** Reset after the handshake completed. */
  ABORTED,
  /** Never became a proper connection; {@link InvalidReason} says why. */
  INVALID,
  /** Still open at the end of data or when a timeout split it. */
  ONGOING;

  /** The lower-case name used in outputs. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
