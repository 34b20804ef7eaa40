package org.flowbeam.tcp;

import java.io.Serializable;
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
 * @param closeLingerUs after a flow has closed (both FINs, or a RST), packets other than a new SYN
 *     that arrive within this time still belong to it (retransmitted FINs, final ACKs, a trailing
 *     RST), as tshark counts them
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
  public static final long DEFAULT_CLOSE_LINGER_US = 2_000_000L;

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
   * 300 s TCP and 60 s UDP and ICMP idle timeouts, no active timeout, 2 s close linger, packets not
   * retained, flows of every protocol.
   */
  public static FlowRules defaults() {
    return new FlowRules(DEFAULT_IDLE_TIMEOUT_US, 0, DEFAULT_CLOSE_LINGER_US, false);
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
}
