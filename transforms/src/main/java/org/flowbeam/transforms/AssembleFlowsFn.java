package org.flowbeam.transforms;

import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.PacketFragmentCoder;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.FragmentMerger;
import org.joda.time.Instant;

/**
 * The keyed stateful stage of flow assembly: buffers a 5-tuple's packets and, when the key has been
 * idle for the idle timeout in event time, sorts them and runs the {@link
 * org.flowbeam.tcp.TcpFlowTracker} ({@link FragmentMerger}).
 *
 * <p>This is the sort-buffer pattern rather than {@code @RequiresTimeSortedInput}: packets arrive
 * in {@link PacketFragment}s (gathered per key before the shuffle) and go into a {@link BagState}
 * in whatever order they arrive; an event-time timer is kept at the newest buffered packet plus the
 * idle timeout. When it fires, no packet of the key can still come that belongs before it (the
 * watermark has passed), so the buffer is sorted in {@link Packet#EVENT_ORDER} and assembled in one
 * pass, every flow is emitted (the open one included: the key has gone idle) and the state is
 * cleared. In batch, Flink and the Direct Runner fire every timer at the end of input, so each key
 * is assembled once from all its packets.
 *
 * <p>Flows carry the timer's time as their event timestamp, not their start: Beam forbids a timer
 * from holding the watermark earlier than the element that sets it, and packets may arrive out of
 * order. Consumers that bin flows by start time use {@link FlowRecord#startUs()}.
 */
final class AssembleFlowsFn extends DoFn<KV<FlowKey, PacketFragment>, FlowRecord> {
  static final String BUFFER = "buffer";
  static final String NEWEST = "newest";
  static final String FLUSH = "flush";

  private final FlowRules rules;
  private final Counter flows = Metrics.counter(AssembleFlowsFn.class, "flows");
  private final Counter packets = Metrics.counter(AssembleFlowsFn.class, "packets");
  private final Counter fragments = Metrics.counter(AssembleFlowsFn.class, "fragments");
  private final Distribution packetsPerFlush =
      Metrics.distribution(AssembleFlowsFn.class, "packets-per-flush");

  @StateId(BUFFER)
  private final StateSpec<BagState<PacketFragment>> bufferSpec =
      StateSpecs.bag(PacketFragmentCoder.of());

  @StateId(NEWEST)
  private final StateSpec<ValueState<Long>> newestSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId(FLUSH)
  private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  AssembleFlowsFn(FlowRules rules) {
    this.rules = rules;
  }

  @ProcessElement
  public void processElement(
      @Element KV<FlowKey, PacketFragment> element,
      BoundedWindow window,
      @StateId(BUFFER) BagState<PacketFragment> buffer,
      @StateId(NEWEST) ValueState<Long> newest,
      @TimerId(FLUSH) Timer flush) {
    PacketFragment fragment = element.getValue();
    buffer.add(fragment);
    Long previous = newest.read();
    long newestUs =
        previous == null ? fragment.newestUs() : Math.max(previous, fragment.newestUs());
    newest.write(newestUs);
    flush.set(earliest(toInstant(newestUs + rules.idleTimeoutUs()).plus(1), window.maxTimestamp()));
    packets.inc(fragment.size());
    fragments.inc();
  }

  @OnTimer(FLUSH)
  public void onFlush(
      OnTimerContext context,
      @Key FlowKey key,
      @StateId(BUFFER) BagState<PacketFragment> buffer,
      @StateId(NEWEST) ValueState<Long> newest) {
    int merged =
        FragmentMerger.assemble(
            key,
            buffer.read(),
            rules,
            flow -> {
              flows.inc();
              context.output(flow);
            });
    packetsPerFlush.update(merged);
    buffer.clear();
    newest.clear();
  }

  static Instant toInstant(long micros) {
    return new Instant(Math.floorDiv(micros, 1000L));
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
