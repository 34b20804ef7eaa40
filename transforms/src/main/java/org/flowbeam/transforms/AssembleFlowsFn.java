package org.flowbeam.transforms;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.joda.time.Instant;

/**
 * The keyed stateful stage of flow assembly: receives a 5-tuple's {@link PacketFragment}s in
 * event-time order and runs them through its protocol's state machine as they come ({@link
 * KeyAssembly}), so that its state is the key's open flow and the few packets whose order is not
 * settled yet — never all of the key's packets.
 *
 * <p>The order comes from the runner: {@code @RequiresTimeSortedInput} sorts a key's elements by
 * their timestamps, which the readers set to each fragment's oldest packet. The runner's sort
 * spills to disk (Flink batch sorts each key group by timestamp; the Direct Runner buffers until
 * the watermark passes), and fragments are capped in size before the shuffle ({@link
 * PacketDigest#withFragmentPackets}), so one long connection is many small elements. A timestamp is
 * in milliseconds: the element's time is the horizon before which no packet of the key can still
 * come, and packets in the same millisecond wait for the next element or the end.
 *
 * <p>When the window expires (the end of a bounded input) the waiting packets are released and the
 * open flow is emitted; {@link AssembleFlows} then names its close reason against the newest packet
 * of the whole input.
 *
 * <p>Per bundle it adds the packets it took and the flows it output to the job's {@link
 * JobProgress} and to its {@code flows} counter (Flink runs its batch keyed stage one key per
 * bundle, so the counter is live on a cluster too).
 */
final class AssembleFlowsFn extends DoFn<KV<FlowKey, PacketFragment>, FlowRecord> {
  static final String ASSEMBLY = "assembly";

  private final FlowRules rules;
  private final Counter packets = Metrics.counter(AssembleFlowsFn.class, "packets");
  private final Counter fragments = Metrics.counter(AssembleFlowsFn.class, "fragments");
  private final Counter flows = Metrics.counter(AssembleFlowsFn.class, "flows");
  private final Distribution waiting = Metrics.distribution(AssembleFlowsFn.class, "waiting");

  private transient JobProgress progress;
  private transient long bundlePackets;
  private transient long bundleFlows;

  @StateId(ASSEMBLY)
  private final StateSpec<ValueState<KeyAssembly>> assemblySpec =
      StateSpecs.value(KeyAssemblyCoder.of());

  AssembleFlowsFn(FlowRules rules) {
    this.rules = rules;
  }

  @Setup
  public void setup(PipelineOptions options) {
    progress = JobProgress.of(options);
  }

  @ProcessElement
  @RequiresTimeSortedInput
  public void processElement(
      @Element KV<FlowKey, PacketFragment> element,
      @Timestamp Instant timestamp,
      @StateId(ASSEMBLY) ValueState<KeyAssembly> state,
      OutputReceiver<FlowRecord> out) {
    KeyAssembly assembly = state.read();
    if (assembly == null) {
      assembly = new KeyAssembly(element.getKey(), rules);
    }
    PacketFragment fragment = element.getValue();
    assembly.add(fragment, timestamp.getMillis() * 1000L, f -> output(f, out));
    waiting.update(assembly.pendingPackets());
    state.write(assembly);
    packets.inc(fragment.size());
    fragments.inc();
    bundlePackets += fragment.size();
  }

  @OnWindowExpiration
  public void onWindowExpiration(
      @StateId(ASSEMBLY) ValueState<KeyAssembly> state, OutputReceiver<FlowRecord> out) {
    KeyAssembly assembly = state.read();
    if (assembly != null) {
      assembly.finish(f -> output(f, out));
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

  private void output(FlowRecord flow, OutputReceiver<FlowRecord> out) {
    out.output(flow);
    bundleFlows++;
  }
}
