package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowTunnel;
import org.flowbeam.model.Packet;
import org.flowbeam.model.Tunnel;
import org.flowbeam.model.TunnelType;
import org.flowbeam.testing.Datagrams;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;

/**
 * A flow carries the tunnel its first packet came through, read from the initiator's side, and
 * counts the packets that came otherwise ({@link TunnelTally}), in both trackers and across a
 * carried state.
 */
class FlowTunnelTest {
  private static final FlowRules RULES = FlowRules.defaults().withIdleTimeoutUs(10_000_000);

  /** eNodeB (client side) and gateway (server side) of a GTP-U tunnel. */
  private static final Tunnel UPLINK = Tunnel.of(TunnelType.GTP_U, "172.16.0.1", "172.16.0.2");

  private static final Tunnel OTHER = Tunnel.of(TunnelType.GRE, "192.0.2.1", "192.0.2.2");

  private static String describe(FlowTunnel t) {
    return t.typeText() + " " + t.outerSrcText() + ">" + t.outerDstText() + " " + t.otherPackets();
  }

  /** Each client packet through {@code up}, each server packet through it reversed. */
  private static List<Packet> through(List<Packet> packets, String client, Tunnel up) {
    List<Packet> out = new ArrayList<>();
    for (Packet p : packets) {
      out.add(p.toBuilder().tunnel(p.srcIpText().equals(client) ? up : up.reversed()).build());
    }
    return out;
  }

  @Test
  void theFirstPacketsTunnelWinsAndOthersAreCounted() {
    TunnelTally t = new TunnelTally();
    t.add(UPLINK, true);
    t.add(UPLINK.reversed(), false); // the reply through the same tunnel
    t.add(UPLINK, true);
    assertThat(describe(t.result()), equalTo("gtp_u 172.16.0.1>172.16.0.2 0"));
    t.add(OTHER, true);
    t.add(null, false);
    t.add(UPLINK, false); // the same endpoints the wrong way round: not this tunnel's reply
    assertThat(describe(t.result()), equalTo("gtp_u 172.16.0.1>172.16.0.2 3"));

    TunnelTally plainFirst = new TunnelTally();
    plainFirst.add(null, true);
    plainFirst.add(null, false);
    assertThat(plainFirst.result(), equalTo(FlowTunnel.NONE));
    plainFirst.add(UPLINK, true);
    assertThat(describe(plainFirst.result()), equalTo(" > 1"));
  }

  @Test
  void aTcpFlowReadsItsTunnelFromTheInitiatorsSideEvenWhenTheResponderSpeaksFirst() {
    List<Packet> conversation =
        through(
            Trace.between("10.0.0.1", 40000, "10.0.0.2", 80)
                .at(1_000_000)
                .handshake()
                .clientData(100)
                .serverData(200)
                .closeByClient()
                .packets(),
            "10.0.0.1",
            UPLINK);
    List<FlowRecord> flows = FlowAssembler.assemble(conversation, RULES);
    assertThat(flows, hasSize(1));
    assertThat(describe(flows.get(0).tunnel()), equalTo("gtp_u 172.16.0.1>172.16.0.2 0"));

    // Without the SYN the SYN-ACK comes first: the initiator is still the client, and the tunnel
    // is named from the client's side although the gateway sent that first packet.
    List<FlowRecord> fromSynAck = FlowAssembler.assemble(conversation.subList(1, 5), RULES);
    assertThat(fromSynAck.get(0).initiatorIp(), equalTo("10.0.0.1"));
    assertThat(describe(fromSynAck.get(0).tunnel()), equalTo("gtp_u 172.16.0.1>172.16.0.2 0"));
  }

  @Test
  void aDatagramFlowKeepsItsFirstTunnelAndCountsThePlainPackets() {
    List<Packet> packets =
        List.of(
            Datagrams.udp(1_000_000, "10.0.0.1", 5353, "10.0.0.53", 53, 80).toBuilder()
                .tunnel(UPLINK)
                .build(),
            Datagrams.udp(1_001_000, "10.0.0.53", 53, "10.0.0.1", 5353, 120).toBuilder()
                .tunnel(UPLINK.reversed())
                .build(),
            Datagrams.udp(1_002_000, "10.0.0.1", 5353, "10.0.0.53", 53, 80));
    List<FlowRecord> flows = FlowAssembler.assemble(packets, RULES);
    assertThat(flows, hasSize(1));
    assertThat(describe(flows.get(0).tunnel()), equalTo("gtp_u 172.16.0.1>172.16.0.2 1"));
  }

  @Test
  void aFlowAfterAnIdleSplitTakesItsOwnFirstPacketsTunnel() {
    List<Packet> packets =
        List.of(
            Datagrams.udp(1_000_000, "10.0.0.1", 5353, "10.0.0.53", 53, 80).toBuilder()
                .tunnel(UPLINK)
                .build(),
            Datagrams.udp(100_000_000, "10.0.0.1", 5353, "10.0.0.53", 53, 80).toBuilder()
                .tunnel(OTHER)
                .build());
    List<String> tunnels =
        FlowAssembler.assemble(packets, RULES).stream()
            .sorted(java.util.Comparator.comparingLong(FlowRecord::startUs))
            .map(f -> describe(f.tunnel()))
            .toList();
    assertThat(tunnels, contains("gtp_u 172.16.0.1>172.16.0.2 0", "gre 192.0.2.1>192.0.2.2 0"));
  }

  /** A flow carried from run to run, cut between any two packets, keeps its tunnel and count. */
  @Test
  void aCarriedFlowKeepsItsTunnelWhereverTheRunsAreCut() {
    List<Packet> conversation =
        new ArrayList<>(
            through(
                Trace.between("2001:db8::1", 40000, "2001:db8::2", 443)
                    .at(1_000_000)
                    .handshake()
                    .clientData(100)
                    .serverData(200)
                    .closeByClient()
                    .packets(),
                "2001:db8::1",
                Tunnel.of(TunnelType.TEREDO, "198.51.100.1", "203.0.113.9")));
    conversation.set(4, conversation.get(4).toBuilder().tunnel(null).build());
    List<FlowRecord> one = FlowAssembler.assemble(conversation, RULES);
    assertThat(describe(one.get(0).tunnel()), equalTo("teredo 198.51.100.1>203.0.113.9 1"));
    for (int cut = 1; cut < conversation.size(); cut++) {
      List<FlowRecord> runs =
          RunByRun.allFlows(
              RunByRun.assemble(
                  conversation, List.of(conversation.get(cut).timestampMicros()), RULES, 2));
      assertThat("cut before packet " + cut, runs, equalTo(one));
    }
  }
}
