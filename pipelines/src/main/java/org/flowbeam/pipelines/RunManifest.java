package org.flowbeam.pipelines;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.flowbeam.io.pcap.CaptureSummary;

/**
 * The stage that writes a run's {@code manifest.json} from its totals (see {@link
 * WriteManifestFn}). The names of the totals are the manifest's {@code counts} keys.
 */
final class RunManifest extends PTransform<PBegin, PCollection<String>> {
  static final String RECORDS_READ = "records_read";
  static final String PACKETS = "packets";
  static final String REJECTED = "rejected";
  static final String TCP_PACKETS = "tcp_packets";
  static final String FLOWS = "flows";
  static final String PACKETS_IN_FLOWS = "packets_in_flows";
  static final String IP_ADDRESSES = "ip_addresses";

  /** Packets of the flows a run of a series resumed from the previous run (--incremental). */
  static final String CARRIED_IN_PACKETS = "carried_in_packets";

  /** Packets of the flows a run of a series carries to the next, not yet in any written flow. */
  static final String CARRIED_OUT_PACKETS = "carried_out_packets";

  static final String NON_IP_FRAMES = "non_ip_frames";
  static final String TIME_START = "time_start";
  static final String TIME_END = "time_end";
  static final List<String> COUNT_ORDER =
      List.of(
          RECORDS_READ,
          PACKETS,
          REJECTED,
          NON_IP_FRAMES,
          TCP_PACKETS,
          FLOWS,
          PACKETS_IN_FLOWS,
          CARRIED_IN_PACKETS,
          CARRIED_OUT_PACKETS,
          IP_ADDRESSES);

  private final String outputDir;
  private final LinkedHashMap<String, Object> head;
  private final PCollection<KV<String, Long>> counts;
  private final PCollection<KV<String, Long>> recordsRead;
  private final PCollection<KV<String, Long>> nonIpCounts;
  private final PCollection<KV<String, CaptureSummary>> captureSummaries;
  private final PCollection<String> timeArcsKeys;

  RunManifest(
      String outputDir,
      Map<String, Object> head,
      PCollection<KV<String, Long>> counts,
      PCollection<KV<String, Long>> recordsRead,
      PCollection<KV<String, Long>> nonIpCounts,
      PCollection<KV<String, CaptureSummary>> captureSummaries,
      PCollection<String> timeArcsKeys) {
    this.outputDir = outputDir;
    this.head = new LinkedHashMap<>(head);
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
                        outputDir, head, countsView, perFile, nonIp, captures, timeArcs))
                .withSideInputs(countsView, perFile, nonIp, captures, timeArcs))
        .setCoder(StringUtf8Coder.of());
  }
}
