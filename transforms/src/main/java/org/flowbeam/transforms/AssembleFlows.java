package org.flowbeam.transforms;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Requirements;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowRecordCoder;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.PacketFragmentCoder;
import org.flowbeam.tcp.EndOfDataRule;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.joda.time.Duration;

/**
 * Turns packets into flow records: keys each packet of the rules' flow protocols (TCP, UDP, ICMP)
 * by its canonical bidirectional 5-tuple, assembles each key's flows in event-time order with its
 * protocol's state machine ({@link AssembleFlowsFn}, {@link KeyAssembly}), then names the close
 * reason of flows still open at the end of the data ({@link EndOfDataRule}, against the newest
 * packet of the whole input). Packets of other protocols make no flows.
 *
 * <pre>{@code
 * PCollection<FlowRecord> flows =
 *     packets.apply(AssembleFlows.withRules(FlowRules.defaults().withIdleTimeoutUs(60_000_000)));
 * }</pre>
 *
 * <p>A pipeline that already digested its packets ({@link PacketDigest}) applies {@link #keyed} to
 * the digest's keyed packets instead, with the dataset's last packet time from its totals. A
 * recurring job that reads only new data and carries the flows still open to its next run applies
 * {@link Keyed#carrying} instead.
 */
public final class AssembleFlows extends PTransform<PCollection<Packet>, PCollection<FlowRecord>> {
  private final FlowRules rules;
  private final int fragmentPackets;

  private AssembleFlows(FlowRules rules, int fragmentPackets) {
    this.rules = rules;
    this.fragmentPackets = fragmentPackets;
  }

  /**
   * Assembles flows with the default rules (TCP, UDP and ICMP; 300 s TCP and 60 s UDP and ICMP idle
   * timeouts, no active timeout).
   */
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
   * Assembles flows from packet fragments keyed by {@link FlowKey} (of the rules' protocols, as
   * {@link PacketDigest#withFlowProtocols} keys them); {@code lastPacketUs} is the time of the
   * newest packet of the whole dataset (any protocol), for the end-of-data rule.
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
            "Digest",
            PacketDigest.withBinSizeUs(1_000_000)
                .withFragmentPackets(fragmentPackets)
                .withFlowProtocols(rules.protocols()));
    return digest
        .byFlowKey()
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

    /**
     * The same assembly as one run of a recurring job: the flows {@code carriedIn} from the
     * previous run are resumed by this run's packets, and the flows still open at the end of this
     * run's data that a later packet could still change are carried out ({@link
     * Carrying.Result#carried}) instead of written. See {@link Carrying}.
     *
     * @param carriedIn what the previous run's {@link Carrying.Result#carried} held (empty for the
     *     first run), coded by {@link KeyAssemblyCoder}; assembled with these same rules
     * @param seriesEndBeforeUs the newest packet time of every earlier run ({@code Long.MIN_VALUE}
     *     for the first run): with this run's {@code lastPacketUs}, the series end that decides
     *     what is carried and names the flows written at the end
     */
    public Carrying carrying(
        PCollection<KV<FlowKey, KeyAssembly>> carriedIn, long seriesEndBeforeUs) {
      return new Carrying(rules, lastPacketUs, carriedIn, seriesEndBeforeUs, false);
    }

    @Override
    public PCollection<FlowRecord> expand(PCollection<KV<FlowKey, PacketFragment>> byKey) {
      return byKey
          .apply("AssembleByKey", ParDo.of(new AssembleFlowsFn(rules)))
          .setCoder(FlowRecordCoder.of())
          .apply(
              "NameEndOfData",
              ParDo.of(new NameEndOfDataFn(rules, lastPacketUs)).withSideInputs(lastPacketUs))
          .setCoder(FlowRecordCoder.of());
    }
  }

  /**
   * One run of a recurring job over the keyed packets of the run's new data: the flows open at the
   * end of the previous run's data enter the keyed stage before any packet of their key and are
   * resumed as if that run had never ended; at the end of this run's data, a key's open flow is
   * carried if a later packet could still join it, that is if its newest packet is within its
   * protocol's idle timeout of the <em>series end</em> (the newest packet of this run and of every
   * run before it) and, when a close linger is set, it has not closed longer than the close linger
   * before (by default a closed flow is carried as an open one is: a late RST may still join it);
   * otherwise it is written, named by the end-of-data rule against the series end ({@code
   * idle_timeout}, {@code fin}, {@code rst}). See {@link KeyAssembly#endRun}.
   *
   * <p>The carried flows travel between runs as a file ({@code org.flowbeam.io.CarriedFlows}):
   *
   * <pre>{@code
   * CarriedFlowsFile.Summary before = CarriedFlows.inspect(previousStateFile); // checked, one line
   * PCollection<KV<FlowKey, KeyAssembly>> carriedIn = p.apply(CarriedFlows.read(previousStateFile));
   * AssembleFlows.Carrying.Result run =
   *     digest.byFlowKey().apply(
   *         AssembleFlows.keyed(rules, AssembleFlows.lastPacketUs(totals))
   *             .carrying(carriedIn, before.seriesEndUs()));
   * run.flows();                                   // finished flows, written by this run
   * run.carried().apply(CarriedFlows.write(nextStateFile, run.seriesEndUs()));
   * }</pre>
   *
   * <p>For data that arrives in time order (every run's packets no older than the series end before
   * it), the flows written by all runs, the last one flushing ({@link #flushing()}), are those of
   * one {@link #keyed} run over all the data: same ids, packets, bytes, states and close reasons,
   * none twice. One exception: a connection silent for longer than the idle timeout whose flow was
   * written (closed {@code idle_timeout}) by an earlier run, and that speaks again in a later run,
   * starts a new flow there as a fresh connection would (its initiator is the sender of the first
   * packet, its state as far as its own packets show), where one run would continue the
   * connection's handshake state and initiator; the flow's id, packets and bytes are the same.
   * Packets older than a carried flow of their key (a late file) make flows of their own.
   *
   * <p>The non-incremental {@link Keyed} path is unchanged by this form: its elements, coders and
   * state are its own.
   */
  public static final class Carrying
      extends PTransform<PCollection<KV<FlowKey, PacketFragment>>, Carrying.Result> {
    private final FlowRules rules;
    private final PCollectionView<Long> lastPacketUs;
    private final PCollection<KV<FlowKey, KeyAssembly>> carriedIn;
    private final long seriesEndBeforeUs;
    private final boolean flush;

    private Carrying(
        FlowRules rules,
        PCollectionView<Long> lastPacketUs,
        PCollection<KV<FlowKey, KeyAssembly>> carriedIn,
        long seriesEndBeforeUs,
        boolean flush) {
      this.rules = rules;
      this.lastPacketUs = lastPacketUs;
      this.carriedIn = carriedIn;
      this.seriesEndBeforeUs = seriesEndBeforeUs;
      this.flush = flush;
    }

    /**
     * Writes every open flow at the end of this run, as {@link #keyed} does at the end of its data
     * ({@code end_of_data}, or {@code idle_timeout} against the series end), and carries nothing:
     * {@link Result#carried} is empty.
     */
    public Carrying flushing() {
      return new Carrying(rules, lastPacketUs, carriedIn, seriesEndBeforeUs, true);
    }

    /** The carried flows are an input of this transform besides the fragments. */
    @Override
    public Map<TupleTag<?>, PValue> getAdditionalInputs() {
      return Map.of(new TupleTag<KV<FlowKey, KeyAssembly>>("carriedIn") {}, carriedIn);
    }

    @Override
    public Result expand(PCollection<KV<FlowKey, PacketFragment>> byKey) {
      Pipeline p = byKey.getPipeline();
      PCollectionView<Long> runEnd = lastPacketUs; // not the transform: the lambda is serialized
      PCollectionView<Long> seriesEnd =
          p.apply("SeriesEndBefore", Create.of(seriesEndBeforeUs).withCoder(VarLongCoder.of()))
              .apply(
                  "SeriesEnd",
                  MapElements.into(TypeDescriptors.longs())
                      .via(
                          Contextful.fn(
                              (Long before, Contextful.Fn.Context c) ->
                                  Math.max(before, c.sideInput(runEnd)),
                              Requirements.requiresSideInputs(runEnd))))
              .apply("SeriesEndView", View.asSingleton());

      KvCoder<FlowKey, KeyAssembly> assemblyCoder =
          KvCoder.of(FlowKeyCoder.of(), KeyAssemblyCoder.of());
      KvCoder<FlowKey, RawUnionValue> inputCoder =
          KvCoder.of(
              FlowKeyCoder.of(),
              UnionCoder.of(List.of(PacketFragmentCoder.of(), KeyAssemblyCoder.of())));
      TypeDescriptor<KV<FlowKey, RawUnionValue>> inputType =
          new TypeDescriptor<KV<FlowKey, RawUnionValue>>() {};
      PCollection<KV<FlowKey, RawUnionValue>> fragments =
          byKey
              .apply(
                  "Fragments",
                  MapElements.into(inputType)
                      .via(
                          kv ->
                              KV.of(
                                  kv.getKey(),
                                  new RawUnionValue(
                                      AssembleCarriedFlowsFn.FRAGMENT, kv.getValue()))))
              .setCoder(inputCoder);
      PCollection<KV<FlowKey, RawUnionValue>> carried =
          carriedIn.apply("CarriedFirst", ParDo.of(new CarriedFirstFn())).setCoder(inputCoder);
      PCollectionTuple assembled =
          PCollectionList.of(carried)
              .and(fragments)
              .apply("CarriedAndFragments", Flatten.pCollections())
              .setCoder(inputCoder)
              .apply(
                  "AssembleByKey",
                  ParDo.of(new AssembleCarriedFlowsFn(rules))
                      .withOutputTags(
                          AssembleCarriedFlowsFn.FLOWS,
                          TupleTagList.of(AssembleCarriedFlowsFn.OPEN)));
      assembled.get(AssembleCarriedFlowsFn.FLOWS).setCoder(FlowRecordCoder.of());
      PCollectionTuple ended =
          assembled
              .get(AssembleCarriedFlowsFn.OPEN)
              .setCoder(assemblyCoder)
              .apply(
                  "EndRun",
                  ParDo.of(new EndRunFn(seriesEnd, flush))
                      .withSideInputs(seriesEnd)
                      .withOutputTags(
                          AssembleCarriedFlowsFn.FLOWS, TupleTagList.of(EndRunFn.CARRIED)));
      ended.get(AssembleCarriedFlowsFn.FLOWS).setCoder(FlowRecordCoder.of());
      PCollection<FlowRecord> flows =
          PCollectionList.of(assembled.get(AssembleCarriedFlowsFn.FLOWS))
              .and(ended.get(AssembleCarriedFlowsFn.FLOWS))
              .apply("Flows", Flatten.pCollections())
              .setCoder(FlowRecordCoder.of());
      return new Result(
          PCollectionTuple.of(Result.FLOWS, flows)
              .and(Result.CARRIED, ended.get(EndRunFn.CARRIED).setCoder(assemblyCoder)),
          seriesEnd);
    }

    /**
     * Puts a carried assembly at the start of event time, so that its key's time-sorted input
     * begins with it.
     */
    private static final class CarriedFirstFn
        extends DoFn<KV<FlowKey, KeyAssembly>, KV<FlowKey, RawUnionValue>> {
      @ProcessElement
      public void process(
          @Element KV<FlowKey, KeyAssembly> kv, OutputReceiver<KV<FlowKey, RawUnionValue>> out) {
        out.outputWithTimestamp(
            KV.of(kv.getKey(), new RawUnionValue(AssembleCarriedFlowsFn.CARRIED, kv.getValue())),
            BoundedWindow.TIMESTAMP_MIN_VALUE);
      }

      @Override
      @SuppressWarnings("deprecation") // the only way to let an output go back in event time
      public Duration getAllowedTimestampSkew() {
        return Duration.millis(Long.MAX_VALUE);
      }
    }

    /** What one run gives: the flows it wrote, and those it carries to the next run. */
    public static final class Result implements POutput {
      private static final TupleTag<FlowRecord> FLOWS = new TupleTag<FlowRecord>("flows") {};
      private static final TupleTag<KV<FlowKey, KeyAssembly>> CARRIED =
          new TupleTag<KV<FlowKey, KeyAssembly>>("carried") {};

      private final PCollectionTuple parts;
      private final PCollectionView<Long> seriesEndUs;

      private Result(PCollectionTuple parts, PCollectionView<Long> seriesEndUs) {
        this.parts = parts;
        this.seriesEndUs = seriesEndUs;
      }

      /**
       * The flows this run finished: ended by a packet of this run, or written at its end because
       * no later packet can change them. Each flow of the series comes out of exactly one run.
       */
      public PCollection<FlowRecord> flows() {
        return parts.get(FLOWS);
      }

      /**
       * The keys whose open flow goes on in the next run, each with its {@link KeyAssembly} (coder
       * {@link KeyAssemblyCoder}): the next run's {@code carriedIn}. Empty with {@link
       * #flushing()}.
       */
      public PCollection<KV<FlowKey, KeyAssembly>> carried() {
        return parts.get(CARRIED);
      }

      /**
       * The series end after this run, µs: the newest packet of this run and of every run before
       * it, as a singleton side input (for the carried state's header); the next run's {@code
       * seriesEndBeforeUs}.
       */
      public PCollectionView<Long> seriesEndUs() {
        return seriesEndUs;
      }

      @Override
      public Pipeline getPipeline() {
        return parts.getPipeline();
      }

      @Override
      public Map<TupleTag<?>, PValue> expand() {
        return parts.expand();
      }

      @Override
      public void finishSpecifyingOutput(
          String transformName, PInput input, PTransform<?, ?> transform) {}
    }
  }

  /**
   * Applies {@link EndOfDataRule} with the dataset's newest packet time as side input. The value is
   * read once per DoFn instance: the view is a singleton of the global window, and Flink's side
   * input lookup per element cost as much as the rest of the step.
   */
  private static final class NameEndOfDataFn extends DoFn<FlowRecord, FlowRecord> {
    private final FlowRules rules;
    private final PCollectionView<Long> datasetEnd;
    private transient Long datasetEndUs;

    NameEndOfDataFn(FlowRules rules, PCollectionView<Long> datasetEnd) {
      this.rules = rules;
      this.datasetEnd = datasetEnd;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (datasetEndUs == null) {
        datasetEndUs = c.sideInput(datasetEnd);
      }
      c.output(EndOfDataRule.apply(c.element(), datasetEndUs, rules));
    }
  }
}
