package org.flowbeam.transforms;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowRecordCoder;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.tcp.EndOfDataRule;
import org.flowbeam.tcp.FlowRules;

/**
 * Turns packets into TCP flow records: keys each TCP packet by its canonical bidirectional
 * 5-tuple, assembles each key's flows in event-time order with the TCP state machine ({@link
 * AssembleFlowsFn}), then names the close reason of flows still open at the end of the data
 * ({@link EndOfDataRule}, against the newest packet of the whole input). Non-TCP packets make no
 * flows.
 *
 * <pre>{@code
 * PCollection<FlowRecord> flows =
 *     packets.apply(AssembleFlows.withRules(FlowRules.defaults().withIdleTimeoutUs(60_000_000)));
 * }</pre>
 */
public final class AssembleFlows extends PTransform<PCollection<Packet>, PCollection<FlowRecord>> {
  private final FlowRules rules;

  private AssembleFlows(FlowRules rules) {
    this.rules = rules;
  }

  /** Assembles flows with the default rules (300 s idle timeout, no active timeout). */
  public static AssembleFlows create() {
    return new AssembleFlows(FlowRules.defaults());
  }

  public static AssembleFlows withRules(FlowRules rules) {
    return new AssembleFlows(rules);
  }

  public FlowRules rules() {
    return rules;
  }

  @Override
  public PCollection<FlowRecord> expand(PCollection<Packet> packets) {
    PCollectionView<Long> datasetEnd =
        packets
            .apply(
                "PacketTimes",
                MapElements.into(TypeDescriptor.of(Long.class)).via(Packet::timestampMicros))
            .apply("DatasetEnd", Combine.globally(Max.ofLongs()).asSingletonView());
    return packets
        .apply("TcpOnly", Filter.by(Packet::isTcp))
        .apply(
            "KeyBy5Tuple",
            MapElements.via(
                new org.apache.beam.sdk.transforms.SimpleFunction<Packet, KV<FlowKey, Packet>>() {
                  @Override
                  public KV<FlowKey, Packet> apply(Packet p) {
                    return KV.of(FlowKey.of(p), p);
                  }
                }))
        .setCoder(KvCoder.of(FlowKeyCoder.of(), PacketCoder.of()))
        .apply("AssembleByKey", ParDo.of(new AssembleFlowsFn(rules)))
        .setCoder(FlowRecordCoder.of())
        .apply(
            "NameEndOfData",
            ParDo.of(new NameEndOfDataFn(rules.idleTimeoutUs(), datasetEnd))
                .withSideInputs(datasetEnd))
        .setCoder(FlowRecordCoder.of());
  }

  /** Applies {@link EndOfDataRule} with the dataset's newest packet time as side input. */
  private static final class NameEndOfDataFn extends DoFn<FlowRecord, FlowRecord> {
    private final long idleTimeoutUs;
    private final PCollectionView<Long> datasetEnd;

    NameEndOfDataFn(long idleTimeoutUs, PCollectionView<Long> datasetEnd) {
      this.idleTimeoutUs = idleTimeoutUs;
      this.datasetEnd = datasetEnd;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(EndOfDataRule.apply(c.element(), c.sideInput(datasetEnd), idleTimeoutUs));
    }
  }
}
