package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KeyAssembly} gives the flows of sorting all of a key's packets at once ({@link
 * FlowAssembler}), whatever the fragments' size and however the inputs overlap in time, while
 * holding only the packets whose order is not settled yet.
 */
class KeyAssemblyTest {
  private static final FlowRules RULES = FlowRules.defaults();

  /**
   * Fragments {@code packets} as readers would: the packets are dealt in runs to {@code inputs}
   * inputs (files or ranges that cover the same time), each input keeps file order and cuts a key's
   * packets into fragments of at most {@code cap}; the fragments then arrive as a runner's sort
   * delivers them, by their oldest packet's millisecond, ties in random order.
   */
  private static List<FlowRecord> assembleInFragments(
      List<Packet> packets, int cap, int inputs, long seed, boolean carryStateAsBytes) {
    Random random = new Random(seed);
    List<List<Packet>> perInput = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      perInput.add(new ArrayList<>());
    }
    int input = 0;
    for (int i = 0; i < packets.size(); i++) {
      if (random.nextInt(5) == 0) {
        input = random.nextInt(inputs);
      }
      perInput.get(input).add(packets.get(i));
    }
    Map<FlowKey, List<PacketFragment>> byKey = new TreeMap<>();
    for (List<Packet> in : perInput) {
      Map<FlowKey, PacketFragment.Builder> open = new TreeMap<>();
      for (Packet p : in) {
        if (!RULES.makesFlows(p.protocol())) {
          continue;
        }
        FlowKey key = FlowKey.of(p);
        PacketFragment.Builder b = open.computeIfAbsent(key, PacketFragment::builder);
        b.add(p);
        if (b.size() >= cap) {
          byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(b.build());
          open.remove(key);
        }
      }
      open.forEach((k, b) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(b.build()));
    }
    List<FlowRecord> flows = new ArrayList<>();
    for (Map.Entry<FlowKey, List<PacketFragment>> e : byKey.entrySet()) {
      List<PacketFragment> fragments = e.getValue();
      Collections.shuffle(fragments, random);
      fragments.sort(Comparator.comparingLong(f -> millis(f.oldestUs())));
      KeyAssembly a = new KeyAssembly(e.getKey(), RULES);
      for (PacketFragment f : fragments) {
        a.add(f, millis(f.oldestUs()) * 1000, flows::add);
        if (carryStateAsBytes) {
          a = roundTrip(a);
        }
      }
      a.finish(flows::add);
    }
    long end = packets.stream().mapToLong(Packet::timestampMicros).max().orElse(0);
    return flows.stream().map(f -> EndOfDataRule.apply(f, end, RULES.idleTimeoutUs())).toList();
  }

  private static long millis(long micros) {
    return Math.floorDiv(micros, 1000);
  }

  private static KeyAssembly roundTrip(KeyAssembly a) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      a.writeTo(new DataOutputStream(bytes));
      return KeyAssembly.readFrom(
          new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<FlowRecord> sorted(List<FlowRecord> flows) {
    List<FlowRecord> s = new ArrayList<>(flows);
    s.sort(Comparator.comparing(FlowRecord::flowId));
    return s;
  }

  /** Two connections on one 5-tuple (port reuse), an idle split, a reset, IPv6, same-ms bursts. */
  private static List<Packet> handBuiltTraffic() {
    List<Packet> all = new ArrayList<>(SampleTraffic.portReuseAndIdleSplit());
    all.addAll(SampleTraffic.datagramTraffic());
    Trace c = Trace.between("10.0.0.5", 1234, "10.0.0.6", 22).at(2_000_000);
    c.handshake();
    for (int i = 0; i < 500; i++) {
      c.clientData(1).serverData(0);
    }
    c.closeByClient();
    all.addAll(c.packets());
    all.sort(Packet.EVENT_ORDER);
    return all;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 64, 4096})
  void anyFragmentCapGivesTheFlowsOfOneSort(int cap) {
    List<Packet> packets = handBuiltTraffic();
    List<FlowRecord> expected = FlowAssembler.assemble(packets, RULES);
    for (int inputs = 1; inputs <= 3; inputs++) {
      assertThat(
          sorted(assembleInFragments(packets, cap, inputs, cap * 31L + inputs, false)),
          equalTo(sorted(expected)));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 50})
  void stateCarriedAsBytesBetweenFragmentsGivesTheSameFlows(int cap) {
    List<Packet> packets = handBuiltTraffic();
    assertThat(
        sorted(assembleInFragments(packets, cap, 2, 5, true)),
        equalTo(sorted(FlowAssembler.assemble(packets, RULES))));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 5, 4096})
  void tcpEdgeCapturesGiveTheFlowsOfOneSort(int cap) {
    for (String capture : SharedData.capturesIn("tcp-edge")) {
      List<Packet> packets =
          SharedData.packets(SharedData.ref("tcp-edge", capture, ".packets.csv"));
      assertThat(
          capture,
          sorted(assembleInFragments(packets, cap, 2, 11, false)),
          equalTo(sorted(FlowAssembler.assemble(packets, RULES))));
    }
  }

  @Test
  void realLoopbackCaptureGivesTheFlowsOfOneSort() {
    List<Packet> packets =
        SharedData.packets(SharedData.ref("loopback", "lo-http-ab-2ip.pcap", ".packets.csv"));
    List<FlowRecord> expected = FlowAssembler.assemble(packets, RULES);
    assertThat(expected.size(), equalTo(20_311));
    assertThat(sorted(assembleInFragments(packets, 4, 2, 3, false)), equalTo(sorted(expected)));
  }

  @Test
  void aLongConnectionHoldsAboutOneFragmentAtATime() {
    Trace t = Trace.between("10.9.0.1", 50000, "10.9.0.2", 443).at(0).handshake();
    for (int i = 0; i < 20_000; i++) {
      t.serverData(1400).clientData(0);
    }
    List<Packet> packets = t.closeByClient().packets();
    FlowKey key = FlowKey.of(packets.get(0));
    int cap = 100;
    KeyAssembly a = new KeyAssembly(key, RULES);
    List<FlowRecord> flows = new ArrayList<>();
    long mostWaiting = 0;
    for (int from = 0; from < packets.size(); from += cap) {
      PacketFragment f =
          PacketFragment.of(key, packets.subList(from, Math.min(packets.size(), from + cap)));
      a.add(f, millis(f.oldestUs()) * 1000, flows::add);
      mostWaiting = Math.max(mostWaiting, a.pendingPackets());
    }
    a.finish(flows::add);
    assertThat(flows.size(), equalTo(1));
    assertThat(flows.get(0).packetCount(), equalTo((long) packets.size()));
    assertThat(mostWaiting, lessThanOrEqualTo(2L * cap));
    assertThat(a.pendingPackets(), equalTo(0L));
  }

  @Test
  void fragmentsOutOfTimeOrderAreRefused() {
    List<Packet> packets =
        Trace.between("10.0.0.1", 1, "10.0.0.2", 2).at(5_000_000).handshake().packets();
    FlowKey key = FlowKey.of(packets.get(0));
    KeyAssembly a = new KeyAssembly(key, RULES);
    a.add(PacketFragment.of(key, packets.subList(1, 3)), 5_000_000, f -> {});
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> a.add(PacketFragment.of(key, packets.subList(0, 1)), 4_000_000, f -> {}));
    assertThat(e.getMessage(), containsString("out of time order"));
  }

  @Test
  void retainedPacketsBeyondTheLimitAreRefusedByName() {
    Trace t = Trace.between("10.0.0.1", 1000, "10.0.0.2", 80).at(0).handshake();
    for (int i = 0; i < TcpConnection.MAX_RETAINED_PACKETS; i++) {
      t.fromClient(TcpFlags.ACK, 10);
    }
    List<Packet> packets = t.packets();
    TcpFlowTracker tracker =
        new TcpFlowTracker(FlowKey.of(packets.get(0)), RULES.withRetainPackets(true));
    FlowTooLargeException e =
        assertThrows(
            FlowTooLargeException.class, () -> packets.forEach(p -> tracker.accept(p, f -> {})));
    assertThat(e.getMessage(), containsString("--layout=timearcs"));
    assertThat(e.getMessage(), containsString("10.0.0.1"));
  }

  @Test
  void stateWithRetainedAndWaitingPacketsSurvivesBytes() {
    List<Packet> packets = handBuiltTraffic();
    FlowRules retain = RULES.withRetainPackets(true);
    List<Packet> one =
        packets.stream().filter(p -> p.srcPort() == 1234 || p.dstPort() == 1234).toList();
    FlowKey key = FlowKey.of(one.get(0));
    KeyAssembly direct = new KeyAssembly(key, retain);
    KeyAssembly carried = new KeyAssembly(key, retain);
    List<FlowRecord> a = new ArrayList<>();
    List<FlowRecord> b = new ArrayList<>();
    for (int from = 0; from < one.size(); from += 10) {
      PacketFragment f = PacketFragment.of(key, one.subList(from, Math.min(one.size(), from + 10)));
      direct.add(f, millis(f.oldestUs()) * 1000, a::add);
      carried.add(f, millis(f.oldestUs()) * 1000, b::add);
      carried = roundTrip(carried);
    }
    direct.finish(a::add);
    carried.finish(b::add);
    assertThat(b, equalTo(a));
    assertThat(b.get(0).packets().size(), equalTo(one.size()));
  }
}
