package org.flowbeam.tcp;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Set;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.IpProtocol;

/**
 * The settings that decide which packets make flows and where one flow ends and the next begins on
 * a 5-tuple.
 *
 * @param idleTimeoutUs a gap longer than this between two packets of a TCP flow ends it ({@code
 *     idle_timeout}); the packets after the gap form a continuation flow
 * @param activeTimeoutUs when positive, a flow (of any protocol) longer than this is split ({@code
 *     active_timeout}), as NetFlow does; 0 turns it off
 * @param closeLingerUs how long after a TCP flow has closed (both FINs, or a RST) packets other
 *     than a new connection's SYN still belong to it; a packet that comes later starts a flow of
 *     its own (an "appendix" flow, {@code invalid} / {@code incomplete_no_syn}). {@link
 *     #NO_CLOSE_LINGER_LIMIT}, the default, sets no limit: such packets (retransmitted FINs, final
 *     ACKs, a RST seconds later) join the closed flow until the idle timeout, as they join the
 *     closed connection's stream in tshark
 * @param retainPackets whether TCP flow records keep their packets (for the TimeArcs layout)
 * @param udpIdleTimeoutUs a gap longer than this between two packets of a UDP flow ends it ({@code
 *     idle_timeout}); Zeek's default is 60 s
 * @param icmpIdleTimeoutUs likewise for ICMP and ICMPv6 flows; Zeek's default is 60 s
 * @param protocols the protocols whose packets make flows; packets of the others count in the
 *     statistics only
 */
public record FlowRules(
    long idleTimeoutUs,
    long activeTimeoutUs,
    long closeLingerUs,
    boolean retainPackets,
    long udpIdleTimeoutUs,
    long icmpIdleTimeoutUs,
    Set<FlowProtocol> protocols)
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

  /** Zeek's {@code udp_inactivity_timeout}. */
  public static final long DEFAULT_UDP_IDLE_TIMEOUT_US = 60_000_000L;

  /** Zeek's {@code icmp_inactivity_timeout}. */
  public static final long DEFAULT_ICMP_IDLE_TIMEOUT_US = 60_000_000L;

  public FlowRules {
    checkIdle("idle timeout", idleTimeoutUs);
    checkIdle("UDP idle timeout", udpIdleTimeoutUs);
    checkIdle("ICMP idle timeout", icmpIdleTimeoutUs);
    if (activeTimeoutUs < 0) {
      throw new IllegalArgumentException("active timeout must be >= 0, got " + activeTimeoutUs);
    }
    if (closeLingerUs < 0) {
      throw new IllegalArgumentException("close linger must be >= 0, got " + closeLingerUs);
    }
    if (protocols == null || protocols.isEmpty()) {
      throw new IllegalArgumentException("flows need at least one protocol");
    }
    protocols = FlowProtocol.setOf(protocols);
  }

  /**
   * TCP rules with the UDP and ICMP defaults: 60 s idle timeouts, flows of every protocol ({@link
   * FlowProtocol#ALL}).
   */
  public FlowRules(
      long idleTimeoutUs, long activeTimeoutUs, long closeLingerUs, boolean retainPackets) {
    this(
        idleTimeoutUs,
        activeTimeoutUs,
        closeLingerUs,
        retainPackets,
        DEFAULT_UDP_IDLE_TIMEOUT_US,
        DEFAULT_ICMP_IDLE_TIMEOUT_US,
        FlowProtocol.ALL);
  }

  private static void checkIdle(String name, long us) {
    if (us <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + us);
    }
  }

  /**
   * 300 s TCP and 60 s UDP and ICMP idle timeouts, no active timeout, no close linger limit,
   * packets not retained, flows of every protocol.
   */
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

  /**
   * The idle timeout of flows of IP protocol {@code ipProtocol}: {@link #udpIdleTimeoutUs} for UDP,
   * {@link #icmpIdleTimeoutUs} for ICMP and ICMPv6, {@link #idleTimeoutUs} for TCP (and any other).
   */
  public long idleTimeoutUs(int ipProtocol) {
    switch (ipProtocol) {
      case IpProtocol.UDP:
        return udpIdleTimeoutUs;
      case IpProtocol.ICMP:
      case IpProtocol.ICMPV6:
        return icmpIdleTimeoutUs;
      default:
        return idleTimeoutUs;
    }
  }

  /** True if packets of IP protocol {@code ipProtocol} make flows under these rules. */
  public boolean makesFlows(int ipProtocol) {
    return FlowProtocol.covers(protocols, ipProtocol);
  }

  public FlowRules withIdleTimeoutUs(long v) {
    return new FlowRules(
        v,
        activeTimeoutUs,
        closeLingerUs,
        retainPackets,
        udpIdleTimeoutUs,
        icmpIdleTimeoutUs,
        protocols);
  }

  public FlowRules withActiveTimeoutUs(long v) {
    return new FlowRules(
        idleTimeoutUs,
        v,
        closeLingerUs,
        retainPackets,
        udpIdleTimeoutUs,
        icmpIdleTimeoutUs,
        protocols);
  }

  /** These rules with a close linger of {@code v} µs ({@link #NO_CLOSE_LINGER_LIMIT} for none). */
  public FlowRules withCloseLingerUs(long v) {
    return new FlowRules(
        idleTimeoutUs,
        activeTimeoutUs,
        v,
        retainPackets,
        udpIdleTimeoutUs,
        icmpIdleTimeoutUs,
        protocols);
  }

  public FlowRules withRetainPackets(boolean v) {
    return new FlowRules(
        idleTimeoutUs,
        activeTimeoutUs,
        closeLingerUs,
        v,
        udpIdleTimeoutUs,
        icmpIdleTimeoutUs,
        protocols);
  }

  public FlowRules withUdpIdleTimeoutUs(long v) {
    return new FlowRules(
        idleTimeoutUs,
        activeTimeoutUs,
        closeLingerUs,
        retainPackets,
        v,
        icmpIdleTimeoutUs,
        protocols);
  }

  public FlowRules withIcmpIdleTimeoutUs(long v) {
    return new FlowRules(
        idleTimeoutUs,
        activeTimeoutUs,
        closeLingerUs,
        retainPackets,
        udpIdleTimeoutUs,
        v,
        protocols);
  }

  /** The same rules, making flows of {@code v} only. */
  public FlowRules withProtocols(Set<FlowProtocol> v) {
    return new FlowRules(
        idleTimeoutUs,
        activeTimeoutUs,
        closeLingerUs,
        retainPackets,
        udpIdleTimeoutUs,
        icmpIdleTimeoutUs,
        v);
  }

  /**
   * The rules in the words of the options that set them, for messages such as the refusal to resume
   * flows carried with other rules: {@code FlowRules[protocols tcp,udp,icmp, idle timeout 300 s,
   * UDP idle timeout 60 s, ICMP idle timeout 60 s, active timeout off, close linger none, packets
   * not retained]}.
   */
  @Override
  public String toString() {
    return "FlowRules[protocols "
        + String.join(",", protocols.stream().map(FlowProtocol::label).toList())
        + ", idle timeout "
        + seconds(idleTimeoutUs)
        + ", UDP idle timeout "
        + seconds(udpIdleTimeoutUs)
        + ", ICMP idle timeout "
        + seconds(icmpIdleTimeoutUs)
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
