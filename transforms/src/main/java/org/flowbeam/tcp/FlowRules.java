package org.flowbeam.tcp;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The settings that decide where one flow ends and the next begins on a 5-tuple.
 *
 * @param idleTimeoutUs a gap longer than this between two packets of a flow ends it ({@code
 *     idle_timeout}); the packets after the gap form a continuation flow
 * @param activeTimeoutUs when positive, a flow longer than this is split ({@code active_timeout}),
 *     as NetFlow does; 0 turns it off
 * @param closeLingerUs how long after a flow has closed (both FINs, or a RST) packets other than a
 *     new connection's SYN still belong to it; a packet that comes later starts a flow of its own
 *     (an "appendix" flow, {@code invalid} / {@code incomplete_no_syn}). {@link
 *     #NO_CLOSE_LINGER_LIMIT}, the default, sets no limit: such packets (retransmitted FINs, final
 *     ACKs, a RST seconds later) join the closed flow until the idle timeout, as they join the
 *     closed connection's stream in tshark
 * @param retainPackets whether flow records keep their packets (for the TimeArcs layout)
 */
public record FlowRules(
    long idleTimeoutUs, long activeTimeoutUs, long closeLingerUs, boolean retainPackets)
    implements Serializable {

  public static final long DEFAULT_IDLE_TIMEOUT_US = 300_000_000L;

  /**
   * A close linger without limit (the default): after a close, only the idle timeout or a new
   * connection's SYN ends the flow. Stored as the largest value, so the rule of a set linger
   * ({@code time since the close > closeLingerUs}) never splits, and a carried-flows file holds it
   * as any other linger.
   */
  public static final long NO_CLOSE_LINGER_LIMIT = Long.MAX_VALUE;

  /**
   * The close linger FlowBeam applied by default before it had no limit ({@code --closeLinger=2}):
   * a packet more than 2 s after a close started an appendix flow.
   */
  public static final long FORMER_CLOSE_LINGER_US = 2_000_000L;

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

  /** 300 s idle timeout, no active timeout, no close linger limit, packets not retained. */
  public static FlowRules defaults() {
    return new FlowRules(DEFAULT_IDLE_TIMEOUT_US, 0, NO_CLOSE_LINGER_LIMIT, false);
  }

  /**
   * Whether a packet at {@code timeUs} comes too late to join a flow that closed (both FINs, or a
   * RST) at {@code closedAtUs}: only when a close linger is set and has passed.
   */
  public boolean closeLingerPassed(long closedAtUs, long timeUs) {
    return closeLingerUs != NO_CLOSE_LINGER_LIMIT && timeUs - closedAtUs > closeLingerUs;
  }

  public FlowRules withIdleTimeoutUs(long v) {
    return new FlowRules(v, activeTimeoutUs, closeLingerUs, retainPackets);
  }

  public FlowRules withActiveTimeoutUs(long v) {
    return new FlowRules(idleTimeoutUs, v, closeLingerUs, retainPackets);
  }

  /** These rules with a close linger of {@code v} µs ({@link #NO_CLOSE_LINGER_LIMIT} for none). */
  public FlowRules withCloseLingerUs(long v) {
    return new FlowRules(idleTimeoutUs, activeTimeoutUs, v, retainPackets);
  }

  public FlowRules withRetainPackets(boolean v) {
    return new FlowRules(idleTimeoutUs, activeTimeoutUs, closeLingerUs, v);
  }

  /**
   * The rules in the words of the options that set them, for messages such as the refusal to resume
   * flows carried with other rules: {@code FlowRules[idle timeout 300 s, active timeout off, close
   * linger none, packets not retained]}.
   */
  @Override
  public String toString() {
    return "FlowRules[idle timeout "
        + seconds(idleTimeoutUs)
        + ", active timeout "
        + (activeTimeoutUs == 0 ? "off" : seconds(activeTimeoutUs))
        + ", close linger "
        + (closeLingerUs == NO_CLOSE_LINGER_LIMIT ? "none" : seconds(closeLingerUs))
        + ", packets "
        + (retainPackets ? "retained" : "not retained")
        + "]";
  }

  private static String seconds(long us) {
    return BigDecimal.valueOf(us, 6).stripTrailingZeros().toPlainString() + " s";
  }
}
