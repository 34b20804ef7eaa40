package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.transforms.AssembleFlows;
import org.flowbeam.transforms.KeyAssemblyCoder;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.TrafficStats;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run that carries flows (TCP, UDP and ICMP) on Flink embedded (a local mini-cluster, parallelism
 * 2) writes and carries exactly what the plain-Java runs do: Flink's batch sort of each key group
 * by timestamp puts the carried flows, at the start of event time, before the run's fragments.
 */
class FlinkEmbeddedCarryingTest {
  private static final FlowRules RULES = FlowRules.defaults().withIdleTimeoutUs(10_000_000);
  private static final List<Long> CUTS = List.of(8_000_000L, 16_000_000L, 30_000_000L);

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void aRunResumingCarriedFlowsOnFlink(int run) {
    List<Packet> packets = new ArrayList<>(SampleTraffic.busyTraffic());
    packets.addAll(SampleTraffic.datagramTraffic());
    List<List<Packet>> slices = RunByRun.cut(packets, CUTS);
    List<RunByRun.Run> expected = RunByRun.assemble(slices, RULES, 2);
    RunByRun.Run previous = expected.get(run - 1);

    List<Packet> shuffled = new ArrayList<>(slices.get(run));
    Collections.shuffle(shuffled, new Random(run));
    List<TimestampedValue<Packet>> input = new ArrayList<>();
    for (Packet p : shuffled) {
      input.add(TimestampedValue.of(p, new Instant(Math.floorDiv(p.timestampMicros(), 1000))));
    }
    List<KV<FlowKey, KeyAssembly>> carried = new ArrayList<>();
    previous.carried().forEach((k, bytes) -> carried.add(KV.of(k, RunByRun.decode(bytes))));

    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setParallelism(2);
    TestPipeline p = TestPipeline.fromOptions(options).enableAbandonedNodeEnforcement(false);
    PacketDigest.Result digest =
        p.apply("Packets", Create.timestamped(input).withCoder(PacketCoder.of()))
            .apply(PacketDigest.withBinSizeUs(1_000_000).withFragmentPackets(2));
    AssembleFlows.Carrying carrying =
        AssembleFlows.keyed(RULES, AssembleFlows.lastPacketUs(TrafficStats.totals(digest)))
            .carrying(
                p.apply(
                    "Carried",
                    Create.of(carried)
                        .withCoder(KvCoder.of(FlowKeyCoder.of(), KeyAssemblyCoder.of()))),
                previous.seriesEndUs());
    boolean last = run == slices.size() - 1;
    AssembleFlows.Carrying.Result result =
        digest.byFlowKey().apply(last ? carrying.flushing() : carrying);

    PAssert.that(result.flows()).containsInAnyOrder(expected.get(run).flows());
    List<KV<String, String>> expectedCarried = new ArrayList<>();
    expected
        .get(run)
        .carried()
        .forEach((k, bytes) -> expectedCarried.add(KV.of(k.toString(), base64(bytes))));
    PAssert.that(asBytes(result.carried())).containsInAnyOrder(expectedCarried);
    p.run().waitUntilFinish();
  }

  private static PCollection<KV<String, String>> asBytes(PCollection<KV<FlowKey, KeyAssembly>> c) {
    return c.apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via(kv -> KV.of(kv.getKey().toString(), base64(RunByRun.encode(kv.getValue())))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
