package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.io.pcap.CaptureSummary;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.transforms.PacketTotals;

/**
 * The stage that writes a run's {@code manifest.json} from its totals (see {@link
 * WriteManifestFn}). The names of the totals are the manifest's {@code counts} keys.
 */
final class RunManifest extends PTransform<PBegin, PCollection<String>> {
  static final String RECORDS_READ = "records_read";
  static final String PACKETS = "packets";
  static final String REJECTED = "rejected";
  static final String TCP_PACKETS = "tcp_packets";
  static final String UDP_PACKETS = "udp_packets";

  /** ICMP and ICMPv6 packets. */
  static final String ICMP_PACKETS = "icmp_packets";

  /**
   * Packets of the protocols that make flows ({@code --protocols}): each is in exactly one flow.
   */
  static final String FLOW_PROTOCOL_PACKETS = "flow_protocol_packets";

  static final String FLOWS = "flows";
  static final String PACKETS_IN_FLOWS = "packets_in_flows";
  static final String IP_ADDRESSES = "ip_addresses";

  /** Packets of the flows a run of a series resumed from the previous run (--incremental). */
  static final String CARRIED_IN_PACKETS = "carried_in_packets";

  /** Packets of the flows a run of a series carries to the next, not yet in any written flow. */
  static final String CARRIED_OUT_PACKETS = "carried_out_packets";

  static final String NON_IP_FRAMES = "non_ip_frames";

  /** Packets the filter options left out (all reasons), and per reason {@code filtered_time}... */
  static final String FILTERED = "filtered";

  /** Duplicate frames left out by {@code --dedupWindow}. */
  static final String DUPLICATES = "duplicates";

  /** The counts {@link #filteredCounts} gives: all packets left out, then per reason. */
  static final List<String> FILTERED_COUNTS = filteredCountNames();

  static final String TIME_START = "time_start";
  static final String TIME_END = "time_end";

  /** The counts {@link #packetCounts} gives, from the packet totals. */
  static final List<String> PACKET_COUNTS =
      List.of(PACKETS, TCP_PACKETS, UDP_PACKETS, ICMP_PACKETS, FLOW_PROTOCOL_PACKETS);

  /** The counts {@link #flowCounts} gives: over all flows, then per protocol. */
  static final List<String> FLOW_COUNTS = flowCountNames();

  static final List<String> COUNT_ORDER = countOrder();

  private static List<String> flowCountNames() {
    List<String> names = new ArrayList<>(List.of(FLOWS, PACKETS_IN_FLOWS));
    for (FlowProtocol p : FlowProtocol.values()) {
      names.add(flowsOf(p));
      names.add(packetsInFlowsOf(p));
    }
    return List.copyOf(names);
  }

  private static List<String> filteredCountNames() {
    List<String> names = new ArrayList<>(List.of(DUPLICATES, FILTERED));
    for (PacketFilter.Reason r : PacketFilter.Reason.values()) {
      names.add(filteredBy(r.label()));
    }
    return List.copyOf(names);
  }

  /** The count of packets left out for {@code reason}: {@code filtered_time}, ... */
  static String filteredBy(String reason) {
    return FILTERED + "_" + reason;
  }

  /** The {@link #FILTERED_COUNTS} of one {@code KV(reason, packets)} of the reading step. */
  static Map<String, Long> filteredCounts(KV<String, Long> byReason) {
    if (byReason.getKey().equals(PacketFilter.DUPLICATE)) {
      return Map.of(DUPLICATES, byReason.getValue());
    }
    return Map.of(
        FILTERED, byReason.getValue(), filteredBy(byReason.getKey()), byReason.getValue());
  }

  private static List<String> countOrder() {
    List<String> order = new ArrayList<>(List.of(RECORDS_READ));
    order.add(PACKETS);
    order.add(REJECTED);
    order.add(NON_IP_FRAMES);
    order.addAll(FILTERED_COUNTS);
    order.addAll(PACKET_COUNTS.subList(1, PACKET_COUNTS.size()));
    order.addAll(FLOW_COUNTS);
    order.addAll(List.of(CARRIED_IN_PACKETS, CARRIED_OUT_PACKETS, IP_ADDRESSES));
    return List.copyOf(order);
  }

  /** The count of {@code protocol}'s packets: {@code tcp_packets}, {@code udp_packets}, ... */
  static String packetsOf(FlowProtocol protocol) {
    return protocol.label() + "_packets";
  }

  /** The count of {@code protocol}'s flows: {@code tcp_flows}, ... */
  static String flowsOf(FlowProtocol protocol) {
    return protocol.label() + "_flows";
  }

  /** The count of the packets in {@code protocol}'s flows: {@code tcp_packets_in_flows}, ... */
  static String packetsInFlowsOf(FlowProtocol protocol) {
    return protocol.label() + "_packets_in_flows";
  }

  /** The {@link #PACKET_COUNTS} of a run's packet totals, making flows of {@code flowProtocols}. */
  static Map<String, Long> packetCounts(PacketTotals t, Set<FlowProtocol> flowProtocols) {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put(PACKETS, t.packets());
    for (FlowProtocol p : FlowProtocol.values()) {
      counts.put(packetsOf(p), t.packetsOf(p));
    }
    counts.put(FLOW_PROTOCOL_PACKETS, t.packetsOf(flowProtocols));
    return counts;
  }

  /** The {@link #FLOW_COUNTS} one flow adds. */
  static Map<String, Long> flowCounts(FlowRecord f) {
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put(FLOWS, 1L);
    counts.put(PACKETS_IN_FLOWS, f.packetCount());
    FlowProtocol p = FlowProtocol.of(f.protocol());
    if (p != null) {
      counts.put(flowsOf(p), 1L);
      counts.put(packetsInFlowsOf(p), f.packetCount());
    }
    return counts;
  }

  private final String outputDir;
  private final LinkedHashMap<String, Object> head;
  private final Set<FlowProtocol> flowProtocols;
  private final PCollection<KV<String, Long>> counts;
  private final PCollection<KV<String, Long>> recordsRead;
  private final PCollection<KV<String, Long>> nonIpCounts;
  private final PCollection<KV<String, CaptureSummary>> captureSummaries;
  private final PCollection<String> timeArcsKeys;

  RunManifest(
      String outputDir,
      Map<String, Object> head,
      Set<FlowProtocol> flowProtocols,
      PCollection<KV<String, Long>> counts,
      PCollection<KV<String, Long>> recordsRead,
      PCollection<KV<String, Long>> nonIpCounts,
      PCollection<KV<String, CaptureSummary>> captureSummaries,
      PCollection<String> timeArcsKeys) {
    this.outputDir = outputDir;
    this.head = new LinkedHashMap<>(head);
    this.flowProtocols = flowProtocols;
    this.counts = counts;
    this.recordsRead = recordsRead;
    this.nonIpCounts = nonIpCounts;
    this.captureSummaries = captureSummaries;
    this.timeArcsKeys = timeArcsKeys;
  }

  @Override
  public PCollection<String> expand(PBegin begin) {
    PCollectionView<Map<String, Long>> countsView = counts.apply("CountsView", View.asMap());
    PCollectionView<Map<String, Long>> perFile =
        recordsRead.apply("SumPerFile", Sum.longsPerKey()).apply("PerFileView", View.asMap());
    PCollectionView<Map<String, Long>> nonIp =
        nonIpCounts.apply("SumNonIpPerType", Sum.longsPerKey()).apply("NonIpView", View.asMap());
    PCollectionView<Map<String, CaptureSummary>> captures =
        captureSummaries.apply("CapturesView", View.asMap());
    PCollectionView<List<String>> timeArcs = timeArcsKeys.apply("TimeArcsView", View.asList());
    return begin
        .apply("Once", Create.of(1L))
        .apply(
            "WriteManifest",
            ParDo.of(
                    new WriteManifestFn(
                        outputDir,
                        head,
                        flowProtocols,
                        countsView,
                        perFile,
                        nonIp,
                        captures,
                        timeArcs))
                .withSideInputs(countsView, perFile, nonIp, captures, timeArcs))
        .setCoder(StringUtf8Coder.of());
  }
}
