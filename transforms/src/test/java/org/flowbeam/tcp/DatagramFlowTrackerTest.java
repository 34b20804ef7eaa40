package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.Datagrams;
import org.flowbeam.testing.SampleTraffic;
import org.junit.jupiter.api.Test;

/**
 * {@link DatagramFlowTracker} (through {@link FlowAssembler}, which names flows open at the end)
 * gives the UDP and ICMP flows worked out by hand for {@link SampleTraffic#datagramTraffic()}, and
 * splits at the idle and active timeouts as documented in {@code src/docs/flow-rules.md}.
 */
class DatagramFlowTrackerTest {
  /**
   * A flow as {@code initiator>responder/protocol start..end fwd/rev packets fwd/rev bytes state
   * close_reason}, times in ms.
   */
  private static String row(FlowRecord f) {
    return f.initiatorIp()
        + ":"
        + f.initiatorPort()
        + ">"
        + f.responderIp()
        + ":"
        + f.responderPort()
        + "/"
        + f.protocol()
        + " "
        + f.startUs() / 1000
        + ".."
        + f.endUs() / 1000
        + " "
        + f.packetsFwd()
        + "/"
        + f.packetsRev()
        + " "
        + f.bytesFwd()
        + "/"
        + f.bytesRev()
        + " "
        + f.state().label()
        + " "
        + f.closeReason().label();
  }

  private static List<String> rows(List<FlowRecord> flows) {
    return flows.stream().map(DatagramFlowTrackerTest::row).toList();
  }

  @Test
  void sampleTrafficGivesTheFlowsWorkedOutByHand() {
    List<FlowRecord> flows =
        FlowAssembler.assemble(SampleTraffic.datagramTraffic(), FlowRules.defaults());
    assertThat(
        rows(flows),
        containsInAnyOrder(
            // DNS: 70 s of silence (> 60 s) split the 5-tuple; the dataset ends 1 ms after the
            // second flow, so it ends with the data.
            "10.0.0.1:5353>10.0.0.53:53/17 1000..30015 2/2 160/420 bidirectional idle_timeout",
            "10.0.0.1:5353>10.0.0.53:53/17 100000..100000 1/0 90/0 unidirectional end_of_data",
            // Silent for 95 s before the end: it would have timed out in a live run.
            "10.0.0.2:40514>10.0.0.9:514/17 2000..5000 4/0 480/0 unidirectional idle_timeout",
            // Echo: type 8 in the initiator's port, its counterpart 0 in the responder's.
            "10.0.0.1:8>8.8.8.8:0/1 10000..12030 3/3 294/294 bidirectional idle_timeout",
            // Another identifier is another conversation.
            "10.0.0.1:8>8.8.8.8:0/1 10500..10500 1/0 98/0 unidirectional idle_timeout",
            "2001:db8::1:128>2001:db8::2:129/58 20000..20001 1/1 118/118 bidirectional"
                + " idle_timeout",
            // Seen from a reply: its sender is the initiator, as in Zeek's conn.log.
            "8.8.4.4:0>10.0.0.1:8/1 50000..51020 2/1 196/98 bidirectional end_of_data",
            // An error is a flow of its own type and code.
            "10.0.0.53:3>10.0.0.1:3/1 100001..100001 1/0 118/0 unidirectional end_of_data"));
    for (FlowRecord f : flows) {
      assertThat(f.handshakeComplete(), is(false));
      assertThat(f.invalidReason().label(), equalTo(""));
      assertThat(f.flagCounts().get(1), equalTo(0L));
    }
  }

  @Test
  void eachProtocolHasItsOwnIdleTimeout() {
    FlowRules rules =
        FlowRules.defaults().withUdpIdleTimeoutUs(80_000_000).withIcmpIdleTimeoutUs(500_000);
    List<String> flows = rows(FlowAssembler.assemble(SampleTraffic.datagramTraffic(), rules));
    // UDP: the 70 s gap no longer splits the DNS flow.
    assertThat(
        flows.stream().filter(r -> r.startsWith("10.0.0.1:5353")).toList(),
        contains(
            "10.0.0.1:5353>10.0.0.53:53/17 1000..100000 3/2 250/420 bidirectional end_of_data"));
    // ICMP: each echo and its reply, a second from the next, is a flow at a 0.5 s idle timeout.
    assertThat(
        flows.stream().filter(r -> r.startsWith("10.0.0.1:8>8.8.8.8:0/1 ")).toList(),
        containsInAnyOrder(
            "10.0.0.1:8>8.8.8.8:0/1 10000..10030 1/1 98/98 bidirectional idle_timeout",
            "10.0.0.1:8>8.8.8.8:0/1 10500..10500 1/0 98/0 unidirectional idle_timeout",
            "10.0.0.1:8>8.8.8.8:0/1 11000..11030 1/1 98/98 bidirectional idle_timeout",
            "10.0.0.1:8>8.8.8.8:0/1 12000..12030 1/1 98/98 bidirectional idle_timeout"));
  }

  @Test
  void anIdleGapStartsAFreshFlowWhoseInitiatorIsTheNextSender() {
    List<Packet> p =
        List.of(
            Datagrams.udp(0, "10.0.0.1", 123, "10.0.0.2", 123, 90),
            Datagrams.udp(61_000_000, "10.0.0.2", 123, "10.0.0.1", 123, 90),
            Datagrams.udp(61_500_000, "10.0.0.1", 123, "10.0.0.2", 123, 90));
    assertThat(
        rows(track(p, FlowRules.defaults())),
        contains(
            "10.0.0.1:123>10.0.0.2:123/17 0..0 1/0 90/0 unidirectional idle_timeout",
            "10.0.0.2:123>10.0.0.1:123/17 61000..61500 1/1 90/90 bidirectional end_of_data"));
  }

  @Test
  void theActiveTimeoutSplitsALongFlowAndKeepsItsInitiator() {
    List<Packet> p = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      boolean fromClient = i % 3 != 2;
      p.add(
          fromClient
              ? Datagrams.udp(i * 1_000_000L, "10.0.0.1", 5000, "10.0.0.2", 5001, 100)
              : Datagrams.udp(i * 1_000_000L, "10.0.0.2", 5001, "10.0.0.1", 5000, 40));
    }
    // Packets at 0..9 s, the client sending two in three; pieces of at most 3.5 s.
    assertThat(
        rows(track(p, FlowRules.defaults().withActiveTimeoutUs(3_500_000))),
        contains(
            "10.0.0.1:5000>10.0.0.2:5001/17 0..3000 3/1 300/40 bidirectional active_timeout",
            "10.0.0.1:5000>10.0.0.2:5001/17 4000..7000 3/1 300/40 bidirectional active_timeout",
            "10.0.0.1:5000>10.0.0.2:5001/17 8000..9000 1/1 100/40 bidirectional end_of_data"));
  }

  @Test
  void aPieceWithTheResponderOnlyIsUnidirectional() {
    List<Packet> p =
        List.of(
            Datagrams.udp(0, "10.0.0.1", 5000, "10.0.0.2", 5001, 100),
            Datagrams.udp(2_000_000, "10.0.0.2", 5001, "10.0.0.1", 5000, 40));
    assertThat(
        rows(track(p, FlowRules.defaults().withActiveTimeoutUs(1_000_000))),
        contains(
            "10.0.0.1:5000>10.0.0.2:5001/17 0..0 1/0 100/0 unidirectional active_timeout",
            "10.0.0.1:5000>10.0.0.2:5001/17 2000..2000 0/1 0/40 unidirectional end_of_data"));
  }

  @Test
  void packetsOutOfOrderAreRefused() {
    DatagramFlowTracker t =
        new DatagramFlowTracker(
            FlowKey.of(Datagrams.udp(5, "10.0.0.1", 1, "10.0.0.2", 2, 60)), FlowRules.defaults());
    t.accept(Datagrams.udp(5, "10.0.0.1", 1, "10.0.0.2", 2, 60), f -> {});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> t.accept(Datagrams.udp(4, "10.0.0.2", 2, "10.0.0.1", 1, 60), f -> {}));
    assertThat(e.getMessage(), containsString("out of order"));
  }

  @Test
  void theOpenFlowMayGrowWithinItsProtocolsIdleTimeout() {
    Packet ping = Datagrams.icmp(1_000_000, "10.0.0.1", "10.0.0.2", 8, 0, 1, 1, 98);
    DatagramFlowTracker t =
        new DatagramFlowTracker(
            FlowKey.of(ping), FlowRules.defaults().withIcmpIdleTimeoutUs(10_000_000));
    assertThat(t.openFlowMayGrowAt(1_000_000), is(false));
    t.accept(ping, f -> {});
    assertThat(t.openFlowPackets(), equalTo(1L));
    assertThat(t.openFlowMayGrowAt(11_000_000), is(true));
    assertThat(t.openFlowMayGrowAt(11_000_001), is(false));
  }

  @Test
  void stateWrittenMidFlowResumesIntoTheSameFlows() throws IOException {
    List<Packet> p = SampleTraffic.datagramTraffic();
    List<Packet> dns = p.stream().filter(x -> x.protocol() == 17 && x.srcPort() != 40514).toList();
    FlowRules rules = FlowRules.defaults();
    List<FlowRecord> whole = track(dns, rules);
    for (int cut = 1; cut < dns.size(); cut++) {
      List<FlowRecord> out = new ArrayList<>();
      DatagramFlowTracker t = new DatagramFlowTracker(FlowKey.of(dns.get(0)), rules);
      dns.subList(0, cut).forEach(x -> t.accept(x, out::add));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      t.writeTo(new DataOutputStream(bytes));
      DatagramFlowTracker back =
          DatagramFlowTracker.readFrom(
              new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
              FlowKey.of(dns.get(0)),
              rules);
      dns.subList(cut, dns.size()).forEach(x -> back.accept(x, out::add));
      back.finish(out::add);
      assertThat("cut at " + cut, out, equalTo(whole));
    }
  }

  private static List<FlowRecord> track(List<Packet> packets, FlowRules rules) {
    List<FlowRecord> out = new ArrayList<>();
    DatagramFlowTracker t = new DatagramFlowTracker(FlowKey.of(packets.get(0)), rules);
    packets.forEach(p -> t.accept(p, out::add));
    t.finish(out::add);
    return out;
  }
}
