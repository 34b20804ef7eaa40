package org.flowbeam.model;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The transport protocols whose packets FlowBeam assembles into flows. Packets of other protocols
 * (GRE, ESP, SCTP, ...) count in the statistics only.
 *
 * <p>{@link #ICMP} covers ICMP over IPv4 (protocol 1) and ICMPv6 (58): one option, as Zeek's {@code
 * icmp} connections and Community ID treat both.
 *
 * <pre>{@code
 * FlowProtocol.of(IpProtocol.UDP); // UDP
 * FlowProtocol.covers(EnumSet.of(FlowProtocol.TCP), IpProtocol.UDP); // false
 * }</pre>
 */
public enum FlowProtocol {
  TCP,
  UDP,
  ICMP;

  /** Every flow protocol: the default of {@code --protocols}. */
  public static final Set<FlowProtocol> ALL = setOf(EnumSet.allOf(FlowProtocol.class));

  /** An unmodifiable copy of {@code protocols} that iterates in declaration order. */
  public static Set<FlowProtocol> setOf(Collection<FlowProtocol> protocols) {
    EnumSet<FlowProtocol> set = EnumSet.noneOf(FlowProtocol.class);
    set.addAll(protocols);
    return Collections.unmodifiableSet(set);
  }

  /** The flow protocol of IP protocol number {@code ipProtocol}, or null if it makes no flows. */
  public static FlowProtocol of(int ipProtocol) {
    switch (ipProtocol) {
      case IpProtocol.TCP:
        return TCP;
      case IpProtocol.UDP:
        return UDP;
      case IpProtocol.ICMP:
      case IpProtocol.ICMPV6:
        return ICMP;
      default:
        return null;
    }
  }

  /** True if packets of IP protocol {@code ipProtocol} make flows under {@code protocols}. */
  public static boolean covers(Set<FlowProtocol> protocols, int ipProtocol) {
    FlowProtocol p = of(ipProtocol);
    return p != null && protocols.contains(p);
  }

  /** The lower-case name used on the command line and in the manifest ({@code udp}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A set of flow protocols as a bit mask (bit {@link #ordinal()}), for compact state. */
  public static int toMask(Set<FlowProtocol> protocols) {
    int mask = 0;
    for (FlowProtocol p : protocols) {
      mask |= 1 << p.ordinal();
    }
    return mask;
  }

  /**
   * The set a {@link #toMask} value names.
   *
   * @throws IllegalArgumentException if {@code mask} has a bit that names no protocol
   */
  public static Set<FlowProtocol> fromMask(int mask) {
    if ((mask & ~((1 << values().length) - 1)) != 0) {
      throw new IllegalArgumentException("no flow protocols of mask " + mask);
    }
    EnumSet<FlowProtocol> set = EnumSet.noneOf(FlowProtocol.class);
    for (FlowProtocol p : values()) {
      if ((mask & (1 << p.ordinal())) != 0) {
        set.add(p);
      }
    }
    return setOf(set);
  }
}
