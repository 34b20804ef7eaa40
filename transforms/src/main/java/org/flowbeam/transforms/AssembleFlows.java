package org.flowbeam.transforms;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowRecordCoder;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.tcp.EndOfDataRule;
import org.flowbeam.tcp.FlowRules;

/**
 * Turns packets into TCP flow records: keys each TCP packet by its canonical bidirectional 5-tuple,
 * assembles each key's flows in event-time order with the TCP state machine ({@link
 * AssembleFlowsFn}), then names the close reason of flows still open at the end of the data ({@link
 * EndOfDataRule}, against the newest packet of the whole input). Non-TCP packets make no flows.
 *
 * <pre>{@code
 * PCollection<FlowRecord> flows =
 *     packets.apply(AssembleFlows.withRules(FlowRules.defaults().withIdleTimeoutUs(60_000_000)));
 * }</pre>
 *
 * <p>A pipeline that already digested its packets ({@link PacketDigest}) applies {@link #keyed} to
 * the digest's keyed TCP packets instead, with the dataset's last packet time from its totals.
 */
public final class AssembleFlows extends PTransform<PCollection<Packet>, PCollection<FlowRecord>> {
  private final FlowRules rules;
  private final int fragmentPackets;

  private AssembleFlows(FlowRules rules, int fragmentPackets) {
    this.rules = rules;
    this.fragmentPackets = fragmentPackets;
  }

  /** Assembles flows with the default rules (300 s idle timeout, no active timeout). */
  public static AssembleFlows create() {
    return new AssembleFlows(FlowRules.defaults(), PacketDigest.DEFAULT_FRAGMENT_PACKETS);
  }

  public static AssembleFlows withRules(FlowRules rules) {
    return new AssembleFlows(rules, PacketDigest.DEFAULT_FRAGMENT_PACKETS);
  }

  /**
   * Whether packets are gathered into per-key fragments before the shuffle (the default) or sent
   * one by one; the flows are the same.
   */
  public AssembleFlows withFragments(boolean fragments) {
    return withFragmentPackets(fragments ? PacketDigest.DEFAULT_FRAGMENT_PACKETS : 1);
  }

  /** The most packets a fragment holds on its way to the keyed stage; the flows are the same. */
  public AssembleFlows withFragmentPackets(int fragmentPackets) {
    return new AssembleFlows(rules, fragmentPackets);
  }

  public FlowRules rules() {
    return rules;
  }

  /**
   * Assembles flows from TCP packet fragments keyed by {@link FlowKey}; {@code lastPacketUs} is the
   * time of the newest packet of the whole dataset (any protocol), for the end-of-data rule.
   */
  public static Keyed keyed(FlowRules rules, PCollectionView<Long> lastPacketUs) {
    return new Keyed(rules, lastPacketUs);
  }

  /** The newest packet time of {@code totals} as a singleton side input for {@link #keyed}. */
  public static PCollectionView<Long> lastPacketUs(PCollection<PacketTotals> totals) {
    return totals
        .apply("LastPacketUs", MapElements.into(TypeDescriptors.longs()).via(PacketTotals::lastUs))
        .apply("LastPacketUsView", View.asSingleton());
  }

  @Override
  public PCollection<FlowRecord> expand(PCollection<Packet> packets) {
    PacketDigest.Result digest =
        packets.apply(
            "Digest", PacketDigest.withBinSizeUs(1_000_000).withFragmentPackets(fragmentPackets));
    return digest
        .tcpByKey()
        .apply("Assemble", keyed(rules, lastPacketUs(TrafficStats.totals(digest))));
  }

  /** See {@link #keyed}. */
  public static final class Keyed
      extends PTransform<PCollection<KV<FlowKey, PacketFragment>>, PCollection<FlowRecord>> {
    private final FlowRules rules;
    private final PCollectionView<Long> lastPacketUs;

    private Keyed(FlowRules rules, PCollectionView<Long> lastPacketUs) {
      this.rules = rules;
      this.lastPacketUs = lastPacketUs;
    }

    @Override
    public PCollection<FlowRecord> expand(PCollection<KV<FlowKey, PacketFragment>> tcpByKey) {
      return tcpByKey
          .apply("AssembleByKey", ParDo.of(new AssembleFlowsFn(rules)))
          .setCoder(FlowRecordCoder.of())
          .apply(
              "NameEndOfData",
              ParDo.of(new NameEndOfDataFn(rules.idleTimeoutUs(), lastPacketUs))
                  .withSideInputs(lastPacketUs))
          .setCoder(FlowRecordCoder.of());
    }
  }

  /**
   * Applies {@link EndOfDataRule} with the dataset's newest packet time as side input. The value is
   * read once per DoFn instance: the view is a singleton of the global window, and Flink's side
   * input lookup per element cost as much as the rest of the step.
   */
  private static final class NameEndOfDataFn extends DoFn<FlowRecord, FlowRecord> {
    private final long idleTimeoutUs;
    private final PCollectionView<Long> datasetEnd;
    private transient Long datasetEndUs;

    NameEndOfDataFn(long idleTimeoutUs, PCollectionView<Long> datasetEnd) {
      this.idleTimeoutUs = idleTimeoutUs;
      this.datasetEnd = datasetEnd;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (datasetEndUs == null) {
        datasetEndUs = c.sideInput(datasetEnd);
      }
      c.output(EndOfDataRule.apply(c.element(), datasetEndUs, idleTimeoutUs));
    }
  }
}
