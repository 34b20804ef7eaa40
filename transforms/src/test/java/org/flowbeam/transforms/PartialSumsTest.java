package org.flowbeam.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.apache.beam.sdk.util.CoderUtils;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.HourlyIpStats;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.model.TimeBin;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The partial sums and their one combiner: each counts what it is given, survives its coder, and
 * combines to the same result however its inputs are split into bundles and merged ({@link
 * CombineFnTester} tries many shardings and merge orders).
 */
class PartialSumsTest {
  @Test
  void ipTrafficCountsEachDirectionAndTheTimeSpan() {
    IpTraffic t = new IpTraffic();
    t.addReceived(200, 3_000);
    t.addSent(60, 1_000);
    t.addSent(40, 2_000);
    assertThat(
        t.toIpStats("10.0.0.1"), equalTo(new IpStats("10.0.0.1", 2, 1, 100, 200, 1_000, 3_000)));
  }

  @Test
  void binTrafficCountsFlagsOfTcpPacketsAndFlowStarts() {
    BinTraffic b = new BinTraffic();
    b.addTcpPacket(60, TcpFlags.SYN);
    b.addTcpPacket(60, TcpFlags.SYN | TcpFlags.ACK);
    b.addPacket(100);
    b.add(BinTraffic.flowStart());
    assertThat(
        b.toTimeBin(0, 10),
        equalTo(new TimeBin(0, 10, 3, 220, new FlagCounts(0, 2, 0, 0, 1, 0, 0, 0), 1)));
  }

  @Test
  void totalTrafficCountsTcpUdpAndIcmpPacketsApart() {
    TotalTraffic t = new TotalTraffic();
    assertThat(t.isEmpty(), equalTo(true));
    t.addPacket(60, IpProtocol.TCP, 5);
    t.addPacket(40, 47, 2); // GRE
    t.addPacket(70, IpProtocol.UDP, 3);
    t.addPacket(80, IpProtocol.ICMP, 4);
    t.addPacket(90, IpProtocol.ICMPV6, 4);
    assertThat(t.toPacketTotals(), equalTo(new PacketTotals(5, 1, 1, 2, 340, 2, 5)));
    assertThat(t.toPacketTotals().packetsOf(FlowProtocol.ALL), equalTo(4L));
    assertThat(t.toPacketTotals().packetsOf(Set.of(FlowProtocol.UDP)), equalTo(1L));
  }

  @Test
  void ipTrafficCombinesAsOne() {
    List<IpTraffic> inputs = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      IpTraffic t = new IpTraffic();
      t.addSent(10 * i, 1_000 + i);
      t.addReceived(i, 500 - i);
      inputs.add(t);
    }
    CombineFnTester.testCombineFn(
        IpTraffic.combineFn(),
        inputs,
        named(t -> t.toIpStats("a"), new IpStats("a", 7, 7, 210, 21, 494, 1_006)));
  }

  @Test
  void binTrafficCombinesAsOne() {
    List<BinTraffic> inputs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      BinTraffic b = new BinTraffic();
      b.addTcpPacket(i, TcpFlags.FIN | TcpFlags.ACK);
      inputs.add(b);
      inputs.add(BinTraffic.flowStart());
    }
    CombineFnTester.testCombineFn(
        BinTraffic.combineFn(),
        inputs,
        named(
            b -> b.toTimeBin(0, 1),
            new TimeBin(0, 1, 6, 15, new FlagCounts(6, 0, 0, 0, 6, 0, 0, 0), 6)));
  }

  @Test
  void totalTrafficCombinesAsOneAndNothingIsEmpty() {
    List<TotalTraffic> inputs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      TotalTraffic t = new TotalTraffic();
      t.addPacket(100, i % 2 == 0 ? IpProtocol.TCP : IpProtocol.UDP, 10 * i);
      inputs.add(t);
    }
    CombineFnTester.testCombineFn(
        TotalTraffic.combineFn(),
        inputs,
        named(TotalTraffic::toPacketTotals, new PacketTotals(5, 3, 2, 0, 500, 0, 40)));
    CombineFnTester.testCombineFn(
        TotalTraffic.combineFn(),
        List.of(),
        named(
            TotalTraffic::toPacketTotals,
            new PacketTotals(0, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE)));
  }

  @Test
  void sumMinMaxCombinesAsOne() {
    List<SumMinMax> inputs = new ArrayList<>();
    for (long v : new long[] {5, -3, 12, 0, 7}) {
      inputs.add(SumMinMax.of(v));
    }
    CombineFnTester.testCombineFn(
        SumMinMax.combineFn(),
        inputs,
        named(SumMinMax::toString, "SumMinMax[sum=21, min=-3, max=12]"));
    SumMinMax none = SumMinMax.combineFn().apply(List.of());
    assertThat(none.sum(), equalTo(0L));
    assertThat(none.min(), equalTo(Long.MAX_VALUE));
    assertThat(none.max(), equalTo(Long.MIN_VALUE));
  }

  @Test
  void codersRoundTripFilledAndEmptySums() throws Exception {
    IpTraffic ip = new IpTraffic();
    ip.addSent(1500, -7);
    roundTrips(IpTraffic.coder(), ip, t -> t.toIpStats("x"));
    roundTrips(IpTraffic.coder(), new IpTraffic(), t -> t.toIpStats("x"));
    BinTraffic bin = new BinTraffic();
    bin.addTcpPacket(60, 0xff);
    bin.add(BinTraffic.flowStart());
    roundTrips(BinTraffic.coder(), bin, b -> b.toTimeBin(0, 1));
    TotalTraffic total = new TotalTraffic();
    total.addPacket(60, IpProtocol.TCP, Long.MAX_VALUE - 1);
    total.addPacket(60, IpProtocol.ICMP, Long.MAX_VALUE - 1);
    roundTrips(TotalTraffic.coder(), total, TotalTraffic::toPacketTotals);
    roundTrips(TotalTraffic.coder(), new TotalTraffic(), TotalTraffic::toPacketTotals);
    roundTrips(SumMinMax.coder(), SumMinMax.of(-42), SumMinMax::toString);
    roundTrips(PacketTotals.coder(), new PacketTotals(1, 2, 3, 4, 5, 6, 7), t -> t);
    roundTrips(IpHour.coder(), new IpHour(HourlyIpStats.HOUR_US, "::1"), k -> k);
  }

  private static <T, R> void roundTrips(Coder<T> coder, T value, Function<T, R> name)
      throws Exception {
    T decoded = CoderUtils.clone(coder, value);
    assertThat(name.apply(decoded), equalTo(name.apply(value)));
    CoderProperties.coderSerializable(coder);
    coder.verifyDeterministic();
  }

  /** Matches a partial sum by the record (or text) that names it. */
  private static <T, R> Matcher<T> named(Function<T, R> name, R expected) {
    return new FeatureMatcher<T, R>(equalTo(expected), "named", "named") {
      @Override
      protected R featureValueOf(T actual) {
        return name.apply(actual);
      }
    };
  }
}
