package org.flowbeam.tcp;

import java.io.Serializable;

/**
 * The settings that decide where one flow ends and the next begins on a 5-tuple.
 *
 * @param idleTimeoutUs a gap longer than this between two packets of a flow ends it ({@code
 *     idle_timeout}); the packets after the gap form a continuation flow
 * @param activeTimeoutUs when positive, a flow longer than this is split ({@code active_timeout}),
 *     as NetFlow does; 0 turns it off
 * @param closeLingerUs after a flow has closed (both FINs, or a RST), packets other than a new SYN
 *     that arrive within this time still belong to it (retransmitted FINs, final ACKs, a trailing
 *     RST), as tshark counts them
 * @param retainPackets whether flow records keep their packets (for the TimeArcs layout)
 */
public record FlowRules(
    long idleTimeoutUs, long activeTimeoutUs, long closeLingerUs, boolean retainPackets)
    implements Serializable {

  public static final long DEFAULT_IDLE_TIMEOUT_US = 300_000_000L;
  public static final long DEFAULT_CLOSE_LINGER_US = 2_000_000L;

  public FlowRules {
    if (idleTimeoutUs <= 0) {
      throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeoutUs);
    }
    if (activeTimeoutUs < 0) {
      throw new IllegalArgumentException("active timeout must be >= 0, got " + activeTimeoutUs);
    }
    if (closeLingerUs < 0) {
      throw new IllegalArgumentException("close linger must be >= 0, got " + closeLingerUs);
    }
  }

  /** 300 s idle timeout, no active timeout, 2 s close linger, packets not retained. */
  public static FlowRules defaults() {
    return new FlowRules(DEFAULT_IDLE_TIMEOUT_US, 0, DEFAULT_CLOSE_LINGER_US, false);
  }

  public FlowRules withIdleTimeoutUs(long v) {
    return new FlowRules(v, activeTimeoutUs, closeLingerUs, retainPackets);
  }

  public FlowRules withActiveTimeoutUs(long v) {
    return new FlowRules(idleTimeoutUs, v, closeLingerUs, retainPackets);
  }

  public FlowRules withCloseLingerUs(long v) {
    return new FlowRules(idleTimeoutUs, activeTimeoutUs, v, retainPackets);
  }

  public FlowRules withRetainPackets(boolean v) {
    return new FlowRules(idleTimeoutUs, activeTimeoutUs, closeLingerUs, v);
  }
}
