package org.flowbeam.model;

/** Why a flow is {@link FlowState#INVALID}; the labels are the TimeArcs {@code invalidReason}s. */
public enum InvalidReason {
  NONE(""),
  RST_DURING_HANDSHAKE("rst_during_handshake"),
  INCOMPLETE_NO_SYN("incomplete_no_syn"),
  INCOMPLETE_NO_SYNACK("incomplete_no_synack"),
  INCOMPLETE_NO_ACK("incomplete_no_ack"),
  INVALID_SYNACK("invalid_synack"),
  INVALID_ACK("invalid_ack");

  private final String label;

  InvalidReason(String label) {
    this.label = label;
  }

  /** The output label; empty for {@link #NONE}. */
  public String label() {
    return label;
  }
}
