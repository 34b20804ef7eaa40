package org.flowbeam.generate;

import org.flowbeam.tcp.FlowRules;

/**
 * Everything that decides a generated dataset: the same config gives the same bytes.
 *
 * <pre>{@code
 * GeneratorConfig c = GeneratorConfig.builder().seed(7).maxPackets(20_000).build();
 * }</pre>
 *
 * @param seed random seed
 * @param hosts number of hosts (a tenth of them servers)
 * @param retransmitRate fraction of data segments and SYNs that are sent again (same sequence
 *     number) after a retransmission timeout
 * @param reorderRate fraction of data-phase packets exchanged with their neighbour in time
 * @param ipv6Fraction fraction of conversations over IPv6
 * @param startUs time of the first arrival, µs since the epoch
 * @param connectionsPerSecond mean rate of new conversations in simulated time
 * @param maxActive most conversations open at once (new ones are skipped meanwhile); bounds memory
 * @param maxPackets stop after this many packets
 * @param maxBytes stop once the output (before gzip) reaches this many bytes
 * @param mix the kinds of traffic
 * @param snaplen captures only: the most bytes of each frame written ({@code tcpdump -s}); the
 *     original length is kept, and the file's snaplen says it. {@value #DEFAULT_SNAPLEN} keeps
 *     every generated frame whole
 * @param elephants long connections of many packets over the background ({@link ElephantPlan#NONE}
 *     by default); their packets count in {@code maxPackets}, the rest is background
 */
public record GeneratorConfig(
    long seed,
    int hosts,
    double retransmitRate,
    double reorderRate,
    double ipv6Fraction,
    long startUs,
    double connectionsPerSecond,
    int maxActive,
    long maxPackets,
    long maxBytes,
    TrafficMix mix,
    int snaplen,
    ElephantPlan elephants) {

  /** The idle timeout the ground truth assumes: FlowBeam's default. */
  static final long IDLE_TIMEOUT_US = FlowRules.DEFAULT_IDLE_TIMEOUT_US;

  /** FlowBeam's default UDP idle timeout, by which the truth splits UDP flows. */
  static final long UDP_IDLE_TIMEOUT_US = FlowRules.DEFAULT_UDP_IDLE_TIMEOUT_US;

  /** The snaplen of a capture that keeps whole frames (and libpcap's usual default). */
  public static final int DEFAULT_SNAPLEN = 65535;

  /** Ethernet, IPv4 and TCP headers without options: every field FlowBeam reads from IPv4. */
  public static final int MIN_SNAPLEN = 54;

  /** Ethernet, IPv6 and TCP headers without options: every field FlowBeam reads from IPv6. */
  public static final int MIN_SNAPLEN_IPV6 = 74;

  /** libpcap's {@code MAXIMUM_SNAPLEN}, also the largest record FlowBeam's readers accept. */
  public static final int MAX_SNAPLEN = 262_144;

  public GeneratorConfig {
    if (hosts < 2 || hosts > Hosts.MAX_HOSTS) {
      throw new IllegalArgumentException(
          "--hosts must be 2.." + Hosts.MAX_HOSTS + ", got " + hosts);
    }
    checkFraction("--retransmitRate", retransmitRate, 0.5);
    checkFraction("--reorderRate", reorderRate, 0.5);
    checkFraction("--ipv6Fraction", ipv6Fraction, 1);
    if (startUs < 0 || startUs > 4_000_000_000_000_000L) {
      throw new IllegalArgumentException("--start must be µs since the epoch, got " + startUs);
    }
    if (!(connectionsPerSecond > 0 && connectionsPerSecond <= 1_000_000)) {
      throw new IllegalArgumentException(
          "--rate must be > 0 and <= 1000000, got " + connectionsPerSecond);
    }
    if (maxActive < 1 || maxActive > 1_000_000) {
      throw new IllegalArgumentException("--maxActive must be 1..1000000, got " + maxActive);
    }
    if (maxPackets < 1) {
      throw new IllegalArgumentException("--packets must be >= 1, got " + maxPackets);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("--size must be >= 1 byte, got " + maxBytes);
    }
    if (snaplen < MIN_SNAPLEN || snaplen > MAX_SNAPLEN) {
      throw new IllegalArgumentException(
          "--snaplen must be " + MIN_SNAPLEN + ".." + MAX_SNAPLEN + ", got " + snaplen);
    }
    if (snaplen < MIN_SNAPLEN_IPV6 && ipv6Fraction > 0) {
      // Below 74 bytes an IPv6 TCP header is cut: the reader would see no ports, flags or
      // sequence numbers, and the ground truth would be wrong.
      throw new IllegalArgumentException(
          "--snaplen="
              + snaplen
              + " cuts the TCP header of IPv6 packets (Ethernet + IPv6 + TCP = "
              + MIN_SNAPLEN_IPV6
              + " bytes): use --snaplen >= "
              + MIN_SNAPLEN_IPV6
              + " or --ipv6Fraction=0");
    }
    if (elephants == null) {
      throw new IllegalArgumentException("elephants: use ElephantPlan.NONE for none");
    }
    if (elephants.count() > 0 && maxBytes != Long.MAX_VALUE) {
      throw new IllegalArgumentException(
          "--elephants needs a packet budget (--packets), not --size: the elephants' packets are"
              + " counted exactly");
    }
    if (elephants.totalPackets() > maxPackets) {
      throw new IllegalArgumentException(
          "the elephants' "
              + elephants.totalPackets()
              + " packets exceed --packets="
              + maxPackets
              + ": give --packets="
              + elephants.totalPackets()
              + " for the elephants alone, or more for background traffic too");
    }
  }

  /** The background's packets: the packet budget less the elephants'. */
  long backgroundPackets() {
    return maxPackets - elephants.totalPackets();
  }

  private static void checkFraction(String name, double v, double max) {
    if (!(v >= 0 && v <= max)) {
      throw new IllegalArgumentException(name + " must be in [0, " + max + "], got " + v);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link GeneratorConfig}; unset fields take the defaults listed in generate.md. */
  public static final class Builder {
    private long seed = 1;
    private int hosts = 200;
    private double retransmitRate = 0.01;
    private double reorderRate = 0.01;
    private double ipv6Fraction = 0.1;
    private long startUs = 1_700_000_000_000_000L;
    private double connectionsPerSecond = 10;
    private int maxActive = 10_000;
    private long maxPackets = Long.MAX_VALUE;
    private long maxBytes = Long.MAX_VALUE;
    private TrafficMix mix = TrafficMix.realistic();
    private int snaplen = DEFAULT_SNAPLEN;
    private ElephantPlan elephants = ElephantPlan.NONE;

    private Builder() {}

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder hosts(int v) {
      hosts = v;
      return this;
    }

    public Builder retransmitRate(double v) {
      retransmitRate = v;
      return this;
    }

    public Builder reorderRate(double v) {
      reorderRate = v;
      return this;
    }

    public Builder ipv6Fraction(double v) {
      ipv6Fraction = v;
      return this;
    }

    public Builder startUs(long v) {
      startUs = v;
      return this;
    }

    public Builder connectionsPerSecond(double v) {
      connectionsPerSecond = v;
      return this;
    }

    public Builder maxActive(int v) {
      maxActive = v;
      return this;
    }

    public Builder maxPackets(long v) {
      maxPackets = v;
      return this;
    }

    public Builder maxBytes(long v) {
      maxBytes = v;
      return this;
    }

    public Builder mix(TrafficMix v) {
      mix = v;
      return this;
    }

    public Builder snaplen(int v) {
      snaplen = v;
      return this;
    }

    public Builder elephants(ElephantPlan v) {
      elephants = v;
      return this;
    }

    public GeneratorConfig build() {
      return new GeneratorConfig(
          seed,
          hosts,
          retransmitRate,
          reorderRate,
          ipv6Fraction,
          startUs,
          connectionsPerSecond,
          maxActive,
          maxPackets,
          maxBytes,
          mix,
          snaplen,
          elephants);
    }
  }
}
