package org.flowbeam.io.timearcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.TcpFlowAssembler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The layout opened in the viewer's terms: the closes, open flows and invalid flows that the
 * TimeArcs viewer's legend and sidebar count ({@link ViewerCounts}) are FlowBeam's flow states.
 */
class ViewerCountsTest {
  @TempDir Path dir;

  @Test
  void vocabularyOfEveryState() {
    assertThat(ViewerVocabulary.closeType(FlowState.CLOSED), equalTo("graceful"));
    assertThat(ViewerVocabulary.closeType(FlowState.ABORTED), equalTo("abortive"));
    assertThat(ViewerVocabulary.closeType(FlowState.INVALID), equalTo("invalid"));
    assertThat(ViewerVocabulary.closeType(FlowState.ONGOING), equalTo("open"));
    assertThat(ViewerVocabulary.state(FlowState.ONGOING), equalTo("ongoing"));
  }

  @Test
  void handBuiltFlows() throws IOException {
    new TimeArcsLayoutWriter(TimeArcsOptions.defaults())
        .write(dir, TimeArcsFixtures.flows(), TimeArcsFixtures.packets());
    assertThat(
        ViewerCounts.of(dir),
        equalTo(new ViewerCounts(1, 1, 0, 0, Map.of("incomplete_no_synack", 1L))));
  }

  @Test
  void anOpenFlowIsOpenNotGracefulWhateverEndedItsRecord() throws IOException {
    FlowRecord c = TimeArcsFixtures.c();
    // c without its FIN exchange: established, open when the data ended.
    List<Packet> open = c.packets().subList(0, 5);
    FlowRecord ongoing = TcpFlowAssembler.assemble(open, FlowRules.defaults()).get(0);
    assertThat(ongoing.state(), equalTo(FlowState.ONGOING));
    assertThat(ongoing.closeReason(), equalTo(CloseReason.END_OF_DATA));
    new TimeArcsLayoutWriter(TimeArcsOptions.defaults()).write(dir, List.of(ongoing), open);
    assertThat(ViewerCounts.of(dir), equalTo(new ViewerCounts(0, 0, 1, 0, Map.of())));
  }

  /**
   * Real captures: the loopback one holds 20,000 HTTP connections closed by FIN (the case the
   * viewer showed as "Graceful close: 0"), one reset connection and 300 connection attempts refused
   * by RST; the tcp-edge ones a corner case each.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "loopback/lo-http-ab-2ip.pcap",
        "tcp-edge/abrupt_fin1.pcap",
        "tcp-edge/abrupt_established.pcap",
        "tcp-edge/graceful_simultaneous.pcap",
        "tcp-edge/fin_after-rst.pcap",
        "tcp-edge/ports_reused.pcap",
        "ndpi/synscan.pcap",
        "ndpi/443-curl.pcap"
      })
  void viewerCountsAreTheFlowStates(String capture) throws IOException {
    List<FlowRecord> flows = TcpFlowAssembler.assemble(read(capture), FlowRules.defaults());
    new TimeArcsLayoutWriter(TimeArcsOptions.defaults()).write(dir, flows, List.of());

    long closedByFin = 0;
    long resetAfterHandshake = 0;
    long open = 0;
    Map<String, Long> invalid = new TreeMap<>();
    for (FlowRecord f : flows) {
      if (!f.handshakeComplete()) {
        invalid.merge(f.invalidReason().label(), 1L, Long::sum);
      } else if (f.closeReason() == CloseReason.FIN) {
        closedByFin++;
      } else if (f.closeReason() == CloseReason.RST) {
        resetAfterHandshake++;
      } else {
        open++;
      }
    }
    assertThat(
        capture,
        ViewerCounts.of(dir),
        equalTo(new ViewerCounts(closedByFin, resetAfterHandshake, open, 0, invalid)));
    if (capture.startsWith("loopback/")) {
      assertThat(closedByFin, greaterThanOrEqualTo(20_000L));
      assertThat(resetAfterHandshake, greaterThanOrEqualTo(1L));
      assertThat(invalid.get("rst_during_handshake"), greaterThanOrEqualTo(300L));
    }
  }

  private static List<Packet> read(String capture) throws IOException {
    String shared = System.getProperty("flowbeam.shared.data");
    Assumptions.assumeTrue(shared != null, "flowbeam.shared.data not set");
    Path file = Paths.get(shared, "captures", capture);
    Assumptions.assumeTrue(Files.exists(file), "no shared capture " + capture);
    List<Packet> packets = new ArrayList<>();
    try (CaptureReader r =
        CaptureReader.open(file.toString(), FileChannel.open(file, StandardOpenOption.READ), 0)) {
      while (r.advance()) {
        if (r.kind() == RecordReader.Kind.PACKET) {
          packets.add(r.packet());
        }
      }
    }
    return packets;
  }
}
