package org.flowbeam.model;

/** Why FlowBeam ended a flow record. */
public enum CloseReason {
  /** Both sides sent FIN; later packets without a new SYN (the last ACK, a late RST) joined it. */
  FIN("fin"),
  /** A RST ended it. */
  RST("rst"),
  /** No packet for longer than the idle timeout. */
  IDLE_TIMEOUT("idle_timeout"),
  /** The flow lasted longer than the active timeout and was split. */
  ACTIVE_TIMEOUT("active_timeout"),
  /** A new SYN with a different initial sequence number reused the 5-tuple. */
  PORT_REUSE("port_reuse"),
  /** The input ended while the flow was open. */
  END_OF_DATA("end_of_data");

  private final String label;

  CloseReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
