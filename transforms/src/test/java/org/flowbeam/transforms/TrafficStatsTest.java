package org.flowbeam.transforms;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.model.TimeBin;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;

@BeamTest
class TrafficStatsTest {
  // A SYN at 0.5 s, its SYN-ACK at 1.2 s, and a UDP datagram at 1.9 s.
  private static final Packet SYN =
      Packet.builder()
          .timestampMicros(500_000)
          .src("10.0.0.1", 1000)
          .dst("10.0.0.2", 80)
          .protocol(IpProtocol.TCP)
          .flags(TcpFlags.SYN)
          .length(100)
          .build();
  private static final Packet SYN_ACK =
      Packet.builder()
          .timestampMicros(1_200_000)
          .src("10.0.0.2", 80)
          .dst("10.0.0.1", 1000)
          .protocol(IpProtocol.TCP)
          .flags(TcpFlags.SYN | TcpFlags.ACK)
          .ack(1)
          .length(200)
          .build();
  private static final Packet UDP =
      Packet.builder()
          .timestampMicros(1_900_000)
          .src("10.0.0.1", 5353)
          .dst("10.0.0.3", 53)
          .protocol(IpProtocol.UDP)
          .length(50)
          .build();

  private static PCollection<Packet> input(TestPipeline p) {
    List<TimestampedValue<Packet>> values = new ArrayList<>();
    for (Packet pk : List.of(SYN, SYN_ACK, UDP)) {
      values.add(TimestampedValue.of(pk, PacketDigester.toInstant(pk.timestampMicros())));
    }
    return p.apply(Create.timestamped(values).withCoder(PacketCoder.of()));
  }

  @Test
  void perIpCountsBothEnds(TestPipeline p) {
    PAssert.that(input(p).apply(TrafficStats.perIp()))
        .containsInAnyOrder(
            new IpStats("10.0.0.1", 2, 1, 150, 200, 500_000, 1_900_000),
            new IpStats("10.0.0.2", 1, 1, 200, 100, 500_000, 1_200_000),
            new IpStats("10.0.0.3", 0, 1, 0, 50, 1_900_000, 1_900_000));
    p.run().waitUntilFinish();
  }

  @Test
  void totalsCountPacketsTcpPacketsBytesAndTimeRange(TestPipeline p) {
    PAssert.that(input(p).apply(TrafficStats.totals()))
        .containsInAnyOrder(new PacketTotals(3, 2, 350, 500_000, 1_900_000));
    p.run().waitUntilFinish();
  }

  @Test
  void totalsOfNothingAreEmpty(TestPipeline p) {
    PAssert.that(p.apply(Create.empty(PacketCoder.of())).apply(TrafficStats.totals()))
        .satisfies(
            t -> {
              org.hamcrest.MatcherAssert.assertThat(
                  t.iterator().next().isEmpty(), org.hamcrest.Matchers.is(true));
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  void flagTypesCountTcpPacketsOnly(TestPipeline p) {
    PAssert.that(input(p).apply(TrafficStats.flagTypes()))
        .containsInAnyOrder(KV.of("SYN", 1L), KV.of("SYN+ACK", 1L));
    p.run().waitUntilFinish();
  }

  @Test
  void timeBinsHoldPacketsBytesFlagsAndFlowStarts(TestPipeline p) {
    PCollection<Packet> packets = input(p);
    PCollection<FlowRecord> flows = packets.apply(AssembleFlows.create());
    PAssert.that(packets.apply(TrafficStats.timeBins(1_000_000, flows)))
        .containsInAnyOrder(
            new TimeBin(0, 1_000_000, 1, 100, new FlagCounts(0, 1, 0, 0, 0, 0, 0, 0), 1),
            new TimeBin(1_000_000, 2_000_000, 2, 250, new FlagCounts(0, 1, 0, 0, 1, 0, 0, 0), 0));
    p.run().waitUntilFinish();
  }
}
