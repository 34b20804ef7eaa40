package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.SharedData.TsharkStream;
import org.flowbeam.testing.Trace;
import org.flowbeam.testing.TsharkAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FlowBeam's TCP flows against tshark's streams on the real captures' reference packet CSVs, every
 * difference explained by a documented rule (see {@link TsharkAgreement}).
 */
class TsharkAgreementTest {
  static List<String> tcpEdgeCaptures() {
    return SharedData.capturesIn("tcp-edge");
  }

  private static TsharkAgreement.Result compare(String folder, String capture) {
    List<Packet> packets = SharedData.packets(SharedData.ref(folder, capture, ".packets.csv"));
    List<FlowRecord> flows = TcpFlowAssembler.assemble(packets, FlowRules.defaults());
    return TsharkAgreement.compare(
        flows, SharedData.streams(SharedData.ref(folder, capture, ".flows.csv")));
  }

  @ParameterizedTest
  @MethodSource("tcpEdgeCaptures")
  void tcpEdgeCasesAgreeWithTshark(String capture) {
    TsharkAgreement.Result r = compare("tcp-edge", capture);
    assertThat(capture + ": " + r, r.agrees(), is(true));
  }

  @Test
  void passedTimeoutSplitsWhereTsharkDoesNot() {
    // tshark keeps one stream across a gap of ten years; FlowBeam (like suricata) ends the flow at
    // the idle timeout, after a close as before one, so the packets a decade later form a flow of
    // their own.
    TsharkAgreement.Result r = compare("tcp-edge", "passed_timeout.pcap");
    assertThat(r.explained(), equalTo(Map.of("idle_timeout", 1)));
    assertThat(r.flowBeamFlows(), equalTo(2));
  }

  /**
   * A FIN close, then the server's RST 10 s later: one tshark stream (as tshark 4.0.17 splits this
   * trace written as a capture). FlowBeam's default agrees; with a close linger the RST is a flow
   * of its own, which the comparison joins as a {@code close_linger} split.
   */
  @Test
  void aLateRstAgreesWithTsharkUnlessACloseLingerIsSet() {
    Trace t = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000);
    t.handshake().clientData(100).closeByClient().after(10_000_000).fromServer(TcpFlags.RST, 0);
    List<Packet> p = t.packets();
    List<TsharkStream> streams = List.of(stream(0, p));
    TsharkAgreement.Result byDefault =
        TsharkAgreement.compare(TcpFlowAssembler.assemble(p, FlowRules.defaults()), streams);
    assertThat(byDefault.toString(), byDefault.agrees(), is(true));
    assertThat(byDefault.explained(), equalTo(Map.of()));
    List<FlowRecord> withLinger =
        TcpFlowAssembler.assemble(
            p, FlowRules.defaults().withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US));
    assertThat(withLinger, hasSize(2));
    TsharkAgreement.Result r = TsharkAgreement.compare(withLinger, streams);
    assertThat(r.toString(), r.agrees(), is(true));
    assertThat(r.explained(), equalTo(Map.of("close_linger", 1)));
  }

  @Test
  void loopbackAgreesWithTshark() {
    TsharkAgreement.Result r = compare("loopback", "lo-http-ab-2ip.pcap");
    assertThat(r.toString(), r.agrees(), is(true));
    assertThat(r.tsharkStreams(), equalTo(20311));
  }

  private static List<Packet> connection() {
    return Trace.between("10.0.0.1", 40000, "10.0.0.2", 80)
        .at(1_000_000)
        .handshake()
        .clientData(100)
        .serverData(500)
        .clientData(10)
        .packets();
  }

  /** tshark's view of {@code packets} as one stream: a is the first packet's sender. */
  private static TsharkStream stream(int id, List<Packet> packets) {
    Packet first = packets.get(0);
    long[] pkts = new long[2];
    long[] bytes = new long[2];
    int syn = 0;
    int fin = 0;
    int rst = 0;
    for (Packet p : packets) {
      int d = p.srcPort() == first.srcPort() ? 0 : 1;
      pkts[d]++;
      bytes[d] += p.length();
      syn += TcpFlags.has(p.flags(), TcpFlags.SYN) ? 1 : 0;
      fin += TcpFlags.has(p.flags(), TcpFlags.FIN) ? 1 : 0;
      rst += TcpFlags.has(p.flags(), TcpFlags.RST) ? 1 : 0;
    }
    return new TsharkStream(
        id,
        first.timestampMicros(),
        packets.get(packets.size() - 1).timestampMicros(),
        first.srcIpText(),
        first.srcPort(),
        first.dstIpText(),
        first.dstPort(),
        pkts[0],
        pkts[1],
        bytes[0],
        bytes[1],
        syn,
        fin,
        rst);
  }

  @Test
  void tsharkSplitWithoutSynIsJoined() {
    List<Packet> p = connection();
    List<FlowRecord> flows = TcpFlowAssembler.assemble(p, FlowRules.defaults());
    // tshark restarts the stream after the handshake: no SYN after, no FIN or RST before.
    TsharkAgreement.Result r =
        TsharkAgreement.compare(
            flows, List.of(stream(0, p.subList(0, 3)), stream(1, p.subList(3, p.size()))));
    assertThat(r.toString(), r.agrees(), is(true));
    assertThat(r.explained(), equalTo(Map.of("tshark_split_without_syn", 1)));
  }

  @Test
  void tsharkSplitBeforeASynIsNotJoined() {
    List<Packet> p = connection();
    List<FlowRecord> flows = TcpFlowAssembler.assemble(p, FlowRules.defaults());
    // The later stream holds the SYN-ACK: a split there is not one without TCP cause.
    TsharkAgreement.Result r =
        TsharkAgreement.compare(
            flows, List.of(stream(0, p.subList(0, 1)), stream(1, p.subList(1, p.size()))));
    assertThat(r.agrees(), is(false));
  }

  @Test
  void frameRulesExplainOnlyTheConversationsTheyName() {
    List<Packet> p = connection();
    List<Packet> tunnelled =
        Trace.between("192.0.2.1", 1234, "198.51.100.1", 443).at(2_000_000).handshake().packets();
    List<FlowRecord> flows = TcpFlowAssembler.assemble(p, FlowRules.defaults());
    List<TsharkStream> streams = List.of(stream(0, p), stream(1, tunnelled));
    assertThat(TsharkAgreement.compare(flows, streams).agrees(), is(false));
    String conv = TsharkAgreement.conversation("192.0.2.1", 1234, "198.51.100.1", 443);
    TsharkAgreement.Result r =
        TsharkAgreement.compare(flows, streams, Map.of(conv, "tunnel_inner_header"));
    assertThat(r.toString(), r.agrees(), is(true));
    assertThat(r.explained(), equalTo(Map.of("tunnel_inner_header", 1)));
  }
}
