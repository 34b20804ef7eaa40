package org.flowbeam.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.HourlyIpStats;
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
        .containsInAnyOrder(new PacketTotals(3, 2, 1, 0, 350, 500_000, 1_900_000));
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
            // The UDP packet's flow starts in the second bin.
            new TimeBin(1_000_000, 2_000_000, 2, 250, new FlagCounts(0, 1, 0, 0, 1, 0, 0, 0), 1));
    p.run().waitUntilFinish();
  }

  // Three UTC hours across a day boundary: 2024-03-10 22:00, 23:00 and 2024-03-11 00:00.
  private static final long H22 = micros("2024-03-10T22:00:00Z");
  private static final long H23 = micros("2024-03-10T23:00:00Z");
  private static final long H00 = micros("2024-03-11T00:00:00Z");
  private static final long MINUTE = 60_000_000L;

  private static long micros(String instant) {
    return java.time.Instant.parse(instant).toEpochMilli() * 1000L;
  }

  private static Packet packet(long ts, String src, String dst, int protocol, int length) {
    return Packet.builder()
        .timestampMicros(ts)
        .src(src, 1000)
        .dst(dst, 80)
        .protocol(protocol)
        .flags(protocol == IpProtocol.TCP ? TcpFlags.ACK : 0)
        .length(length)
        .build();
  }

  /** A, B, C and two IPv6 hosts over three hours; one packet on each side of 23:00 exactly. */
  private static final List<Packet> THREE_HOURS =
      List.of(
          packet(H22 + 10 * MINUTE, "10.0.0.1", "10.0.0.2", IpProtocol.TCP, 100),
          packet(H23 - 1, "10.0.0.2", "10.0.0.1", IpProtocol.TCP, 200),
          packet(H23, "10.0.0.1", "10.0.0.3", IpProtocol.UDP, 50),
          packet(H23 + 30 * MINUTE, "10.0.0.3", "10.0.0.1", IpProtocol.UDP, 70),
          packet(H00 + 5 * MINUTE, "10.0.0.1", "10.0.0.2", IpProtocol.TCP, 300),
          packet(H00 + 6 * MINUTE, "2001:db8::1", "2001:db8::2", IpProtocol.TCP, 80));

  /** Hand-counted from {@link #THREE_HOURS}. */
  private static final List<HourlyIpStats> THREE_HOURS_HOURLY =
      List.of(
          new HourlyIpStats(
              H22, new IpStats("10.0.0.1", 1, 1, 100, 200, H22 + 10 * MINUTE, H23 - 1)),
          new HourlyIpStats(
              H22, new IpStats("10.0.0.2", 1, 1, 200, 100, H22 + 10 * MINUTE, H23 - 1)),
          new HourlyIpStats(H23, new IpStats("10.0.0.1", 1, 1, 50, 70, H23, H23 + 30 * MINUTE)),
          new HourlyIpStats(H23, new IpStats("10.0.0.3", 1, 1, 70, 50, H23, H23 + 30 * MINUTE)),
          new HourlyIpStats(
              H00, new IpStats("10.0.0.1", 1, 0, 300, 0, H00 + 5 * MINUTE, H00 + 5 * MINUTE)),
          new HourlyIpStats(
              H00, new IpStats("10.0.0.2", 0, 1, 0, 300, H00 + 5 * MINUTE, H00 + 5 * MINUTE)),
          new HourlyIpStats(
              H00, new IpStats("2001:db8::1", 1, 0, 80, 0, H00 + 6 * MINUTE, H00 + 6 * MINUTE)),
          new HourlyIpStats(
              H00, new IpStats("2001:db8::2", 0, 1, 0, 80, H00 + 6 * MINUTE, H00 + 6 * MINUTE)));

  /** Hand-counted from {@link #THREE_HOURS}. */
  private static final List<IpStats> THREE_HOURS_PER_IP =
      List.of(
          new IpStats("10.0.0.1", 3, 2, 450, 270, H22 + 10 * MINUTE, H00 + 5 * MINUTE),
          new IpStats("10.0.0.2", 1, 2, 200, 400, H22 + 10 * MINUTE, H00 + 5 * MINUTE),
          new IpStats("10.0.0.3", 1, 1, 70, 50, H23, H23 + 30 * MINUTE),
          new IpStats("2001:db8::1", 1, 0, 80, 0, H00 + 6 * MINUTE, H00 + 6 * MINUTE),
          new IpStats("2001:db8::2", 0, 1, 0, 80, H00 + 6 * MINUTE, H00 + 6 * MINUTE));

  @Test
  void perIpPerHourSplitsByUtcHourAndSumsToPerIp(TestPipeline p) {
    List<TimestampedValue<Packet>> values = new ArrayList<>();
    for (Packet pk : THREE_HOURS) {
      values.add(TimestampedValue.of(pk, PacketDigester.toInstant(pk.timestampMicros())));
    }
    PacketDigest.Result d =
        p.apply(Create.timestamped(values).withCoder(PacketCoder.of()))
            .apply(PacketDigest.withBinSizeUs(1_000_000));
    PCollection<HourlyIpStats> hourly = TrafficStats.perIpPerHour(d);
    PAssert.that(hourly).containsInAnyOrder(THREE_HOURS_HOURLY);
    PAssert.that(hourly)
        .satisfies(
            h -> {
              assertThat(sumOverHours(h), containsInAnyOrder(THREE_HOURS_PER_IP.toArray()));
              return null;
            });
    PAssert.that(TrafficStats.perIp(d)).containsInAnyOrder(THREE_HOURS_PER_IP);
    p.run().waitUntilFinish();
  }

  @Test
  void hourStartsAreUtcHoursAlsoBeforeTheEpoch() {
    assertThat(HourlyIpStats.hourStartUs(H23 - 1), equalTo(H22));
    assertThat(HourlyIpStats.hourStartUs(H23), equalTo(H23));
    assertThat(HourlyIpStats.hourStartUs(-1), equalTo(-HourlyIpStats.HOUR_US));
  }

  /** The hourly statistics of each address added up: counts summed, first and last the extremes. */
  private static List<IpStats> sumOverHours(Iterable<HourlyIpStats> hourly) {
    Map<String, IpStats> byIp = new TreeMap<>();
    for (HourlyIpStats h : hourly) {
      byIp.merge(
          h.stats().ip(),
          h.stats(),
          (a, b) ->
              new IpStats(
                  a.ip(),
                  a.sentPackets() + b.sentPackets(),
                  a.recvPackets() + b.recvPackets(),
                  a.sentBytes() + b.sentBytes(),
                  a.recvBytes() + b.recvBytes(),
                  Math.min(a.firstTs(), b.firstTs()),
                  Math.max(a.lastTs(), b.lastTs())));
    }
    return new ArrayList<>(byIp.values());
  }
}
