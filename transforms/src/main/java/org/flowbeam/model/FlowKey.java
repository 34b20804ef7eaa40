package org.flowbeam.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The canonical bidirectional 5-tuple of a packet: both directions of a conversation map to the
 * same key.
 *
 * <p>Endpoint A is the lower of the two (address compared as unsigned bytes, IPv4 before IPv6, then
 * port); endpoint B the higher. Equal endpoints (a host talking to itself on one port) are both A
 * and B.
 *
 * <p>An ICMP packet's ports are its type and its counterpart's type or its code ({@link
 * IcmpMessages}), so a request and its reply share a key. An echo-like request or reply is also
 * keyed by its identifier ({@link #icmpId()}); every other key's identifier is 0.
 */
public final class FlowKey implements Serializable, Comparable<FlowKey> {
  private static final long serialVersionUID = 1L;

  private final byte[] ipA;
  private final int portA;
  private final byte[] ipB;
  private final int portB;
  private final int protocol;
  private final int icmpId;

  FlowKey(byte[] ipA, int portA, byte[] ipB, int portB, int protocol, int icmpId) {
    this.ipA = ipA;
    this.portA = portA;
    this.ipB = ipB;
    this.portB = portB;
    this.protocol = protocol;
    this.icmpId = icmpId;
  }

  /** The key of {@code p}'s conversation. */
  public static FlowKey of(Packet p) {
    byte[] s = p.srcIpUnsafe();
    byte[] d = p.dstIpUnsafe();
    int protocol = p.protocol();
    int icmpId = identifies(protocol, p.srcPort(), p.dstPort()) ? p.icmpIdentifier() : 0;
    if (compareEndpoints(s, p.srcPort(), d, p.dstPort()) <= 0) {
      return new FlowKey(s, p.srcPort(), d, p.dstPort(), protocol, icmpId);
    }
    return new FlowKey(d, p.dstPort(), s, p.srcPort(), protocol, icmpId);
  }

  /** True if packets of this protocol and these ports are keyed by their ICMP identifier. */
  static boolean identifies(int protocol, int port1, int port2) {
    return IcmpMessages.isIcmp(protocol)
        && IcmpMessages.isKeyedByIdentifier(protocol, port1, port2);
  }

  private static int compareEndpoints(byte[] ip1, int port1, byte[] ip2, int port2) {
    int c = IpAddresses.compare(ip1, ip2);
    return c != 0 ? c : Integer.compare(port1, port2);
  }

  public byte[] ipA() {
    return ipA.clone();
  }

  public int portA() {
    return portA;
  }

  public byte[] ipB() {
    return ipB.clone();
  }

  public int portB() {
    return portB;
  }

  public int protocol() {
    return protocol;
  }

  /**
   * The identifier of an ICMP echo (timestamp, information, address mask) conversation; 0 for every
   * other key.
   */
  public int icmpId() {
    return icmpId;
  }

  /** True if this key's packets are keyed by their ICMP identifier too. */
  public boolean hasIcmpId() {
    return identifies(protocol, portA, portB);
  }

  /** True if {@code p}, of this key's endpoints, also has its ICMP identifier (when it has one). */
  boolean hasIcmpIdOf(Packet p) {
    return !hasIcmpId() || p.icmpIdentifier() == icmpId;
  }

  byte[] ipAUnsafe() {
    return ipA;
  }

  byte[] ipBUnsafe() {
    return ipB;
  }

  /** True if {@code p} travels from endpoint A to endpoint B. */
  public boolean isAtoB(Packet p) {
    return p.srcPort() == portA && Arrays.equals(p.srcIpUnsafe(), ipA);
  }

  /** True if {@code p} travels from endpoint B to endpoint A. */
  public boolean isBtoA(Packet p) {
    return p.srcPort() == portB && Arrays.equals(p.srcIpUnsafe(), ipB);
  }

  @Override
  public int compareTo(FlowKey o) {
    int c = compareEndpoints(ipA, portA, o.ipA, o.portA);
    if (c != 0) {
      return c;
    }
    c = compareEndpoints(ipB, portB, o.ipB, o.portB);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(protocol, o.protocol);
    return c != 0 ? c : Integer.compare(icmpId, o.icmpId);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FlowKey)) {
      return false;
    }
    FlowKey k = (FlowKey) o;
    return portA == k.portA
        && portB == k.portB
        && protocol == k.protocol
        && icmpId == k.icmpId
        && Arrays.equals(ipA, k.ipA)
        && Arrays.equals(ipB, k.ipB);
  }

  @Override
  public int hashCode() {
    int h = Arrays.hashCode(ipA);
    h = 31 * h + portA;
    h = 31 * h + Arrays.hashCode(ipB);
    h = 31 * h + portB;
    h = 31 * h + protocol;
    return 31 * h + icmpId;
  }

  /**
   * {@code ipA:portA-ipB:portB/protocol}, and {@code #icmpId} for a key with an ICMP identifier;
   * IPv6 addresses in brackets. Flow ids hash it.
   */
  @Override
  public String toString() {
    String text = endpoint(ipA, portA) + "-" + endpoint(ipB, portB) + "/" + protocol;
    return hasIcmpId() ? text + "#" + icmpId : text;
  }

  private static String endpoint(byte[] ip, int port) {
    String text = IpAddresses.format(ip);
    return (ip.length == 16 ? "[" + text + "]" : text) + ":" + port;
  }
}
