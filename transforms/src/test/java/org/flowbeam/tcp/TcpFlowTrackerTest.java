package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;

class TcpFlowTrackerTest {
  private static final FlowRules RULES = FlowRules.defaults();

  private static Trace conversation() {
    return Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000);
  }

  private static List<FlowRecord> track(List<Packet> packets, FlowRules rules) {
    List<FlowRecord> out = new ArrayList<>();
    TcpFlowTracker t = new TcpFlowTracker(FlowKey.of(packets.get(0)), rules);
    packets.forEach(p -> t.accept(p, out::add));
    t.finish(out::add);
    return out;
  }

  private static List<FlowRecord> track(List<Packet> packets) {
    return track(packets, RULES);
  }

  @Test
  void gracefulConnectionIsClosedByFin() {
    List<Packet> p =
        conversation().handshake().clientData(100).serverData(500).closeByClient().packets();
    List<FlowRecord> flows = track(p);
    assertThat(flows, hasSize(1));
    FlowRecord f = flows.get(0);
    assertThat(f.initiatorIp(), equalTo("10.0.0.1"));
    assertThat(f.initiatorPort(), equalTo(40000));
    assertThat(f.responderPort(), equalTo(80));
    assertThat(f.state(), equalTo(FlowState.CLOSED));
    assertThat(f.closeReason(), equalTo(CloseReason.FIN));
    assertThat(f.handshakeComplete(), is(true));
    // client: SYN, ACK, data, ACK(of server data), FIN, last ACK = 6; server: SYN-ACK, ACK, data,
    // FIN = 4
    assertThat(f.packetsFwd(), equalTo(6L));
    assertThat(f.packetsRev(), equalTo(4L));
    assertThat(f.bytesFwd(), equalTo(6 * 54L + 100));
    assertThat(f.bytesRev(), equalTo(4 * 54L + 500));
    assertThat(f.startUs(), equalTo(1_000_000L));
    assertThat(f.endUs(), equalTo(p.get(p.size() - 1).timestampMicros()));
    assertThat(f.flagCounts().syn(), equalTo(2L));
    assertThat(f.flagCounts().fin(), equalTo(2L));
    assertThat(f.flagCounts().ack(), equalTo(9L));
    assertThat(f.flagCounts().psh(), equalTo(2L));
    assertThat(f.flowId(), matchesPattern("[0-9a-f]{16}"));
  }

  @Test
  void resetAfterHandshakeAborts() {
    List<FlowRecord> flows =
        track(conversation().handshake().clientData(10).resetByServer().packets());
    assertThat(flows, hasSize(1));
    assertThat(flows.get(0).state(), equalTo(FlowState.ABORTED));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.RST));
  }

  @Test
  void resetDuringHandshakeIsInvalid() {
    List<FlowRecord> flows = track(conversation().syn().resetByServer().packets());
    assertThat(flows.get(0).state(), equalTo(FlowState.INVALID));
    assertThat(flows.get(0).invalidReason(), equalTo(InvalidReason.RST_DURING_HANDSHAKE));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.RST));
  }

  @Test
  void incompleteHandshakesSayWhatIsMissing() {
    assertThat(
        track(conversation().syn().packets()).get(0).invalidReason(),
        equalTo(InvalidReason.INCOMPLETE_NO_SYNACK));
    assertThat(
        track(conversation().syn().synAck().packets()).get(0).invalidReason(),
        equalTo(InvalidReason.INCOMPLETE_NO_ACK));
    FlowRecord midStream = track(conversation().clientData(100).serverData(10).packets()).get(0);
    assertThat(midStream.invalidReason(), equalTo(InvalidReason.INCOMPLETE_NO_SYN));
    assertThat(midStream.closeReason(), equalTo(CloseReason.END_OF_DATA));
    assertThat(midStream.initiatorIp(), equalTo("10.0.0.1"));
  }

  @Test
  void synAckWithWrongAckNumberIsInvalid() {
    List<Packet> p = new ArrayList<>(conversation().syn().packets());
    Packet bad = conversation().after(5).synAck().packets().get(0).toBuilder().ack(7).build();
    p.add(bad);
    assertThat(track(p).get(0).invalidReason(), equalTo(InvalidReason.INVALID_SYNACK));
  }

  @Test
  void flowStartingWithSynAckHasTheReceiverAsInitiator() {
    List<Packet> p = conversation().synAck().ack().clientData(5).packets();
    FlowRecord f = track(p).get(0);
    assertThat(f.initiatorIp(), equalTo("10.0.0.1"));
    assertThat(f.packetsRev(), equalTo(2L));
  }

  @Test
  void retransmittedSynStaysInTheFlow() {
    Trace t = conversation().syn();
    t.clientIsn(1_000).after(1_000_000).syn().synAck().ack();
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(1));
    assertThat(flows.get(0).flagCounts().syn(), equalTo(3L));
    assertThat(flows.get(0).handshakeComplete(), is(true));
  }

  @Test
  void newSynAfterCloseStartsANewFlow() {
    Trace t = conversation().handshake().clientData(10).closeByClient();
    t.after(10_000_000).clientIsn(777_777).handshake().clientData(20);
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(2));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.FIN));
    assertThat(flows.get(1).closeReason(), equalTo(CloseReason.END_OF_DATA));
    assertThat(flows.get(1).state(), equalTo(FlowState.ONGOING));
    assertThat(flows.get(0).flowId(), not(equalTo(flows.get(1).flowId())));
  }

  @Test
  void newSynOnAnOpenFlowIsPortReuse() {
    Trace t = conversation().handshake().clientData(10);
    t.after(100).clientIsn(9_999).handshake();
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(2));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.PORT_REUSE));
    assertThat(flows.get(0).state(), equalTo(FlowState.ONGOING));
    assertThat(flows.get(1).packetCount(), equalTo(3L));
  }

  @Test
  void idleGapSplitsIntoAContinuation() {
    Trace t = conversation().handshake().clientData(10);
    t.after(301_000_000).clientData(20).closeByClient();
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(2));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.IDLE_TIMEOUT));
    assertThat(flows.get(0).state(), equalTo(FlowState.ONGOING));
    assertThat(flows.get(1).closeReason(), equalTo(CloseReason.FIN));
    assertThat(flows.get(1).state(), equalTo(FlowState.CLOSED));
    assertThat(flows.get(1).initiatorIp(), equalTo("10.0.0.1"));
    // A shorter gap than the timeout does not split.
    Trace u = conversation().handshake().after(299_000_000).clientData(5);
    assertThat(track(u.packets()), hasSize(1));
  }

  @Test
  void activeTimeoutSplitsLongFlows() {
    Trace t = conversation().handshake();
    for (int i = 0; i < 10; i++) {
      t.after(1_000_000).clientData(10);
    }
    List<FlowRecord> flows = track(t.packets(), RULES.withActiveTimeoutUs(4_000_000));
    assertThat(flows.size(), equalTo(3));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.ACTIVE_TIMEOUT));
    assertThat(flows.get(1).closeReason(), equalTo(CloseReason.ACTIVE_TIMEOUT));
    assertThat(flows.get(2).closeReason(), equalTo(CloseReason.END_OF_DATA));
    long total = flows.stream().mapToLong(FlowRecord::packetCount).sum();
    assertThat(total, equalTo((long) t.packets().size()));
    assertThat(flows.get(1).handshakeComplete(), is(true));
  }

  /** The former default close linger, {@code --closeLinger=2}. */
  private static final FlowRules FORMER_LINGER =
      RULES.withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US);

  /** A connection closed by FIN at 1.004 s (the FIN-ACK), then the server's RST 10 s later. */
  private static Trace lateRstAfterFinClose() {
    Trace t = conversation().handshake().closeByClient();
    return t.after(10_000_000).fromServer(TcpFlags.RST, 0);
  }

  @Test
  void aLateRstAfterAFinCloseJoinsTheClosedFlow() {
    List<Packet> p = lateRstAfterFinClose().packets();
    List<FlowRecord> flows = track(p);
    assertThat(flows, hasSize(1));
    FlowRecord f = flows.get(0);
    assertThat(f.packetCount(), equalTo(7L));
    // client: SYN, ACK, FIN, last ACK; server: SYN-ACK, FIN-ACK, RST
    assertThat(f.packetsFwd(), equalTo(4L));
    assertThat(f.packetsRev(), equalTo(3L));
    assertThat(f.endUs(), equalTo(11_006_000L));
    assertThat(f.flagCounts().rst(), equalTo(1L));
    // The FIN close came first: the RST after it changes neither the state nor the reason.
    assertThat(f.state(), equalTo(FlowState.CLOSED));
    assertThat(f.closeReason(), equalTo(CloseReason.FIN));
  }

  @Test
  void packetsAfterAResetJoinTheAbortedFlow() {
    Trace t = conversation().handshake().clientData(10).resetByServer();
    t.after(30_000_000).fromClient(TcpFlags.ACK, 0).fromServer(TcpFlags.RST, 0);
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(1));
    assertThat(flows.get(0).packetCount(), equalTo(8L));
    assertThat(flows.get(0).state(), equalTo(FlowState.ABORTED));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.RST));
  }

  @Test
  void aPacketPastTheIdleTimeoutAfterACloseStartsAFlowOfItsOwn() {
    Trace t = conversation().handshake().closeByClient();
    t.after(301_000_000).fromServer(TcpFlags.RST, 0);
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(2));
    assertThat(flows.get(0).packetCount(), equalTo(6L));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.FIN));
    assertThat(flows.get(0).state(), equalTo(FlowState.CLOSED));
    // Not a continuation of the closed connection: a fresh flow, from the RST's sender.
    FlowRecord late = flows.get(1);
    assertThat(late.packetCount(), equalTo(1L));
    assertThat(late.initiatorIp(), equalTo("10.0.0.2"));
    assertThat(late.state(), equalTo(FlowState.INVALID));
    assertThat(late.invalidReason(), equalTo(InvalidReason.INCOMPLETE_NO_SYN));
    assertThat(late.closeReason(), equalTo(CloseReason.RST));
    // Exactly at the idle timeout it still joins.
    Trace u = conversation().handshake().closeByClient();
    u.after(300_000_000 - 1_000).fromServer(TcpFlags.RST, 0);
    assertThat(track(u.packets()), hasSize(1));
  }

  @Test
  void aRetransmittedSynAfterACloseJoinsTheClosedFlow() {
    // The same ISN as the connection's SYN: a retransmission, as tshark counts it (its stream
    // stays the same, also long after the close; tcp-edge/syn_duplicate_after_closed.pcap).
    Trace t = conversation().handshake().closeByClient();
    t.after(30_000_000).clientIsn(1_000).syn();
    List<FlowRecord> flows = track(t.packets());
    assertThat(flows, hasSize(1));
    assertThat(flows.get(0).flagCounts().syn(), equalTo(3L));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.FIN));
  }

  @Test
  void aCloseLingerSplitsOffTheLatePacketsAsTheFormerDefaultDid() {
    Trace t = conversation().handshake().closeByClient();
    t.after(500_000).fromServer(TcpFlags.ACK, 0);
    t.after(10_000_000).fromServer(TcpFlags.RST, 0);
    List<FlowRecord> flows = track(t.packets(), FORMER_LINGER);
    assertThat(flows, hasSize(2));
    // The ACK 0.5 s after the close is within the linger.
    assertThat(flows.get(0).packetCount(), equalTo(7L));
    assertThat(flows.get(0).closeReason(), equalTo(CloseReason.FIN));
    // The RST 10 s later is an appendix flow.
    FlowRecord appendix = flows.get(1);
    assertThat(appendix.packetCount(), equalTo(1L));
    assertThat(appendix.startUs(), equalTo(11_507_000L));
    assertThat(appendix.state(), equalTo(FlowState.INVALID));
    assertThat(appendix.invalidReason(), equalTo(InvalidReason.INCOMPLETE_NO_SYN));
    assertThat(appendix.closeReason(), equalTo(CloseReason.RST));
    // So does a retransmitted SYN past the linger, and the late RST of the trace above.
    Trace u = conversation().handshake().closeByClient();
    u.after(30_000_000).clientIsn(1_000).syn();
    assertThat(track(u.packets(), FORMER_LINGER), hasSize(2));
    assertThat(track(lateRstAfterFinClose().packets(), FORMER_LINGER), hasSize(2));
    // Without a linger the same trace is one flow.
    assertThat(track(t.packets()), hasSize(1));
  }

  @Test
  void aClosedFlowMayGrowUntilItsIdleTimeoutUnlessALingerIsSet() {
    List<Packet> closed = conversation().handshake().closeByClient().packets();
    long last = closed.get(closed.size() - 1).timestampMicros();
    long closedAt = closed.get(4).timestampMicros();
    TcpFlowTracker byDefault = new TcpFlowTracker(FlowKey.of(closed.get(0)), RULES);
    TcpFlowTracker withLinger = new TcpFlowTracker(FlowKey.of(closed.get(0)), FORMER_LINGER);
    closed.forEach(p -> byDefault.accept(p, f -> {}));
    closed.forEach(p -> withLinger.accept(p, f -> {}));
    assertThat(byDefault.openFlowMayGrowAt(closedAt + 30_000_000), is(true));
    assertThat(byDefault.openFlowMayGrowAt(last + 300_000_000), is(true));
    assertThat(byDefault.openFlowMayGrowAt(last + 300_000_001), is(false));
    assertThat(withLinger.openFlowMayGrowAt(closedAt + 2_000_000), is(true));
    assertThat(withLinger.openFlowMayGrowAt(closedAt + 2_000_001), is(false));
  }

  @Test
  void outOfOrderInputIsRefused() {
    List<Packet> p = new ArrayList<>(conversation().handshake().packets());
    java.util.Collections.reverse(p);
    assertThrows(IllegalArgumentException.class, () -> track(p));
  }

  @Test
  void idsAreDeterministicAndDistinct() {
    List<Packet> p = conversation().handshake().packets();
    assertThat(track(p).get(0).flowId(), equalTo(track(p).get(0).flowId()));
    List<String> ids =
        track(
                Trace.between("10.0.0.1", 40000, "10.0.0.2", 80)
                    .at(5)
                    .handshake()
                    .after(400_000_000)
                    .clientData(1)
                    .packets())
            .stream()
            .map(FlowRecord::flowId)
            .toList();
    assertThat(ids, hasSize(2));
    assertThat(ids.get(0), not(equalTo(ids.get(1))));
  }

  @Test
  void retainsPacketsOnlyWhenAsked() {
    List<Packet> p = conversation().handshake().packets();
    assertThat(track(p).get(0).packets(), hasSize(0));
    assertThat(track(p, RULES.withRetainPackets(true)).get(0).packets(), contains(p.toArray()));
  }
}
