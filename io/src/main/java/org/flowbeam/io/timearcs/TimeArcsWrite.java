package org.flowbeam.io.timearcs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;

/**
 * Writes the TimeArcs v2.0 chunked layout from a pipeline: gathers every flow and packet to one
 * worker (as list side inputs of a single-element {@code ParDo}) and runs {@link
 * TimeArcsLayoutWriter} there.
 *
 * <p>Frames without an IP packet, given on the optional {@link #NON_IP_FRAMES} input, count in the
 * layout's {@code total_packets}, as the TimeArcs loader counts every row of its CSV.
 *
 * <p>The layout is for the browser viewer, so its data must fit one worker's memory: use it on
 * viewer-sized datasets. The flows must have been assembled with packet retention on, or their
 * chunks hold no packets or phases. The directory is a local path (on a cluster, one that the
 * writing worker and the reader share) or an HDFS URI ({@link Location}). The output is one
 * element, the TimeArcs manifest keys as a JSON object ({@link ManifestWriter#parse} turns it back
 * into a map), for a pipeline that writes one manifest merging them with its own keys; switch the
 * layout's own manifest off with {@link TimeArcsOptions#withWriteManifest}.
 *
 * <pre>{@code
 * PCollection<String> timeArcsKeys =
 *     TimeArcsWrite.inputOf(flows, packets)
 *         .apply("WriteTimeArcs", FlowSinks.timeArcs(dir, TimeArcsOptions.defaults()));
 * }</pre>
 */
public final class TimeArcsWrite extends PTransform<PCollectionTuple, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** The flows, with retained packets. */
  public static final TupleTag<FlowRecord> FLOWS = new TupleTag<FlowRecord>() {};

  /** Every packet of the dataset. */
  public static final TupleTag<Packet> PACKETS = new TupleTag<Packet>() {};

  /**
   * Optional: frames without an IP packet, by type (a read's {@code getNonIpCounts()}); they count
   * in the layout's {@code total_packets}.
   */
  public static final TupleTag<KV<String, Long>> NON_IP_FRAMES =
      new TupleTag<KV<String, Long>>() {};

  private final String layoutDir;
  private final TimeArcsOptions options;

  private TimeArcsWrite(String layoutDir, TimeArcsOptions options) {
    if (layoutDir == null || layoutDir.isEmpty()) {
      throw new IllegalArgumentException("TimeArcs layout directory is required");
    }
    this.layoutDir = layoutDir;
    this.options = options;
  }

  /** The input tuple of this transform: the flows (with retained packets) and every packet. */
  public static PCollectionTuple inputOf(
      PCollection<FlowRecord> flows, PCollection<Packet> packets) {
    return PCollectionTuple.of(FLOWS, flows).and(PACKETS, packets);
  }

  /** Writes into local directory {@code layoutDir} with {@code options}. */
  public static TimeArcsWrite to(String layoutDir, TimeArcsOptions options) {
    return new TimeArcsWrite(layoutDir, options);
  }

  @Override
  public PCollection<String> expand(PCollectionTuple input) {
    if (!input.has(FLOWS) || !input.has(PACKETS)) {
      throw new IllegalArgumentException(
          "TimeArcsWrite needs a tuple with TimeArcsWrite.FLOWS and TimeArcsWrite.PACKETS");
    }
    PCollectionView<List<FlowRecord>> flows = input.get(FLOWS).apply("FlowsAsList", View.asList());
    PCollectionView<List<Packet>> packets =
        input.get(PACKETS).apply("PacketsAsList", View.asList());
    PCollection<KV<String, Long>> nonIpCounts =
        input.has(NON_IP_FRAMES)
            ? input.get(NON_IP_FRAMES)
            : input
                .getPipeline()
                .apply(
                    "NoNonIpFrames",
                    Create.empty(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    PCollectionView<Long> nonIp =
        nonIpCounts
            .apply("NonIpCounts", Values.create())
            .apply("SumNonIp", Sum.longsGlobally())
            .apply("NonIpView", View.asSingleton());
    return input
        .getPipeline()
        .apply("LayoutDir", Create.of(layoutDir).withCoder(StringUtf8Coder.of()))
        .apply(
            "WriteLayout",
            ParDo.of(new WriteLayoutFn(options, flows, packets, nonIp))
                .withSideInputs(flows, packets, nonIp))
        .setCoder(StringUtf8Coder.of());
  }

  /** Runs {@link TimeArcsLayoutWriter} on the gathered flows and packets. */
  private static final class WriteLayoutFn extends DoFn<String, String> {
    private final TimeArcsOptions options;
    private final PCollectionView<List<FlowRecord>> flowsView;
    private final PCollectionView<List<Packet>> packetsView;
    private final PCollectionView<Long> nonIpView;
    private final Counter flowsWritten = Metrics.counter(WriteLayoutFn.class, "flows");
    private final Counter packetsWritten = Metrics.counter(WriteLayoutFn.class, "packets");

    WriteLayoutFn(
        TimeArcsOptions options,
        PCollectionView<List<FlowRecord>> flowsView,
        PCollectionView<List<Packet>> packetsView,
        PCollectionView<Long> nonIpView) {
      this.options = options;
      this.flowsView = flowsView;
      this.packetsView = packetsView;
      this.nonIpView = nonIpView;
    }

    @ProcessElement
    public void processElement(ProcessContext c) throws IOException {
      List<FlowRecord> flows = c.sideInput(flowsView);
      List<Packet> packets = c.sideInput(packetsView);
      long nonIp = c.sideInput(nonIpView);
      Location dir = Location.of(c.element(), c.getPipelineOptions());
      Map<String, Object> keys =
          new TimeArcsLayoutWriter(options).write(dir, flows, packets, nonIp);
      flowsWritten.inc(flows.size());
      packetsWritten.inc(packets.size());
      c.output(ManifestWriter.toJson(keys));
    }
  }
}
