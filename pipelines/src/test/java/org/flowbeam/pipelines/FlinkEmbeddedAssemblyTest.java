package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.TimestampedValue;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.testing.SharedData;
import org.flowbeam.transforms.AssembleFlows;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flow assembly on Flink embedded (a local mini-cluster, parallelism 2) gives exactly the flows of
 * the sorted reference (TCP, UDP and ICMP), from rows fed in shuffled order: each key's packets
 * reach the state machine in event-time order on Flink as on the Direct Runner, whether fragments
 * hold a few packets (so that every key is many overlapping elements) or the default cap.
 */
class FlinkEmbeddedAssemblyTest {
  @ParameterizedTest
  @ValueSource(ints = {2, 4096})
  void shuffledTcpEdgeCapturesAndDatagramsOnFlink(int fragmentPackets) {
    List<Packet> packets = new ArrayList<>();
    for (String capture : SharedData.capturesIn("tcp-edge")) {
      packets.addAll(SharedData.packets(SharedData.ref("tcp-edge", capture, ".packets.csv")));
    }
    // UDP and ICMP: hand-built flows, and real ones (DNS, STUN, VoIP, ICMP errors).
    packets.addAll(SampleTraffic.datagramTraffic());
    packets.addAll(SharedData.packets(SharedData.ref("ndpi", "skype.pcap", ".packets.csv")));
    List<FlowRecord> expected = FlowAssembler.assemble(packets, FlowRules.defaults());
    List<Packet> shuffled = new ArrayList<>(packets);
    Collections.shuffle(shuffled, new Random(3));
    List<TimestampedValue<Packet>> input = new ArrayList<>();
    for (Packet p : shuffled) {
      input.add(TimestampedValue.of(p, new Instant(Math.floorDiv(p.timestampMicros(), 1000))));
    }

    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setParallelism(2);
    TestPipeline p = TestPipeline.fromOptions(options).enableAbandonedNodeEnforcement(false);
    PAssert.that(
            p.apply(Create.timestamped(input).withCoder(PacketCoder.of()))
                .apply(AssembleFlows.create().withFragmentPackets(fragmentPackets)))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }
}
