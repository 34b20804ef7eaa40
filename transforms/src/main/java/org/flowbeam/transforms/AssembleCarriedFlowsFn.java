package org.flowbeam.transforms;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.joda.time.Instant;

/**
 * The keyed stage of a run that carries flows ({@link AssembleFlows.Carrying}): as {@link
 * AssembleFlowsFn}, but a key's elements are either its {@link PacketFragment}s or the {@link
 * KeyAssembly} the previous run carried, and at the end of the data the key's assembly goes, whole,
 * to {@link #OPEN}, where {@link EndRunFn} decides what to carry.
 *
 * <p>A carried assembly is timestamped at the start of event time, so the runner's time sort puts
 * it before every fragment of its key and the fragments resume it. It must have been assembled with
 * this run's rules: a run does not resume flows split by other rules (check {@code
 * CarriedFlows.inspect} before the run, for one line instead of a failed job).
 *
 * <p>Per bundle it adds the packets it took and the flows it ended to the job's {@link JobProgress}
 * and its {@code flows} counter, as {@link AssembleFlowsFn} does.
 */
final class AssembleCarriedFlowsFn extends DoFn<KV<FlowKey, RawUnionValue>, FlowRecord> {
  /** The union tag of a fragment of this run. */
  static final int FRAGMENT = 0;

  /** The union tag of an assembly carried from the previous run. */
  static final int CARRIED = 1;

  /** Flows ended by a packet of this run. */
  static final TupleTag<FlowRecord> FLOWS = new TupleTag<FlowRecord>() {};

  /** Each key's assembly at the end of the run's data, its open flow not yet decided. */
  static final TupleTag<KV<FlowKey, KeyAssembly>> OPEN =
      new TupleTag<KV<FlowKey, KeyAssembly>>() {};

  private static final String ASSEMBLY = "assembly";

  private final FlowRules rules;
  private final Counter packets = Metrics.counter(AssembleCarriedFlowsFn.class, "packets");
  private final Counter fragments = Metrics.counter(AssembleCarriedFlowsFn.class, "fragments");
  private final Counter resumed = Metrics.counter(AssembleCarriedFlowsFn.class, "resumed");
  private final Counter flows = Metrics.counter(AssembleCarriedFlowsFn.class, "flows");

  private transient JobProgress progress;
  private transient long bundlePackets;
  private transient long bundleFlows;

  @StateId(ASSEMBLY)
  private final StateSpec<ValueState<KeyAssembly>> assemblySpec =
      StateSpecs.value(KeyAssemblyCoder.of());

  AssembleCarriedFlowsFn(FlowRules rules) {
    this.rules = rules;
  }

  @Setup
  public void setup(PipelineOptions options) {
    progress = JobProgress.of(options);
  }

  @ProcessElement
  @RequiresTimeSortedInput
  public void processElement(
      @Element KV<FlowKey, RawUnionValue> element,
      @Timestamp Instant timestamp,
      @StateId(ASSEMBLY) ValueState<KeyAssembly> state,
      MultiOutputReceiver out) {
    KeyAssembly assembly = state.read();
    RawUnionValue value = element.getValue();
    if (value.getUnionTag() == CARRIED) {
      if (assembly != null) {
        throw new IllegalStateException(
            "the carried flow of "
                + element.getKey()
                + " came after packets of this run or twice: was the carried state written twice?");
      }
      KeyAssembly carried = (KeyAssembly) value.getValue();
      if (!carried.rules().equals(rules)) {
        throw new IllegalStateException(
            "the carried flow of "
                + element.getKey()
                + " was assembled with "
                + carried.rules()
                + ", this run with "
                + rules
                + ": the previous run must flush before the rules change");
      }
      state.write(carried);
      resumed.inc();
      return;
    }
    if (assembly == null) {
      assembly = new KeyAssembly(element.getKey(), rules);
    }
    PacketFragment fragment = (PacketFragment) value.getValue();
    OutputReceiver<FlowRecord> flowsOut = out.get(FLOWS);
    assembly.add(
        fragment,
        timestamp.getMillis() * 1000L,
        f -> {
          flowsOut.output(f);
          bundleFlows++;
        });
    state.write(assembly);
    packets.inc(fragment.size());
    fragments.inc();
    bundlePackets += fragment.size();
  }

  @OnWindowExpiration
  public void onWindowExpiration(
      @StateId(ASSEMBLY) ValueState<KeyAssembly> state, MultiOutputReceiver out) {
    KeyAssembly assembly = state.read();
    if (assembly != null) {
      out.get(OPEN).output(KV.of(assembly.key(), assembly));
    }
    state.clear();
  }

  @FinishBundle
  public void finishBundle() {
    if (bundleFlows > 0) {
      flows.inc(bundleFlows);
    }
    progress.addAssembled(bundlePackets, bundleFlows);
    bundlePackets = 0;
    bundleFlows = 0;
  }
}
