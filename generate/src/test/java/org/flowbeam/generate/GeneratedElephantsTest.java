package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Path;
import java.util.List;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elephants ({@link ElephantPlan}): FlowBeam's flow assembly, run on the generated packets, finds
 * exactly the truth, elephants included, each with its exact packet count; the packets stay in time
 * order, interleaved with the background; the TCP inside an elephant is a real download.
 */
class GeneratedElephantsTest {
  @TempDir static Path shared;
  @TempDir Path dir;

  /** One elephant of 200k packets over 30k background packets, as pcap. */
  static Generated oneElephant;

  @BeforeAll
  static void generateOneElephant() {
    oneElephant =
        generate(
            shared,
            background(230_000)
                .elephants(new ElephantPlan(1, 200_000, ElephantPlan.End.FIN, 0))
                .build(),
            OutputFormat.PCAP);
  }

  private static GeneratorConfig.Builder background(long packets) {
    return GeneratorConfig.builder().seed(21).maxPackets(packets);
  }

  /** What one generation wrote: the summary, the packets read back, the truth and the flows. */
  private record Generated(
      TrafficGenerator.GenerationSummary summary,
      List<Packet> packets,
      List<String> truth,
      List<FlowRecord> flows) {

    /** Truth rows of the elephants (their client ports are above the background's). */
    List<String> elephantRows() {
      return truth.stream().filter(r -> isElephantPort(Integer.parseInt(r.split(",")[1]))).toList();
    }

    List<Packet> elephantPackets() {
      return packets.stream()
          .filter(p -> isElephantPort(p.srcPort()) || isElephantPort(p.dstPort()))
          .toList();
    }
  }

  private static boolean isElephantPort(int port) {
    return port >= ElephantPlan.FIRST_CLIENT_PORT;
  }

  private static Generated generate(Path dir, GeneratorConfig config, OutputFormat format) {
    Path file = dir.resolve("e." + format.label());
    TrafficGenerator.GenerationSummary s = GeneratedFiles.generate(config, format, file);
    List<Packet> packets =
        format == OutputFormat.CSV
            ? GeneratedFiles.csvPackets(file)
            : GeneratedFiles.capturePackets(file);
    return new Generated(
        s,
        packets,
        GeneratedFiles.truthRows(file),
        FlowAssembler.assemble(packets, FlowRules.defaults()));
  }

  private static void assertFlowBeamFindsTheTruth(Generated g) {
    List<String> found = g.flows().stream().map(GeneratedFiles::truthRow).sorted().toList();
    assertThat(found, equalTo(g.truth().stream().sorted().toList()));
  }

  private static void assertTimeOrdered(List<Packet> packets) {
    for (int i = 1; i < packets.size(); i++) {
      assertThat(
          "packet " + i,
          packets.get(i).timestampMicros(),
          greaterThanOrEqualTo(packets.get(i - 1).timestampMicros()));
    }
  }

  @Test
  void oneElephantOf200kPacketsOverBackgroundIsOneClosedFlowWithItsExactCounts() {
    Generated g = oneElephant;
    assertThat(g.packets().size(), is(230_000));
    assertThat(g.summary().elephantPackets(), is(200_000L));
    assertTimeOrdered(g.packets());
    assertFlowBeamFindsTheTruth(g);

    List<String> elephant = g.elephantRows();
    assertThat(elephant.size(), is(1));
    String[] row = elephant.get(0).split(",");
    assertThat(row[6], equalTo("200000"));
    List<Packet> packets = g.elephantPackets();
    assertThat(packets.size(), is(200_000));
    long bytes = packets.stream().mapToLong(Packet::length).sum();
    assertThat(row[7], equalTo(Long.toString(bytes)));
    assertThat(row[10] + "," + row[11], equalTo("closed,fin"));
    assertThat(g.truth().size(), greaterThan(50));
  }

  @Test
  void elephantIsARealDownloadSpreadOverTheBackground() {
    Generated g = oneElephant;
    List<Packet> e = g.elephantPackets();
    int[] handshake = {TcpFlags.SYN, TcpFlags.SYN | TcpFlags.ACK, TcpFlags.ACK};
    for (int i = 0; i < 3; i++) {
      assertThat(e.get(i).flags(), is(handshake[i]));
    }
    int fin = TcpFlags.FIN | TcpFlags.ACK;
    assertThat(e.get(e.size() - 3).flags(), is(fin));
    assertThat(e.get(e.size() - 2).flags(), is(fin));
    assertThat(e.get(e.size() - 1).flags(), is(TcpFlags.ACK));

    Packet syn = e.get(0);
    long serverBytes = 0;
    long clientBytes = 0;
    long serverSegments = 0;
    long lastAckOfClient = -1;
    long ackAdvances = 0;
    long maxGap = 0;
    for (int i = 1; i < e.size(); i++) {
      Packet p = e.get(i);
      maxGap = Math.max(maxGap, p.timestampMicros() - e.get(i - 1).timestampMicros());
      int payload = p.length() - (p.srcIp().length == 4 ? 54 : 74);
      boolean fromClient = p.srcPort() == syn.srcPort();
      if (fromClient) {
        clientBytes += Math.max(0, payload);
        if (lastAckOfClient >= 0 && p.ack() != lastAckOfClient) {
          ackAdvances++;
        }
        lastAckOfClient = p.ack();
      } else if (payload > 0 && (p.flags() & TcpFlags.SYN) == 0) {
        serverBytes += payload;
        serverSegments++;
      }
    }
    assertThat("mostly one direction", serverBytes, greaterThan(100 * clientBytes));
    assertThat("the client sends too", clientBytes, greaterThan(10_000L));
    assertThat(serverSegments, greaterThan(120_000L));
    assertThat("ACKs advance", ackAdvances, greaterThan(60_000L));
    assertThat(
        "no gap near the idle timeout", maxGap, lessThan(TrafficGenerator.MAX_ACTIVE_GAP_US));

    long first = g.packets().get(0).timestampMicros();
    long last = g.packets().get(g.packets().size() - 1).timestampMicros();
    long elephantEnd = e.get(e.size() - 1).timestampMicros();
    assertThat("spans the background", elephantEnd - first, greaterThan((last - first) * 9 / 10));
  }

  @Test
  void fiveElephantsHoldNinetyPercentOfThePackets() {
    ElephantPlan plan = ElephantPlan.sharing(5, 0.9, 100_000, ElephantPlan.End.FIN, 0);
    Generated g = generate(dir, background(100_000).elephants(plan).build(), OutputFormat.CSV);
    assertThat(g.packets().size(), is(100_000));
    assertTimeOrdered(g.packets());
    assertFlowBeamFindsTheTruth(g);
    List<String> rows = g.elephantRows();
    assertThat(rows.size(), is(5));
    assertThat(rows.stream().map(r -> r.split(",")[6]).toList(), everyItem(equalTo("18000")));
    assertThat(g.elephantPackets().size(), is(90_000));
    assertThat(g.summary().elephantPackets(), is(90_000L));
  }

  @Test
  void elephantsEndingByRstOrOpenOrSplitByIdleGapsMatchFlowBeam() {
    for (ElephantPlan.End end : ElephantPlan.End.values()) {
      Generated g =
          generate(
              dir,
              background(60_000)
                  .connectionsPerSecond(2)
                  .elephants(new ElephantPlan(2, 20_000, end, 2))
                  .build(),
              OutputFormat.CSV);
      assertFlowBeamFindsTheTruth(g);
      List<String> rows = g.elephantRows();
      assertThat(end.name(), rows.size(), is(6));
      long split = rows.stream().filter(r -> r.endsWith(",ongoing,idle_timeout")).count();
      if (end == ElephantPlan.End.OPEN) {
        // An open elephant's last flow ends by the idle timeout too if the capture runs on for
        // more than 300 s after it (the other elephant may still be in an idle gap).
        assertThat(rows, everyItem(containsString(",ongoing,")));
        assertThat(split, greaterThanOrEqualTo(4L));
      } else {
        assertThat(end.name(), split, is(4L));
        String last = end == ElephantPlan.End.FIN ? ",closed,fin" : ",aborted,rst";
        assertThat(end.name(), rows.stream().filter(r -> r.endsWith(last)).count(), is(2L));
      }
      long packets = rows.stream().mapToLong(r -> Long.parseLong(r.split(",")[6])).sum();
      assertThat(packets, is(40_000L));
    }
  }

  @Test
  void anElephantAloneIsTheWholeCapture() {
    Generated g =
        generate(
            dir,
            background(50_000)
                .elephants(new ElephantPlan(1, 50_000, ElephantPlan.End.FIN, 0))
                .build(),
            OutputFormat.CSV);
    assertThat(g.truth().size(), is(1));
    assertThat(g.truth().get(0), startsWith(g.elephantRows().get(0)));
    assertFlowBeamFindsTheTruth(g);
    long span =
        g.packets().get(g.packets().size() - 1).timestampMicros()
            - g.packets().get(0).timestampMicros();
    assertThat(span, lessThanOrEqualTo(50_000 * 2 * ElephantPacer.NOMINAL_GAP_US));
  }

  @Test
  void theBackgroundIsTheSameTrafficWithOrWithoutElephants() {
    Generated with =
        generate(
            dir,
            background(40_000)
                .elephants(ElephantPlan.sharing(3, 0.5, 40_000, ElephantPlan.End.FIN, 0))
                .build(),
            OutputFormat.CSV);
    List<String> backgroundWith =
        with.packets().stream()
            .filter(p -> !isElephantPort(p.srcPort()) && !isElephantPort(p.dstPort()))
            .map(GeneratedFiles::content)
            .toList();
    Generated without = generate(dir, background(backgroundWith.size()).build(), OutputFormat.CSV);
    assertThat(
        backgroundWith, equalTo(without.packets().stream().map(GeneratedFiles::content).toList()));
  }
}
