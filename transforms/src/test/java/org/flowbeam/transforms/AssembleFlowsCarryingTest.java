package org.flowbeam.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.SampleTraffic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One run of {@link AssembleFlows.Carrying} on the Direct Runner writes and carries what the plain
 * Java runs ({@link RunByRun}) write and carry: the carried flows reach the keyed stage before the
 * run's fragments, whatever order the rows come in.
 */
@BeamTest
class AssembleFlowsCarryingTest {
  private static final FlowRules RULES = FlowRules.defaults().withIdleTimeoutUs(10_000_000);

  /** The same with the former 2 s close linger ({@code --closeLinger=2}). */
  private static final FlowRules LINGER = RULES.withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US);

  /** Runs end at 8 s, 16 s and 30 s, then the last one flushes. */
  private static final List<Long> CUTS = List.of(8_000_000L, 16_000_000L, 30_000_000L);

  /**
   * The busy sample, and a UDP packet at 7.9 s: the series end of the first run, which passes the 2
   * s close linger of the connection on port 40000 (closed at 5.01 s), so that run writes it when a
   * close linger is set.
   */
  private static List<Packet> traffic() {
    return SampleTraffic.busyTrafficWithLateUdp();
  }

  /** Run {@code run} in Beam: its packets shuffled, the previous run's carried flows. */
  private static AssembleFlows.Carrying.Result runInBeam(
      TestPipeline p, List<Packet> packets, RunByRun.Run previous, boolean flush) {
    return runInBeam(p, packets, previous, flush, RULES);
  }

  private static AssembleFlows.Carrying.Result runInBeam(
      TestPipeline p, List<Packet> packets, RunByRun.Run previous, boolean flush, FlowRules rules) {
    List<Packet> shuffled = new ArrayList<>(packets);
    Collections.shuffle(shuffled, new Random(packets.size()));
    List<TimestampedValue<Packet>> timestamped = new ArrayList<>();
    for (Packet pk : shuffled) {
      timestamped.add(TimestampedValue.of(pk, PacketDigester.toInstant(pk.timestampMicros())));
    }
    PacketDigest.Result digest =
        p.apply("Packets", Create.timestamped(timestamped).withCoder(PacketCoder.of()))
            .apply(PacketDigest.withBinSizeUs(1_000_000).withFragmentPackets(3));
    List<KV<FlowKey, KeyAssembly>> carried = new ArrayList<>();
    long seriesEndBefore = Long.MIN_VALUE;
    if (previous != null) {
      previous.carried().forEach((k, bytes) -> carried.add(KV.of(k, RunByRun.decode(bytes))));
      seriesEndBefore = previous.seriesEndUs();
    }
    PCollection<KV<FlowKey, KeyAssembly>> carriedIn =
        p.apply(
            "Carried",
            Create.of(carried).withCoder(KvCoder.of(FlowKeyCoder.of(), KeyAssemblyCoder.of())));
    AssembleFlows.Carrying carrying =
        AssembleFlows.keyed(rules, AssembleFlows.lastPacketUs(TrafficStats.totals(digest)))
            .carrying(carriedIn, seriesEndBefore);
    return digest.byFlowKey().apply(flush ? carrying.flushing() : carrying);
  }

  /** Each carried assembly as its bytes, to compare. */
  private static PCollection<KV<String, String>> asBytes(
      PCollection<KV<FlowKey, KeyAssembly>> carried) {
    return carried.apply(
        "AsBytes",
        MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via(kv -> KV.of(kv.getKey().toString(), base64(RunByRun.encode(kv.getValue())))));
  }

  private static List<KV<String, String>> asBytes(Map<FlowKey, byte[]> carried) {
    List<KV<String, String>> out = new ArrayList<>();
    carried.forEach((k, bytes) -> out.add(KV.of(k.toString(), base64(bytes))));
    return out;
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void eachRunWritesAndCarriesWhatThePlainRunsDo(int run, TestPipeline p) {
    List<Packet> packets = traffic();
    List<List<Packet>> slices = RunByRun.cut(packets, CUTS);
    List<RunByRun.Run> expected = RunByRun.assemble(slices, RULES, 2);
    // 4 TCP flows and the UDP packet's.
    assertThat(RunByRun.allFlows(expected), hasSize(4 + 1));
    boolean last = run == slices.size() - 1;
    AssembleFlows.Carrying.Result result =
        runInBeam(p, slices.get(run), run == 0 ? null : expected.get(run - 1), last);
    PAssert.that(result.flows()).containsInAnyOrder(expected.get(run).flows());
    PAssert.that(
            asBytes(result.carried())
                .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .containsInAnyOrder(asBytes(expected.get(run).carried()));
    p.run().waitUntilFinish();
  }

  @Test
  void theRunsCarrySomethingAndTheUdpPacketCounts() {
    List<RunByRun.Run> linger = RunByRun.assemble(traffic(), CUTS, LINGER, 2);
    assertThat(linger.get(0).seriesEndUs(), equalTo(7_900_000L));
    assertThat(
        linger.get(0).flows().stream().map(FlowRecord::closeReason).toList(),
        equalTo(List.of(CloseReason.FIN)));
    // The UDP packet's flow is carried until the flush, within UDP's 60 s idle timeout.
    assertThat(linger.stream().map(r -> r.carried().size()).toList(), equalTo(List.of(3, 2, 2, 0)));
    // Without a linger a closed flow is carried until its idle timeout: the FIN-closed one out of
    // the first run (the stray ACK at 9.5 s joins it), the one reset at 10.5 s out of the second.
    List<RunByRun.Run> runs = RunByRun.assemble(traffic(), CUTS, RULES, 2);
    assertThat(runs.get(0).flows(), empty());
    assertThat(runs.stream().map(r -> r.carried().size()).toList(), equalTo(List.of(4, 3, 2, 0)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void withACloseLingerEachRunWritesAndCarriesWhatThePlainRunsDo(int run, TestPipeline p) {
    List<List<Packet>> slices = RunByRun.cut(traffic(), CUTS);
    List<RunByRun.Run> expected = RunByRun.assemble(slices, LINGER, 2);
    assertThat(RunByRun.allFlows(expected), hasSize(5 + 1));
    AssembleFlows.Carrying.Result result =
        runInBeam(p, slices.get(run), run == 0 ? null : expected.get(run - 1), false, LINGER);
    PAssert.that(result.flows()).containsInAnyOrder(expected.get(run).flows());
    PAssert.that(
            asBytes(result.carried())
                .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .containsInAnyOrder(asBytes(expected.get(run).carried()));
    p.run().waitUntilFinish();
  }

  @Test
  void packetsOlderThanACarriedFlowDoNotFailTheRun(TestPipeline p) {
    List<Packet> packets = traffic();
    List<List<Packet>> slices = new ArrayList<>(RunByRun.cut(packets, List.of(8_000_000L)));
    // A late row of the keep-alive connection, from inside the first run's time.
    Packet late =
        Packet.builder()
            .timestampMicros(5_500_000)
            .src("10.0.1.2", 22)
            .dst("10.0.1.1", 5000)
            .protocol(IpProtocol.TCP)
            .flags(TcpFlags.ACK)
            .seq(9)
            .length(60)
            .build();
    List<Packet> second = new ArrayList<>(slices.get(1));
    second.add(late);
    slices.set(1, second);
    List<RunByRun.Run> expected = RunByRun.assemble(slices, RULES, 2);
    assertThat(
        expected.get(1).flows().stream().filter(f -> f.startUs() == 5_500_000).count(),
        equalTo(1L));
    AssembleFlows.Carrying.Result result = runInBeam(p, second, expected.get(0), true);
    PAssert.that(result.flows()).containsInAnyOrder(expected.get(1).flows());
    PAssert.that(result.carried()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void theFirstRunWithoutCarriedFlowsGivesTheFlowsOfKeyedWhenFlushing(TestPipeline p) {
    List<Packet> packets = traffic();
    List<FlowRecord> expected = FlowAssembler.assemble(packets, RULES);
    AssembleFlows.Carrying.Result result = runInBeam(p, packets, null, true);
    PAssert.that(result.flows()).containsInAnyOrder(expected);
    PAssert.that(result.carried()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void flowsCarriedWithOtherRulesAreRefusedByName(TestPipeline p) {
    List<List<Packet>> slices = RunByRun.cut(traffic(), CUTS);
    RunByRun.Run first = RunByRun.assemble(slices, RULES.withIdleTimeoutUs(20_000_000), 2).get(0);
    runInBeam(p, slices.get(1), first, false);
    Pipeline.PipelineExecutionException e =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat(e.getCause().getMessage(), containsString("the previous run must flush"));
  }
}
