package org.flowbeam.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@BeamTest
class AssembleFlowsTest {

  private static PCollection<Packet> shuffledInput(
      TestPipeline p, List<Packet> packets, long seed) {
    List<Packet> shuffled = new ArrayList<>(packets);
    Collections.shuffle(shuffled, new Random(seed));
    List<TimestampedValue<Packet>> timestamped = new ArrayList<>();
    for (Packet pk : shuffled) {
      timestamped.add(TimestampedValue.of(pk, PacketDigester.toInstant(pk.timestampMicros())));
    }
    return p.apply(Create.timestamped(timestamped).withCoder(PacketCoder.of()));
  }

  /**
   * Two TCP conversations (port reuse, an idle split, a reset), a lone UDP packet and the UDP and
   * ICMP flows of {@link SampleTraffic#datagramTraffic()}.
   */
  private static List<Packet> mixedTraffic() {
    List<Packet> all = new ArrayList<>(SampleTraffic.portReuseAndIdleSplit());
    all.addAll(SampleTraffic.datagramTraffic());
    all.add(
        Packet.builder()
            .timestampMicros(2_000_000)
            .src("10.0.0.9", 53)
            .dst("10.0.0.1", 5353)
            .protocol(IpProtocol.UDP)
            .length(80)
            .build());
    return all;
  }

  @Test
  void shuffledRowsGiveTheFlowsOfTheSortedReference(TestPipeline p) {
    List<Packet> packets = mixedTraffic();
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    assertThat(expected.size(), equalTo(4 + 1 + 8));
    PCollection<FlowRecord> flows = shuffledInput(p, packets, 42).apply(AssembleFlows.create());
    PAssert.that(flows).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void theKeyedStageAddsItsPacketsAndFlowsToTheJobsProgress(TestPipeline p) {
    List<Packet> packets = mixedTraffic();
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    long keyed = packets.stream().filter(q -> FlowProtocol.of(q.protocol()) != null).count();
    shuffledInput(p, packets, 5).apply(AssembleFlows.create().withFragmentPackets(2));
    JobProgress progress = JobProgress.register(p.getOptions().getJobName());
    try {
      p.run().waitUntilFinish();
    } finally {
      JobProgress.unregister(p.getOptions().getJobName(), progress);
    }
    assertThat(progress.snapshot().assembledPackets(), equalTo(keyed));
    assertThat(progress.snapshot().flows(), equalTo((long) expected.size()));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void fragmentsOfAFewPacketsGiveTheSameFlows(int fragmentPackets, TestPipeline p) {
    List<Packet> packets = mixedTraffic();
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    PAssert.that(
            shuffledInput(p, packets, fragmentPackets)
                .apply(AssembleFlows.create().withFragmentPackets(fragmentPackets)))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void packetByPacketPathGivesTheSameFlows(TestPipeline p) {
    List<Packet> packets = mixedTraffic();
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    PAssert.that(shuffledInput(p, packets, 9).apply(AssembleFlows.create().withFragments(false)))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void flowOpenLongBeforeTheEndIsAnIdleTimeout(TestPipeline p) {
    // The IPv6 conversation's second piece ends at ~401.5 s; a packet 10 minutes later elsewhere
    // makes the dataset run past its idle timeout, and past the UDP and ICMP ones of every UDP
    // and ICMP flow.
    List<Packet> packets = new ArrayList<>(mixedTraffic());
    packets.add(
        Trace.between("10.1.1.1", 1, "10.1.1.2", 2).at(1_100_000_000).syn().packets().get(0));
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    assertThat(
        expected.stream().filter(f -> f.closeReason() == CloseReason.IDLE_TIMEOUT).count(),
        equalTo(2L + 1 + 8));
    PAssert.that(shuffledInput(p, packets, 7).apply(AssembleFlows.create()))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  @Test
  void tcpEdgeCapturesMatchTheReference(TestPipeline p) {
    List<Packet> packets = new ArrayList<>();
    for (String capture : SharedData.capturesIn("tcp-edge")) {
      packets.addAll(SharedData.packets(SharedData.ref("tcp-edge", capture, ".packets.csv")));
    }
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    PAssert.that(shuffledInput(p, packets, 1).apply(AssembleFlows.create()))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }
}
