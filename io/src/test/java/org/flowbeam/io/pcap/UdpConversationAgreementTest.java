package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every shared capture with UDP traffic, FlowBeam's UDP flows, joined per 5-tuple across their
 * idle and active timeout splits (tshark never splits a UDP conversation), agree with tshark's UDP
 * conversations ({@code tshark -q -z conv,udp}, {@link TsharkUdpConversations}): the same 5-tuples,
 * the same frames each way, the same bytes each way (within the rounding of a count tshark prints
 * in kB or MB) and the same duration (to tshark's 0.1 ms), or differ only where a documented rule
 * explains it ({@link #EXPLAINED}, listed in {@code src/docs/flow-rules.md}).
 *
 * <p>After the run, {@code io/target/udp-agreement.txt} lists every capture with its tshark
 * conversations, FlowBeam 5-tuples and flows, and any difference.
 */
class UdpConversationAgreementTest {
  static final Path REPORT = Paths.get("target", "udp-agreement.txt");

  private static final Map<String, String> RESULTS = new ConcurrentSkipListMap<>();

  /** tshark conversations, FlowBeam 5-tuples and FlowBeam flows over every capture compared. */
  private static final long[] TOTALS = new long[3];

  private static Map<String, List<TsharkUdpConversations.Conversation>> tshark;
  private static Map<String, List<UdpFrameDifferences.Frame>> framesApart;

  /**
   * The captures whose conversations differ from tshark's by design, with each rule's count of
   * conversations ({@link UdpFrameDifferences}; listed in {@code src/docs/flow-rules.md}); every
   * other capture must agree with no explanation at all.
   */
  static final Map<String, Map<String, Integer>> EXPLAINED =
      Map.ofEntries(
          Map.entry("dpkt/nb6-http.pcap", Map.of(UdpFrameDifferences.TUNNEL, 1)),
          Map.entry("ndpi/capwap.pcap", Map.of(UdpFrameDifferences.TUNNEL, 1)),
          Map.entry("ndpi/ipv6_in_gtp.pcap", Map.of(UdpFrameDifferences.TUNNEL, 2)),
          Map.entry(
              "wireshark/wireguard-ping-tcp-dsb.pcapng", Map.of(UdpFrameDifferences.TUNNEL, 1)),
          Map.entry(
              "ndpi/dnscrypt-v1-and-resolver-pings.pcap",
              Map.of(UdpFrameDifferences.FRAGMENT, 155)),
          Map.entry("ndpi/fuzz-2006-06-26-2594.pcap", Map.of(UdpFrameDifferences.FRAGMENT, 7)),
          Map.entry("ndpi/fuzz-2020-02-16-11740.pcap", Map.of(UdpFrameDifferences.FRAGMENT, 9)));

  @BeforeAll
  static void load() throws IOException {
    SharedCaptures.sharedData();
    tshark = TsharkUdpConversations.load();
    framesApart = UdpFrameDifferences.load();
  }

  static Stream<String> captures() throws IOException {
    return TsharkUdpConversations.load().keySet().stream();
  }

  /** A FlowBeam 5-tuple's flows joined: frames and bytes each way, first and last packet. */
  private static final class Joined {
    long framesAtoB;
    long bytesAtoB;
    long framesBtoA;
    long bytesBtoA;
    long startUs = Long.MAX_VALUE;
    long endUs = Long.MIN_VALUE;
    int flows;
  }

  /** An unordered endpoint pair, as text. */
  private static String pair(String ip1, int port1, String ip2, int port2) {
    String a = ip1 + ":" + port1;
    String b = ip2 + ":" + port2;
    return a.compareTo(b) <= 0 ? a + " " + b : b + " " + a;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void udpFlowsJoinedPerFiveTupleAreTsharksConversations(String name) throws IOException {
    SharedCaptures.Result read = SharedCaptures.readAll(SharedCaptures.capture(name));
    List<FlowRecord> flows =
        FlowAssembler.assemble(
            read.packets, FlowRules.defaults().withProtocols(Set.of(FlowProtocol.UDP)));
    // Joined per pair, directions as "from the lower endpoint text" (0) and back (1).
    Map<String, Joined> ours = new TreeMap<>();
    for (FlowRecord f : flows) {
      String key = pair(f.initiatorIp(), f.initiatorPort(), f.responderIp(), f.responderPort());
      Joined j = ours.computeIfAbsent(key, k -> new Joined());
      boolean initiatorFirst = key.startsWith(f.initiatorIp() + ":" + f.initiatorPort() + " ");
      j.framesAtoB += initiatorFirst ? f.packetsFwd() : f.packetsRev();
      j.bytesAtoB += initiatorFirst ? f.bytesFwd() : f.bytesRev();
      j.framesBtoA += initiatorFirst ? f.packetsRev() : f.packetsFwd();
      j.bytesBtoA += initiatorFirst ? f.bytesRev() : f.bytesFwd();
      j.startUs = Math.min(j.startUs, f.startUs());
      j.endUs = Math.max(j.endUs, f.endUs());
      j.flows++;
    }
    // Each difference by the pair it is on.
    Map<String, String> differences = new TreeMap<>();
    Map<String, TsharkUdpConversations.Conversation> theirs = new TreeMap<>();
    for (TsharkUdpConversations.Conversation c : tshark.get(name)) {
      String key = pair(c.aIp(), c.aPort(), c.bIp(), c.bPort());
      theirs.put(key, c);
      Joined j = ours.get(key);
      if (j == null) {
        differences.put(key, "tshark only: " + c);
        continue;
      }
      boolean aFirst = key.startsWith(c.aIp() + ":" + c.aPort() + " ");
      long framesAtoB = aFirst ? j.framesAtoB : j.framesBtoA;
      long framesBtoA = aFirst ? j.framesBtoA : j.framesAtoB;
      long bytesAtoB = aFirst ? j.bytesAtoB : j.bytesBtoA;
      long bytesBtoA = aFirst ? j.bytesBtoA : j.bytesAtoB;
      double duration = (j.endUs - j.startUs) / 1e6;
      if (framesAtoB != c.framesAtoB()
          || framesBtoA != c.framesBtoA()
          || !c.bytesAtoB().holds(bytesAtoB)
          || !c.bytesBtoA().holds(bytesBtoA)
          || Math.abs(duration - c.durationS()) > 0.00005 + 0.000002) {
        differences.put(
            key,
            String.format(
                "tshark %d/%d frames %s/%s bytes %.4f s, FlowBeam %d/%d frames %d/%d bytes %.6f s"
                    + " in %d flows",
                c.framesAtoB(),
                c.framesBtoA(),
                c.bytesAtoB(),
                c.bytesBtoA(),
                c.durationS(),
                framesAtoB,
                framesBtoA,
                bytesAtoB,
                bytesBtoA,
                duration,
                j.flows));
      }
    }
    for (Map.Entry<String, Joined> e : ours.entrySet()) {
      if (!theirs.containsKey(e.getKey())) {
        differences.put(
            e.getKey(),
            "FlowBeam only: "
                + e.getValue().framesAtoB
                + "/"
                + e.getValue().framesBtoA
                + " frames");
      }
    }
    Map<String, Integer> explained = new TreeMap<>();
    List<String> unexplained = new ArrayList<>();
    List<String> explanations = new ArrayList<>();
    if (!differences.isEmpty()) {
      Map<String, String> rules =
          UdpFrameDifferences.find(
              read.packets,
              framesApart.getOrDefault(name, List.of()),
              theirs.keySet(),
              UdpConversationAgreementTest::pair);
      differences.forEach(
          (key, what) -> {
            String rule = rules.get(key);
            if (rule == null) {
              unexplained.add(key + ": " + what);
            } else {
              explained.merge(rule, 1, Integer::sum);
              explanations.add(rule + " " + key + ": " + what);
            }
          });
    }
    synchronized (TOTALS) {
      TOTALS[0] += theirs.size();
      TOTALS[1] += ours.size();
      TOTALS[2] += flows.size();
    }
    RESULTS.put(
        name,
        String.format(
            "%6d %6d %6d  %s%s%s",
            theirs.size(),
            ours.size(),
            flows.size(),
            explained.isEmpty() ? "-" : explained,
            unexplained.isEmpty() ? "" : "\n    UNEXPLAINED " + String.join("\n    ", unexplained),
            explanations.isEmpty() ? "" : "\n      " + String.join("\n      ", explanations)));
    assertThat(name, unexplained, empty());
    assertThat(name, explained, equalTo(EXPLAINED.getOrDefault(name, Map.of())));
  }

  @AfterAll
  static void writeReport() throws IOException {
    if (RESULTS.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-60s %6s %6s %6s  %s%n",
            "capture", "tshark", "tuples", "flows", "explained by rule"));
    RESULTS.forEach((k, v) -> sb.append(String.format("%-60s %s%n", k, v)));
    sb.append(
        String.format(
            "%n%d captures, %d tshark UDP conversations, %d FlowBeam 5-tuples in %d flows%n",
            RESULTS.size(), TOTALS[0], TOTALS[1], TOTALS[2]));
    Files.createDirectories(REPORT.toAbsolutePath().getParent());
    Files.writeString(REPORT, sb.toString());
  }
}
