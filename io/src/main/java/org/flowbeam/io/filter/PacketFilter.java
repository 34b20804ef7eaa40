package org.flowbeam.io.filter;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;

/**
 * Which packets a job keeps, decided in the reading step before anything is shuffled: a time range,
 * IP protocols, address blocks and ports. Each criterion left out keeps every packet; a packet is
 * kept if it passes all of them. A packet that fails is counted under the first criterion it fails,
 * in the order of {@link Reason}, so that the counts add up to the packets left out.
 *
 * <pre>{@code
 * PacketFilter f = PacketFilter.all()
 *     .withAddresses(List.of(AddressBlock.parse("10.0.0.0/8")))
 *     .withPorts(PortRanges.parse("80,443"));
 * f.rejects(packet); // null if kept, else the Reason
 * }</pre>
 */
public final class PacketFilter implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Why a packet was left out; its {@code label} is the manifest's key. */
  public enum Reason {
    /** Before {@code --from} or at or after {@code --to}. */
    TIME("time"),
    /** Its IP protocol is not one of {@code --filterProtocols}. */
    PROTOCOL("protocol"),
    /** Neither address is in a block of {@code --filterAddresses}. */
    ADDRESS("address"),
    /** Not TCP or UDP, or neither port is one of {@code --filterPorts}. */
    PORT("port");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * The label under which the reading step counts duplicate frames ({@link #dedupWindow()}), beside
   * the {@link Reason} labels.
   */
  public static final String DUPLICATE = "duplicate";

  private static final PacketFilter ALL =
      new PacketFilter(Long.MIN_VALUE, Long.MAX_VALUE, null, List.of(), null, 0);

  private final long fromUs;
  private final long toUs;
  private final @Nullable BitSet protocols;
  private final List<AddressBlock> addresses;
  private final @Nullable PortRanges ports;
  private final int dedupWindow;

  private PacketFilter(
      long fromUs,
      long toUs,
      @Nullable BitSet protocols,
      List<AddressBlock> addresses,
      @Nullable PortRanges ports,
      int dedupWindow) {
    this.fromUs = fromUs;
    this.toUs = toUs;
    this.protocols = protocols;
    this.addresses = List.copyOf(addresses);
    this.ports = ports;
    this.dedupWindow = dedupWindow;
  }

  /** The filter that keeps every packet. */
  public static PacketFilter all() {
    return ALL;
  }

  /**
   * Keeps packets captured at or after {@code fromUs} and before {@code toUs} (microseconds since
   * the epoch; {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE} for no bound).
   *
   * @throws IllegalArgumentException if the range is empty
   */
  public PacketFilter withTimeRange(long fromUs, long toUs) {
    if (fromUs >= toUs) {
      throw new IllegalArgumentException("the time range is empty: --from must be before --to");
    }
    return new PacketFilter(fromUs, toUs, protocols, addresses, ports, dedupWindow);
  }

  /** Keeps packets whose IP protocol number is one of {@code numbers} (0 to 255). */
  public PacketFilter withProtocols(List<Integer> numbers) {
    BitSet set = new BitSet(256);
    for (int n : numbers) {
      if (n < 0 || n > 255) {
        throw new IllegalArgumentException("IP protocol numbers are 0 to 255, got " + n);
      }
      set.set(n);
    }
    return new PacketFilter(fromUs, toUs, set, addresses, ports, dedupWindow);
  }

  /** Keeps packets whose source or destination address is in one of {@code blocks}. */
  public PacketFilter withAddresses(List<AddressBlock> blocks) {
    return new PacketFilter(fromUs, toUs, protocols, new ArrayList<>(blocks), ports, dedupWindow);
  }

  /**
   * Keeps TCP and UDP packets whose source or destination port is in {@code ranges} (other
   * protocols have no ports and are left out, as tcpdump's {@code port} does).
   */
  public PacketFilter withPorts(PortRanges ranges) {
    return new PacketFilter(fromUs, toUs, protocols, addresses, ranges, dedupWindow);
  }

  /**
   * Leaves out duplicate frames as {@code editcap -D window} does ({@link DuplicateWindow}), before
   * the other criteria and whatever they say; 0 keeps duplicates.
   */
  public PacketFilter withDedupWindow(int window) {
    if (window != 0) {
      DuplicateWindow.checkWindow(window);
    }
    return new PacketFilter(fromUs, toUs, protocols, addresses, ports, window);
  }

  /** The duplicate window ({@link #withDedupWindow}), 0 if duplicates are kept. */
  public int dedupWindow() {
    return dedupWindow;
  }

  /** True if this filter keeps every packet. */
  public boolean keepsAll() {
    return dedupWindow == 0
        && fromUs == Long.MIN_VALUE
        && toUs == Long.MAX_VALUE
        && protocols == null
        && addresses.isEmpty()
        && ports == null;
  }

  /** Null if {@code p} is kept, else the first criterion it fails. */
  public @Nullable Reason rejects(Packet p) {
    long t = p.timestampMicros();
    if (t < fromUs || t >= toUs) {
      return Reason.TIME;
    }
    if (protocols != null && !protocols.get(p.protocol())) {
      return Reason.PROTOCOL;
    }
    if (!addresses.isEmpty() && !inAnyBlock(p)) {
      return Reason.ADDRESS;
    }
    if (ports != null) {
      boolean hasPorts = p.protocol() == IpProtocol.TCP || p.protocol() == IpProtocol.UDP;
      if (!hasPorts || !(ports.contains(p.srcPort()) || ports.contains(p.dstPort()))) {
        return Reason.PORT;
      }
    }
    return null;
  }

  private boolean inAnyBlock(Packet p) {
    byte[] src = p.srcIp();
    byte[] dst = p.dstIp();
    for (AddressBlock b : addresses) {
      if (b.contains(src) || b.contains(dst)) {
        return true;
      }
    }
    return false;
  }

  /** The criteria, for the manifest and messages: {@code from=... protocols=... }. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (fromUs != Long.MIN_VALUE) {
      parts.add("from_us=" + fromUs);
    }
    if (toUs != Long.MAX_VALUE) {
      parts.add("to_us=" + toUs);
    }
    if (protocols != null) {
      parts.add("protocols=" + protocols);
    }
    if (!addresses.isEmpty()) {
      parts.add("addresses=" + addresses);
    }
    if (ports != null) {
      parts.add("ports=" + ports);
    }
    if (dedupWindow != 0) {
      parts.add("dedup_window=" + dedupWindow);
    }
    return parts.isEmpty() ? "all" : String.join(" ", parts);
  }
}
