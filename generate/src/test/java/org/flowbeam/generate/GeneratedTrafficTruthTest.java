package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key check of the generator: FlowBeam's flow assembly, run on the generated packets, finds
 * exactly the flows of the ground truth (TCP and UDP), which the generator computed on its own from
 * what it made. The traffic has every feature on and dense, over more than three idle timeouts.
 */
class GeneratedTrafficTruthTest {
  @TempDir static Path dir;
  static List<Packet> packets;
  static List<String> truth;
  static List<FlowRecord> flows;

  @BeforeAll
  static void generateAndAssemble() {
    Path csv = dir.resolve("dense.csv");
    GeneratedFiles.generate(denseConfig(20_000).build(), OutputFormat.CSV, csv);
    packets = GeneratedFiles.csvPackets(csv);
    truth = GeneratedFiles.truthRows(csv);
    flows = FlowAssembler.assemble(packets, FlowRules.defaults());
  }

  /** Every feature at a high rate, few conversations per second so that idle gaps show. */
  static GeneratorConfig.Builder denseConfig(long packets) {
    return GeneratorConfig.builder()
        .seed(42)
        .hosts(60)
        .retransmitRate(0.05)
        .reorderRate(0.05)
        .ipv6Fraction(0.3)
        .connectionsPerSecond(0.25)
        .mix(TrafficMix.dense())
        .maxPackets(packets);
  }

  @Test
  void flowBeamFindsExactlyTheTruthFlows() {
    assertThat(packets.size(), is(20_000));
    assertThat(flows.size(), equalTo(truth.size()));
    List<String> found = flows.stream().map(GeneratedFiles::truthRow).sorted().toList();
    List<String> expected = truth.stream().sorted().toList();
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(new HashSet<>(found));
    List<String> unexpected = new ArrayList<>(found);
    unexpected.removeAll(new HashSet<>(expected));
    assertThat("truth rows FlowBeam did not find: " + missing, missing.isEmpty(), is(true));
    assertThat("flows not in the truth: " + unexpected, unexpected.isEmpty(), is(true));
    assertThat(found, equalTo(expected));
  }

  /**
   * Nothing follows a close but its last ACK, within milliseconds, so the truth holds as well with
   * the former default close linger ({@code --closeLinger=2}), which split off later packets.
   */
  @Test
  void aTwoSecondCloseLingerFindsTheSameFlows() {
    List<FlowRecord> withLinger =
        FlowAssembler.assemble(
            packets, FlowRules.defaults().withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US));
    assertThat(
        withLinger.stream().map(GeneratedFiles::truthRow).sorted().toList(),
        equalTo(truth.stream().sorted().toList()));
  }

  @Test
  void truthCoversEveryStateAndCloseReason() {
    Map<String, Long> byOutcome =
        truth.stream()
            .map(r -> r.substring(r.lastIndexOf(',', r.lastIndexOf(',') - 1) + 1))
            .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
    assertThat(
        byOutcome.toString(),
        byOutcome.keySet(),
        hasItems(
            "closed,fin",
            "aborted,rst",
            "invalid,rst",
            "invalid,port_reuse",
            "ongoing,idle_timeout",
            "invalid,idle_timeout",
            "ongoing,end_of_data",
            "bidirectional,idle_timeout"));
  }

  @Test
  void trafficHasRetransmissionsReorderingIpv6AndUdp() {
    Set<String> segments = new HashSet<>();
    long retransmitted = 0;
    long reordered = 0;
    Map<String, Long> lastSeq = new TreeMap<>();
    long v6 = 0;
    long udp = 0;
    for (Packet p : packets) {
      if (p.protocol() == IpProtocol.UDP) {
        udp++;
        continue;
      }
      if (p.srcIp().length == 16) {
        v6++;
      }
      String dirKey = p.srcIpText() + p.srcPort() + ">" + p.dstIpText() + p.dstPort();
      boolean data = p.length() > 94 && (p.flags() & TcpFlags.SYN) == 0;
      if (data && !segments.add(dirKey + "#" + p.seq())) {
        retransmitted++;
      }
      Long prev = lastSeq.put(dirKey, p.seq());
      if (data && prev != null && prev > p.seq() && prev - p.seq() < 100_000) {
        reordered++;
      }
    }
    assertThat(retransmitted, greaterThan(100L));
    assertThat(reordered, greaterThan(50L));
    assertThat(v6, greaterThan(2_000L));
    assertThat(udp, greaterThan(10L));
  }
}
