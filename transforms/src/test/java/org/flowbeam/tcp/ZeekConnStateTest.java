package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.ConnState;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;

/**
 * Zeek's {@code conn_state} and {@code history} of hand-built TCP traces. The expected values are
 * read from Zeek's documentation of {@code Conn::Info} ({@code base/protocols/conn/main.zeek}): the
 * meaning of each state (S0 "connection attempt seen, no reply", REJ "connection attempt rejected",
 * ...) and of each history letter (upper case from the originator, lower case from the responder;
 * {@code a}, {@code d} once a direction; {@code f}, {@code h}, {@code r}, {@code s} again only for
 * another sequence number; {@code t} at the 1st, 10th, 100th ... time), not from this code.
 */
class ZeekConnStateTest {
  private static final int SYN = TcpFlags.SYN;
  private static final int ACK = TcpFlags.ACK;
  private static final int FIN_ACK = TcpFlags.FIN | TcpFlags.ACK;
  private static final int RST = TcpFlags.RST;
  private static final int RST_ACK = TcpFlags.RST | TcpFlags.ACK;

  private static Trace trace() {
    return Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000);
  }

  private static ConnSummary conn(List<Packet> packets) {
    List<FlowRecord> out = new ArrayList<>();
    TcpFlowTracker t = new TcpFlowTracker(FlowKey.of(packets.get(0)), FlowRules.defaults());
    packets.forEach(p -> t.accept(p, out::add));
    t.finish(out::add);
    assertThat(out, hasSize(1));
    return out.get(0).conn();
  }

  private static void assertConn(List<Packet> packets, ConnState state, String history) {
    ConnSummary c = conn(packets);
    assertThat("conn_state of " + history, c.state(), equalTo(state));
    assertThat(c.history(), equalTo(history));
  }

  @Test
  void handshakeDataAndFinBothWaysIsSf() {
    List<Packet> p = trace().handshake().clientData(100).serverData(20).closeByClient().packets();
    ConnSummary c = conn(p);
    assertThat(c.state(), equalTo(ConnState.SF));
    assertThat(c.history(), equalTo("ShADadFf"));
    assertThat(c.origBytes(), equalTo(100L));
    assertThat(c.respBytes(), equalTo(20L));
    // IP bytes: Trace's packets are 40 bytes of IPv4 and TCP header plus their payload.
    assertThat(c.origIpBytes(), equalTo(6 * 40L + 100));
    assertThat(c.respIpBytes(), equalTo(4 * 40L + 20));
    // Zeek's duration stops at the packet that closed the second side: the last ACK is left out.
    assertThat(c.activeEndUs(), equalTo(p.get(p.size() - 2).timestampMicros()));
  }

  @Test
  void aSynWithoutAnswerIsS0AndARetransmittedSynIsOneS() {
    assertConn(trace().syn().packets(), ConnState.S0, "S");
    List<Packet> twice = new ArrayList<>(trace().syn().packets());
    twice.add(again(twice.get(0), 1_000_000));
    assertConn(twice, ConnState.S0, "S");
  }

  @Test
  void aSynAnsweredByRstIsRej() {
    assertConn(trace().syn().fromServer(RST_ACK, 0).packets(), ConnState.REJ, "Sr");
  }

  @Test
  void aResetAfterTheHandshakeNamesWhoReset() {
    assertConn(trace().handshake().fromClient(RST, 0).packets(), ConnState.RSTO, "ShAR");
    assertConn(trace().handshake().resetByServer().packets(), ConnState.RSTR, "ShAr");
  }

  @Test
  void aSynThenTheOriginatorsRstIsRstos0() {
    assertConn(trace().syn().fromClient(RST, 0).packets(), ConnState.RSTOS0, "SR");
  }

  @Test
  void aSynAckThenRstFromTheResponderIsRstrh() {
    // The flow is seen from its SYN-ACK: FlowBeam makes its receiver the originator, so the first
    // packet is the responder's and the history starts with ^ as for flipped roles.
    assertConn(trace().synAck().resetByServer().packets(), ConnState.RSTRH, "^hr");
  }

  @Test
  void halfOpenCloses() {
    assertConn(trace().syn().fromClient(FIN_ACK, 0).packets(), ConnState.SH, "SF");
    assertConn(trace().synAck().fromServer(FIN_ACK, 0).packets(), ConnState.SHR, "^hf");
  }

  @Test
  void oneSidedClosesAfterTheHandshake() {
    assertConn(trace().handshake().fromClient(FIN_ACK, 0).packets(), ConnState.S2, "ShAF");
    assertConn(trace().handshake().fromServer(FIN_ACK, 0).packets(), ConnState.S3, "ShAf");
  }

  @Test
  void establishedAndOpenIsS1() {
    assertConn(trace().handshake().clientData(10).serverData(10).packets(), ConnState.S1, "ShADad");
  }

  @Test
  void midstreamTrafficIsOth() {
    // Data (D), its ACK (a), the answer (d) and its ACK (A): no SYN either way.
    assertConn(trace().clientData(10).serverData(10).packets(), ConnState.OTH, "DadA");
  }

  @Test
  void retransmittedDataIsCountedLogarithmically() {
    List<Packet> p = new ArrayList<>(trace().handshake().clientData(100).packets());
    Packet data = p.get(3);
    long t = 2_000_000;
    for (int i = 0; i < 9; i++) {
      p.add(again(data, t += 1_000));
    }
    // 9 retransmissions: one t (the first); the tenth adds the second.
    assertConn(p, ConnState.S1, "ShADaT");
    p.add(again(data, t + 1_000));
    assertConn(p, ConnState.S1, "ShADaTT");
  }

  @Test
  void aFinOfAnotherSequenceNumberIsRecordedAgain() {
    List<Packet> p = new ArrayList<>(trace().handshake().fromClient(FIN_ACK, 0).packets());
    Packet fin = p.get(p.size() - 1);
    p.add(again(fin, 3_000_000)); // the same FIN retransmitted: no new letter
    p.add(fin.toBuilder().timestampMicros(3_001_000).seq(fin.seq() + 5).build());
    assertConn(p, ConnState.S2, "ShAFF");
  }

  @Test
  void multiFlagPacketsAreIAndQ() {
    assertConn(
        trace().handshake().fromClient(TcpFlags.FIN | TcpFlags.RST | ACK, 0).packets(),
        ConnState.RSTO,
        "ShAI");
    assertConn(trace().fromClient(SYN | TcpFlags.FIN, 0).packets(), ConnState.SH, "Q");
  }

  @Test
  void withoutPayloadLengthsHistoryAndPayloadBytesAreUnset() {
    List<Packet> p = new ArrayList<>();
    for (Packet q : trace().handshake().clientData(100).closeByClient().packets()) {
      p.add(q.toBuilder().payloadLength(Packet.UNKNOWN).ipLength(Packet.UNKNOWN).build());
    }
    ConnSummary c = conn(p);
    assertThat(c.state(), equalTo(ConnState.SF));
    assertThat(c.history(), equalTo(""));
    assertThat(c.origBytes(), equalTo(ConnSummary.UNSET));
    assertThat(c.respBytes(), equalTo(ConnSummary.UNSET));
    assertThat(c.origIpBytes(), equalTo(ConnSummary.UNSET));
  }

  @Test
  void aFlowCarriedBetweenRunsKeepsItsZeekState() throws Exception {
    List<Packet> p = trace().handshake().clientData(100).serverData(20).closeByClient().packets();
    FlowKey key = FlowKey.of(p.get(0));
    TcpFlowTracker first = new TcpFlowTracker(key, FlowRules.defaults());
    List<FlowRecord> out = new ArrayList<>();
    p.subList(0, 5).forEach(q -> first.accept(q, out::add));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    first.writeTo(new java.io.DataOutputStream(bytes));
    TcpFlowTracker second =
        TcpFlowTracker.readFrom(
            new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())),
            key,
            FlowRules.defaults());
    p.subList(5, p.size()).forEach(q -> second.accept(q, out::add));
    second.finish(out::add);
    assertThat(out, hasSize(1));
    assertThat(out.get(0).conn(), equalTo(conn(p)));
  }

  @Test
  void udpIsSfWhenAnsweredAndS0Otherwise() {
    Packet query = udp(1_000_000, "10.0.0.1", 5353, "10.0.0.53", 53, 30);
    Packet reply = udp(1_020_000, "10.0.0.53", 53, "10.0.0.1", 5353, 100);
    ConnSummary answered = datagramConn(List.of(query, reply));
    assertThat(answered.state(), equalTo(ConnState.SF));
    assertThat(answered.history(), equalTo("Dd"));
    assertThat(answered.origBytes(), equalTo(30L));
    assertThat(answered.respBytes(), equalTo(100L));
    assertThat(answered.origIpBytes(), equalTo(20 + 8 + 30L));
    assertThat(answered.respIpBytes(), equalTo(20 + 8 + 100L));
    ConnSummary unanswered = datagramConn(List.of(query));
    assertThat(unanswered.state(), equalTo(ConnState.S0));
    assertThat(unanswered.history(), equalTo("D"));
  }

  @Test
  void icmpIsOthWithoutHistory() {
    Packet echo =
        Packet.builder()
            .timestampMicros(1_000_000)
            .src("10.0.0.1", 0)
            .dst("8.8.8.8", 0)
            .protocol(IpProtocol.ICMP)
            .icmp(8, 0)
            .seq(7L << 16 | 1)
            .length(98)
            .ipLength(84)
            .payloadLength(56)
            .build();
    Packet reply =
        echo.toBuilder()
            .timestampMicros(1_010_000)
            .src("8.8.8.8", 0)
            .dst("10.0.0.1", 0)
            .icmp(0, 0)
            .build();
    ConnSummary c = datagramConn(List.of(echo, reply));
    assertThat(c.state(), equalTo(ConnState.OTH));
    assertThat(c.history(), equalTo(""));
    assertThat(c.origBytes(), equalTo(56L));
    assertThat(c.respBytes(), equalTo(56L));
  }

  private static Packet udp(
      long us, String src, int srcPort, String dst, int dstPort, int payload) {
    return Packet.builder()
        .timestampMicros(us)
        .src(src, srcPort)
        .dst(dst, dstPort)
        .protocol(IpProtocol.UDP)
        .length(14 + 20 + 8 + payload)
        .ipLength(20 + 8 + payload)
        .payloadLength(payload)
        .build();
  }

  private static ConnSummary datagramConn(List<Packet> packets) {
    List<FlowRecord> out = new ArrayList<>();
    DatagramFlowTracker t =
        new DatagramFlowTracker(FlowKey.of(packets.get(0)), FlowRules.defaults());
    packets.forEach(p -> t.accept(p, out::add));
    t.finish(out::add);
    assertThat(out, hasSize(1));
    return out.get(0).conn();
  }

  /** {@code p} sent again at {@code us}. */
  private static Packet again(Packet p, long us) {
    return p.toBuilder().timestampMicros(us).sourceOffset(us).build();
  }
}
