package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.Map;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.TsharkAgreement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

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
    // tshark keeps one stream across a gap of ten years; FlowBeam (like suricata) ends the flow: it
    // was reset, and the packets a decade later come long after the close linger (and the idle
    // timeout), so they form a flow of their own.
    TsharkAgreement.Result r = compare("tcp-edge", "passed_timeout.pcap");
    assertThat(r.explained(), equalTo(Map.of("close_linger", 1)));
    assertThat(r.flowBeamFlows(), equalTo(2));
  }

  @Test
  void loopbackAgreesWithTshark() {
    TsharkAgreement.Result r = compare("loopback", "lo-http-ab-2ip.pcap");
    assertThat(r.toString(), r.agrees(), is(true));
    assertThat(r.tsharkStreams(), equalTo(20311));
  }
}
