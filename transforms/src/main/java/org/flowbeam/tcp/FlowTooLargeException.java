package org.flowbeam.tcp;

/**
 * A flow holds more packets than the output asked for can carry: the TimeArcs layout keeps every
 * packet of a flow in its record, which a runner shuffles whole. Thrown instead of running out of
 * memory; the message names the flow and the limit.
 */
public final class FlowTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlowTooLargeException(String message) {
    super(message);
  }
}
