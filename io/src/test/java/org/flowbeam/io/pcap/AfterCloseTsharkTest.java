package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.TcpFlowAssembler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * After a FIN or RST close, FlowBeam groups the packets into flows as tshark groups them into
 * streams: a late RST, stray ACKs, a retransmitted SYN and a SYN-ACK join the closed flow; only a
 * new connection's SYN (another ISN) or the idle timeout starts a new one.
 *
 * <p>{@code after-close.pcap} holds one connection per case, each on its own client port ({@code
 * make-after-close.py} beside it lists them); {@code after-close.tshark.csv} is tshark 4.0's {@code
 * tcp.stream} of each frame, the oracle. Flows are compared with streams as sets of frame numbers.
 */
class AfterCloseTsharkTest {
  private static final String DIR = "/AfterCloseTsharkTest/";

  /** The frames (1-based numbers) of each tshark stream. */
  private static List<TreeSet<Integer>> tsharkStreams;

  private static List<Packet> packets;

  @BeforeAll
  static void read() throws IOException, URISyntaxException {
    Map<Integer, TreeSet<Integer>> byStream = new TreeMap<>();
    List<String> lines = Files.readAllLines(resource("after-close.tshark.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      byStream
          .computeIfAbsent(Integer.parseInt(f[5]), k -> new TreeSet<>())
          .add(Integer.parseInt(f[0]));
    }
    tsharkStreams = new ArrayList<>(byStream.values());
    Path capture = resource("after-close.pcap");
    packets = new ArrayList<>();
    try (CaptureReader reader =
        CaptureReader.open(
            capture.toString(), FileChannel.open(capture, StandardOpenOption.READ), 0)) {
      while (reader.advance()) {
        if (reader.kind() == CaptureReader.Kind.PACKET) {
          packets.add(reader.packet());
        }
      }
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Paths.get(AfterCloseTsharkTest.class.getResource(DIR + name).toURI());
  }

  /** FlowBeam's flows under {@code rules} as sets of frame numbers, in the order of tshark's. */
  private static List<TreeSet<Integer>> flows(FlowRules rules) {
    Map<Packet, Integer> frameOf = new IdentityHashMap<>();
    for (int i = 0; i < packets.size(); i++) {
      frameOf.put(packets.get(i), i + 1);
    }
    List<TreeSet<Integer>> flows = new ArrayList<>();
    for (FlowRecord f : TcpFlowAssembler.assemble(packets, rules.withRetainPackets(true))) {
      TreeSet<Integer> frames = new TreeSet<>();
      f.packets().forEach(p -> frames.add(frameOf.get(p)));
      flows.add(frames);
    }
    flows.sort((a, b) -> Integer.compare(a.first(), b.first()));
    return flows;
  }

  /** {@code streams} with the one holding {@code frame} cut in two before it. */
  private static List<TreeSet<Integer>> split(List<TreeSet<Integer>> streams, int frame) {
    List<TreeSet<Integer>> out = new ArrayList<>();
    for (TreeSet<Integer> s : streams) {
      if (s.contains(frame) && s.first() != frame) {
        out.add(new TreeSet<>(s.headSet(frame)));
        out.add(new TreeSet<>(s.tailSet(frame)));
      } else {
        out.add(s);
      }
    }
    out.sort((a, b) -> Integer.compare(a.first(), b.first()));
    return out;
  }

  @Test
  void theOracleKeepsEverythingAfterACloseInTheStreamButANewConnection() {
    // Six connections, and the new connection on port 40004 (frames 58-60) a stream of its own.
    assertThat(tsharkStreams, hasSize(7));
    assertThat(packets, hasSize(62));
  }

  @Test
  void byDefaultTheFlowsAreTsharksStreamsButForTheIdleTimeout() {
    // Port 40006: the RST 301 s after the close (frame 62) is past the 300 s idle timeout.
    assertThat(flows(FlowRules.defaults()), equalTo(split(tsharkStreams, 62)));
  }

  @Test
  void theFormerTwoSecondCloseLingerSplitsOffAppendixFlows() {
    List<TreeSet<Integer>> expected = tsharkStreams;
    // Port 40001: the late RST; 40002: the ACK and RST after the abort; 40003: the retransmitted
    // SYN and its SYN-ACK (tshark keeps them); 40005: the SYN-ACK; 40006: the RST.
    for (int frame : new int[] {53, 54, 56, 61, 62}) {
      expected = split(expected, frame);
    }
    assertThat(
        flows(FlowRules.defaults().withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US)),
        equalTo(expected));
  }
}
