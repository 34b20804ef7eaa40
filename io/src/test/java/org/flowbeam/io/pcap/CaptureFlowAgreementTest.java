package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.TcpFlowAssembler;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.TsharkAgreement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every shared capture with a tshark reference ({@code refs/<folder>/<name>.flows.csv}), the
 * flows FlowBeam assembles from the plain-Java {@link CaptureReader} agree with tshark's TCP
 * streams, or differ only where a documented rule explains it ({@link TsharkAgreement}; the rules
 * are listed in {@code src/docs/flow-rules.md}).
 *
 * <p>It is also the tool for rerunning the comparison: after the run, {@code
 * io/target/tshark-agreement.txt} lists every capture with its tshark streams, FlowBeam flows and
 * explained splits by rule (see {@code src/docs/flow-rules.md} for the command).
 */
class CaptureFlowAgreementTest {
  /** Where the report is written, relative to the io module. */
  static final Path REPORT = Paths.get("target", "tshark-agreement.txt");

  /** Per capture, the comparison's outcome, for the report. */
  private static final Map<String, TsharkAgreement.Result> RESULTS = new ConcurrentSkipListMap<>();

  /**
   * Captures not compared, with the reason. Every other capture must have a {@code .flows.csv}
   * reference (the test fails otherwise), so nothing is left out silently.
   */
  static final Map<String, String> EXCLUDED =
      Map.of(
          "wireshark/many_interfaces.pcapng.1", "continuation of a split pcapng, no tshark refs",
          "wireshark/many_interfaces.pcapng.2", "continuation of a split pcapng, no tshark refs",
          "wireshark/many_interfaces.pcapng.3", "continuation of a split pcapng, no tshark refs");

  /**
   * The captures that differ from tshark, with their explained differences by rule, as listed in
   * {@code src/docs/flow-rules.md}; every other capture must agree with no explanation at all.
   */
  static final Map<String, Map<String, Integer>> EXPLAINED =
      Map.ofEntries(
          Map.entry("wireshark/wireguard-ping-tcp-dsb.pcapng", Map.of("tunnel_inner_header", 1)),
          Map.entry("ndpi/ip_fragmented_garbage.pcap", Map.of("ip_fragment", 30)),
          Map.entry("ndpi/fuzz-2006-06-26-2594.pcap", Map.of("ip_fragment", 1)),
          Map.entry("ndpi/vnc.pcap", Map.of("tshark_split_without_syn", 2)),
          Map.entry("tcp-edge/passed_timeout.pcap", Map.of("idle_timeout", 1)));

  /**
   * With the former default close linger ({@code --closeLinger=2}), the captures where it splits
   * off appendix flows (packets more than 2 s after a FIN/RST close, mostly a late RST), with their
   * explained differences: tshark keeps those packets in the closed stream, as the default does.
   */
  static final Map<String, Map<String, Integer>> EXPLAINED_WITH_FORMER_LINGER =
      Map.of(
          "tcp-edge/passed_timeout.pcap", Map.of("idle_timeout", 1),
          "ndpi/skype.pcap", Map.of("close_linger", 11),
          "ndpi/reasm_crash_anon.pcapng", Map.of("close_linger", 2),
          "ndpi/wechat.pcap", Map.of("close_linger", 1));

  static Stream<String> capturesWithAppendixFlows() {
    return EXPLAINED_WITH_FORMER_LINGER.keySet().stream().sorted();
  }

  static Stream<String> captures() throws IOException {
    return SharedCaptures.captures().stream();
  }

  /** The reference {@code refs/<folder>/<name><suffix>}; a compressed capture's is unsuffixed. */
  private static Path ref(String name, String suffix) {
    String plain = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    return SharedCaptures.sharedData().resolve("refs").resolve(plain + suffix);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void flowsAgreeWithTshark(String name) throws IOException {
    if (EXCLUDED.containsKey(name)) {
      assertThat(
          name + " is excluded but has refs", Files.exists(ref(name, ".flows.csv")), is(false));
      return;
    }
    assertThat(name + " has no refs and is not excluded", Files.exists(ref(name, ".flows.csv")));
    SharedCaptures.Result read = SharedCaptures.readAll(SharedCaptures.capture(name));
    // Tunnelled packets are decoded to the inner packet; name them as the references do.
    List<Packet> packets = FrameDifferences.asTsharkNamesThem(read.packets, read.tunnels);
    List<FlowRecord> flows = TcpFlowAssembler.assemble(packets, FlowRules.defaults());
    List<SharedData.TsharkStream> streams = SharedData.streams(ref(name, ".flows.csv"));
    TsharkAgreement.Result result = TsharkAgreement.compare(flows, streams);
    if (!result.agrees()) {
      // Only then look frame by frame for differences by design (tunnels, fragments).
      Map<String, String> frameRules =
          FrameDifferences.find(packets, FrameDifferences.readRows(ref(name, ".packets.csv")));
      result = TsharkAgreement.compare(flows, streams, frameRules);
    }
    RESULTS.put(name, result);
    assertThat(name + ": " + result, result.unexplained(), empty());
    assertThat(
        name + ": " + result, result.explained(), equalTo(EXPLAINED.getOrDefault(name, Map.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturesWithAppendixFlows")
  void aTwoSecondCloseLingerSplitsOffAppendixFlows(String name) throws IOException {
    SharedCaptures.Result read = SharedCaptures.readAll(SharedCaptures.capture(name));
    FlowRules formerLinger =
        FlowRules.defaults().withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US);
    List<Packet> packets = FrameDifferences.asTsharkNamesThem(read.packets, read.tunnels);
    List<FlowRecord> flows = TcpFlowAssembler.assemble(packets, formerLinger);
    TsharkAgreement.Result result =
        TsharkAgreement.compare(flows, SharedData.streams(ref(name, ".flows.csv")));
    assertThat(name + ": " + result, result.unexplained(), empty());
    assertThat(
        name + ": " + result, result.explained(), equalTo(EXPLAINED_WITH_FORMER_LINGER.get(name)));
  }

  /** Writes {@link #REPORT}: one line per capture, then the totals by rule. */
  @AfterAll
  static void writeReport() throws IOException {
    if (RESULTS.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-70s %8s %8s  %s%n", "capture", "tshark", "flowbeam", "explained splits by rule"));
    Map<String, Integer> totals = new TreeMap<>();
    long tshark = 0;
    long flowBeam = 0;
    int disagreeing = 0;
    for (Map.Entry<String, TsharkAgreement.Result> e : RESULTS.entrySet()) {
      TsharkAgreement.Result r = e.getValue();
      tshark += r.tsharkStreams();
      flowBeam += r.flowBeamFlows();
      r.explained().forEach((k, v) -> totals.merge(k, v, Integer::sum));
      sb.append(
          String.format(
              "%-70s %8d %8d  %s%s%n",
              e.getKey(),
              r.tsharkStreams(),
              r.flowBeamFlows(),
              r.explained().isEmpty() ? "-" : r.explained(),
              r.agrees() ? "" : "  UNEXPLAINED " + r.unexplained().size()));
      if (!r.agrees()) {
        disagreeing++;
        for (String u : r.unexplained()) {
          sb.append("    ").append(u).append('\n');
        }
      }
    }
    EXCLUDED.forEach((k, v) -> sb.append(String.format("%-70s excluded: %s%n", k, v)));
    sb.append(
        String.format(
            "%n%d captures, %d tshark streams, %d FlowBeam flows, explained %s, %d captures with"
                + " unexplained differences%n",
            RESULTS.size(), tshark, flowBeam, totals, disagreeing));
    Files.createDirectories(REPORT.toAbsolutePath().getParent());
    Files.writeString(REPORT, sb.toString());
  }
}
