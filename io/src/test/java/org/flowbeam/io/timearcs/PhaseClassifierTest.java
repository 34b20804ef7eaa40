package org.flowbeam.io.timearcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.stream.Collectors;
import org.flowbeam.io.timearcs.PhaseClassifier.Entry;
import org.flowbeam.io.timearcs.PhaseClassifier.Phase;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.junit.jupiter.api.Test;

class PhaseClassifierTest {
  private static List<String> steps(List<Entry> entries) {
    return entries.stream().map(e -> e.phase().key() + ":" + e.step()).collect(Collectors.toList());
  }

  @Test
  void handshakeDataAndFin() {
    List<Entry> e = PhaseClassifier.classify(TimeArcsFixtures.c());
    assertThat(
        steps(e),
        contains(
            "establishment:syn",
            "establishment:syn_ack",
            "establishment:ack",
            "dataTransfer:data",
            "dataTransfer:ack_data",
            "closing:fin",
            "closing:fin",
            "closing:ack_close"));
    assertThat(
        e.stream().map(Entry::description).collect(Collectors.toList()),
        contains(
            "SYN (client → server)",
            "SYN+ACK (server → client)",
            "ACK (client → server)",
            "PSH+ACK (client → server)",
            "ACK (server → client)",
            "FIN+ACK (client → server)",
            "FIN+ACK (server → client)",
            "ACK (client → server)"));
    assertThat(
        e.stream().map(Entry::packetIndex).collect(Collectors.toList()),
        contains(0, 1, 2, 3, 4, 5, 6, 7));
  }

  @Test
  void anAckWithAeOrReservedBitsIsStillAnAck() {
    List<Packet> c = new java.util.ArrayList<>(TimeArcsFixtures.c().packets());
    // The server's ACK of the data (index 4) carries AE, then a reserved bit.
    for (int extra : new int[] {TcpFlags.AE, 0x400}) {
      c.set(4, c.get(4).toBuilder().flags(TcpFlags.ACK | extra).build());
      List<Entry> e = PhaseClassifier.classify(c, "10.0.0.2", 40000);
      assertThat(steps(e.subList(3, 5)), contains("dataTransfer:data", "dataTransfer:ack_data"));
    }
    assertThat(
        PhaseClassifier.classify(c, "10.0.0.2", 40000).get(4).description(),
        equalTo("ACK+RES (server → client)"));
  }

  @Test
  void rstAfterHandshakeIsClosing() {
    assertThat(
        steps(PhaseClassifier.classify(TimeArcsFixtures.b())),
        contains("establishment:syn", "establishment:syn_ack", "establishment:ack", "closing:rst"));
  }

  @Test
  void synRetransmissionsAreEstablishment() {
    assertThat(
        steps(PhaseClassifier.classify(TimeArcsFixtures.a())),
        contains("establishment:syn", "establishment:syn"));
  }

  @Test
  void everythingAfterTheFirstFinIsClosingEvenData() {
    String c = "10.0.0.2";
    List<Packet> p =
        List.of(
            TimeArcsFixtures.tcp(0, c, 1, "10.0.0.9", 2, TcpFlags.FIN | TcpFlags.ACK, 0, 0, 52, 0),
            TimeArcsFixtures.tcp(1, "10.0.0.9", 2, c, 1, TcpFlags.PSH | TcpFlags.ACK, 0, 0, 99, 1),
            TimeArcsFixtures.tcp(2, "10.0.0.9", 2, c, 1, TcpFlags.SYN, 0, 0, 60, 2));
    assertThat(
        steps(PhaseClassifier.classify(p, c, 1)),
        contains("closing:fin", "closing:ack_close", "closing:ack_close"));
  }

  @Test
  void midStreamFlowWithoutHandshakeIsAllDataTransfer() {
    String c = "10.0.0.2";
    List<Packet> p =
        List.of(
            TimeArcsFixtures.tcp(0, c, 1, "10.0.0.9", 2, TcpFlags.ACK, 0, 0, 52, 0),
            TimeArcsFixtures.tcp(1, "10.0.0.9", 2, c, 1, TcpFlags.PSH | TcpFlags.ACK, 0, 0, 99, 1));
    List<Entry> e = PhaseClassifier.classify(p, c, 1);
    assertThat(steps(e), contains("dataTransfer:ack_data", "dataTransfer:data"));
    assertThat(e.get(1).description(), org.hamcrest.Matchers.equalTo("PSH+ACK (server → client)"));
  }

  @Test
  void anAckFromTheServerDoesNotCompleteTheHandshake() {
    String c = "10.0.0.2";
    List<Packet> p =
        List.of(
            TimeArcsFixtures.tcp(0, c, 1, "10.0.0.9", 2, TcpFlags.SYN, 0, 0, 60, 0),
            TimeArcsFixtures.tcp(1, "10.0.0.9", 2, c, 1, TcpFlags.SYN | TcpFlags.ACK, 0, 1, 60, 1),
            TimeArcsFixtures.tcp(2, "10.0.0.9", 2, c, 1, TcpFlags.ACK, 1, 1, 52, 2),
            TimeArcsFixtures.tcp(3, c, 1, "10.0.0.9", 2, TcpFlags.ACK, 1, 1, 52, 3));
    assertThat(
        steps(PhaseClassifier.classify(p, c, 1)),
        contains(
            "establishment:syn",
            "establishment:syn_ack",
            "dataTransfer:ack_data",
            "establishment:ack"));
  }

  @Test
  void noPacketsNoEntries() {
    assertThat(PhaseClassifier.classify(List.of(), "10.0.0.1", 1), empty());
    assertThat(Phase.DATA_TRANSFER.key(), org.hamcrest.Matchers.equalTo("dataTransfer"));
  }
}
