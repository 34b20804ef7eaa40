package org.flowbeam.pipelines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.PCollectionView;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.pcap.CaptureSummary;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.FlowProtocol;

/**
 * Writes {@code manifest.json} once every total is known: the run's static description (inputs,
 * options, versions), the {@code counts} with their reconciliations (records; every packet of a
 * flow protocol in exactly one flow, overall and per protocol, or with the carried packets in a run
 * of a series), the time range, the records read per input file and, with the TimeArcs layout, that
 * layout's keys beside FlowBeam's.
 */
final class WriteManifestFn extends DoFn<Long, String> {
  private final String outputDir;
  private final LinkedHashMap<String, Object> head;
  private final Set<FlowProtocol> flowProtocols;
  private final PCollectionView<Map<String, Long>> counts;
  private final PCollectionView<Map<String, Long>> recordsPerFile;
  private final PCollectionView<Map<String, Long>> nonIpByType;
  private final PCollectionView<Map<String, CaptureSummary>> captures;
  private final PCollectionView<List<String>> timeArcsKeys;

  WriteManifestFn(
      String outputDir,
      LinkedHashMap<String, Object> head,
      Set<FlowProtocol> flowProtocols,
      PCollectionView<Map<String, Long>> counts,
      PCollectionView<Map<String, Long>> recordsPerFile,
      PCollectionView<Map<String, Long>> nonIpByType,
      PCollectionView<Map<String, CaptureSummary>> captures,
      PCollectionView<List<String>> timeArcsKeys) {
    this.outputDir = outputDir;
    this.head = head;
    this.flowProtocols = flowProtocols;
    this.counts = counts;
    this.recordsPerFile = recordsPerFile;
    this.nonIpByType = nonIpByType;
    this.captures = captures;
    this.timeArcsKeys = timeArcsKeys;
  }

  @ProcessElement
  public void process(ProcessContext c) throws IOException {
    Map<String, Long> totals = new TreeMap<>(c.sideInput(counts));
    Map<String, Object> manifest = new LinkedHashMap<>(head);

    List<Map<String, Object>> inputs = new ArrayList<>();
    for (Map.Entry<String, Long> e : new TreeMap<>(c.sideInput(recordsPerFile)).entrySet()) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("file", e.getKey());
      file.put("records_read", e.getValue());
      CaptureSummary capture = c.sideInput(captures).get(e.getKey());
      if (capture != null) {
        file.put("format", capture.format().name().toLowerCase(java.util.Locale.ROOT));
        file.put("link_types", new ArrayList<>(capture.linkTypes()));
        file.put("snaplen", capture.snaplen());
        file.put("packets", capture.packets());
        file.put("non_ip_frames", capture.nonIp());
        file.put("rejected", capture.errors());
        file.put("packet_bytes", capture.packetBytes());
        file.put("first_us", capture.firstMicros());
        file.put("last_us", capture.lastMicros());
      } else {
        file.put("format", "csv");
      }
      inputs.add(file);
    }
    manifest.put("input_files", inputs);

    Long start = totals.remove(RunManifest.TIME_START);
    Long end = totals.remove(RunManifest.TIME_END);
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (String name : RunManifest.COUNT_ORDER) {
      ordered.put(name, totals.getOrDefault(name, 0L));
    }
    totals.forEach(ordered::putIfAbsent);
    manifest.put("counts", ordered);
    manifest.put("non_ip_frames_by_type", new TreeMap<>(c.sideInput(nonIpByType)));

    long read = totals.getOrDefault(RunManifest.RECORDS_READ, 0L);
    long packets = totals.getOrDefault(RunManifest.PACKETS, 0L);
    long rejected = totals.getOrDefault(RunManifest.REJECTED, 0L);
    long nonIp = totals.getOrDefault(RunManifest.NON_IP_FRAMES, 0L);
    long filtered = totals.getOrDefault(RunManifest.FILTERED, 0L);
    long duplicates = totals.getOrDefault(RunManifest.DUPLICATES, 0L);
    long flowPackets = totals.getOrDefault(RunManifest.FLOW_PROTOCOL_PACKETS, 0L);
    long inFlows = totals.getOrDefault(RunManifest.PACKETS_IN_FLOWS, 0L);
    Map<String, Object> reconciliation = new LinkedHashMap<>();
    reconciliation.put(
        "records_read = packets + rejected + non_ip_frames + duplicates + filtered",
        read == packets + rejected + nonIp + duplicates + filtered);
    if (totals.containsKey(RunManifest.CARRIED_OUT_PACKETS)) {
      long carriedIn = totals.getOrDefault(RunManifest.CARRIED_IN_PACKETS, 0L);
      long carriedOut = totals.get(RunManifest.CARRIED_OUT_PACKETS);
      reconciliation.put(
          "flow_protocol_packets + carried_in_packets = packets_in_flows + carried_out_packets",
          flowPackets + carriedIn == inFlows + carriedOut);
    } else {
      reconciliation.put("flow_protocol_packets = packets_in_flows", flowPackets == inFlows);
      // Every packet of each flow protocol is in one of that protocol's flows.
      for (FlowProtocol p : flowProtocols) {
        String of = RunManifest.packetsOf(p);
        String inFlowsOf = RunManifest.packetsInFlowsOf(p);
        reconciliation.put(
            of + " = " + inFlowsOf,
            totals.getOrDefault(of, 0L).equals(totals.getOrDefault(inFlowsOf, 0L)));
      }
    }
    manifest.put("reconciliation", reconciliation);

    Map<String, Object> range = new LinkedHashMap<>();
    range.put("start", start);
    range.put("end", end);
    range.put("duration", start == null || end == null ? null : end - start);
    manifest.put("time_range", range);

    for (String json : c.sideInput(timeArcsKeys)) {
      Map<String, Object> timeArcs = ManifestWriter.parse(json);
      timeArcs.remove("time_range");
      manifest = ManifestWriter.merge(manifest, timeArcs);
    }
    ManifestWriter.write(Location.of(outputDir, c.getPipelineOptions()), manifest);
    c.output(ManifestWriter.FILE_NAME);
  }
}
