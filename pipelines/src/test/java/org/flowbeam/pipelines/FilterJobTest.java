package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.counts;
import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.manifest;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter options on whole jobs: packets left out while reading are in no output, the manifest
 * counts them by reason, and its identity {@code records_read = packets + rejected + non_ip_frames
 * + filtered} holds.
 */
class FilterJobTest {
  @TempDir Path dir;

  private static Packet packet(
      double seconds, String src, int sport, String dst, int dport, int protocol) {
    Packet.Builder b =
        Packet.builder()
            .timestampMicros(Math.round(seconds * 1e6))
            .src(src, sport)
            .dst(dst, dport)
            .protocol(protocol)
            .length(100);
    return protocol == IpProtocol.TCP ? b.flags(TcpFlags.SYN).build() : b.build();
  }

  @Test
  void eachCriterionLeavesOutItsPacketsAndTheManifestCountsThemByReason() {
    // What each packet must give under the options below, worked out by hand.
    List<Packet> packets =
        List.of(
            packet(1, "10.0.0.1", 40000, "192.168.1.1", 80, IpProtocol.TCP), // kept
            packet(2, "10.0.0.3", 5353, "192.168.7.9", 53, IpProtocol.UDP), // kept
            packet(3, "10.0.0.2", 40001, "172.16.0.1", 80, IpProtocol.TCP), // address
            packet(4, "192.168.1.1", 3, "10.0.0.1", 1, IpProtocol.ICMP), // port: no ports
            packet(5, "192.168.1.1", 40002, "10.0.0.9", 22, IpProtocol.TCP), // port
            packet(6, "192.168.1.1", 47, "10.0.0.9", 0, 47), // protocol (GRE)
            packet(9, "10.0.0.1", 40003, "192.168.1.1", 80, IpProtocol.TCP), // time
            packet(0.5, "10.0.0.1", 40004, "192.168.1.1", 80, IpProtocol.TCP)); // time
    Path input = JobFixtures.writeCsv(dir.resolve("in.csv"), packets);
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + out,
            "--from=1",
            "--to=1970-01-01T00:00:08Z",
            "--filterProtocols=tcp,udp,icmp",
            "--filterAddresses=192.168.0.0/16",
            "--filterPorts=53,80-81");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "records_read"), equalTo(8L));
    assertThat(number(counts, "packets"), equalTo(2L));
    assertThat(number(counts, "filtered"), equalTo(6L));
    assertThat(number(counts, "filtered_time"), equalTo(2L));
    assertThat(number(counts, "filtered_protocol"), equalTo(1L));
    assertThat(number(counts, "filtered_address"), equalTo(1L));
    assertThat(number(counts, "filtered_port"), equalTo(2L));
    assertThat(number(counts, "flows"), equalTo(2L));
    assertThat(number(counts, "ip_addresses"), equalTo(4L));
    assertThat((Map<?, ?>) manifest(out).get("reconciliation"), not(Map.of()));
    assertThat(
        ((Map<?, ?>) manifest(out).get("reconciliation")).values(), everyItem(equalTo(true)));
    List<String> flows = csvRows(out, "flows");
    assertThat(flows, hasSize(2));
    assertThat(String.join("\n", flows), containsString("192.168.1.1"));
    assertThat(String.join("\n", flows), not(containsString("172.16.0.1")));
    assertThat(String.join("\n", csvRows(out, "ip_stats")), not(containsString("10.0.0.9")));
  }

  /** The capture's packets as the project's plain-Java reader decodes them, in file order. */
  private static List<Packet> packetsOf(Path pcap) throws IOException {
    List<Packet> packets = new ArrayList<>();
    try (CaptureReader reader =
        CaptureReader.open(pcap.toString(), FileChannel.open(pcap, StandardOpenOption.READ), 0)) {
      while (reader.advance()) {
        if (reader.kind() == CaptureReader.Kind.PACKET) {
          packets.add(reader.packet());
        }
      }
    }
    return packets;
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void aTimeRangeOnRealTrafficGivesTheFlowsOfThePacketsInIt(String runner) throws IOException {
    Path pcap = Samples.loopbackPcap();
    List<Packet> all = packetsOf(pcap);
    long fromUs = all.get(all.size() / 3).timestampMicros();
    long toUs = all.get(all.size() * 2 / 3).timestampMicros();
    List<Packet> inRange =
        all.stream()
            .filter(p -> p.timestampMicros() >= fromUs && p.timestampMicros() < toUs)
            .toList();
    int expectedFlows = FlowAssembler.assemble(inRange, FlowRules.defaults()).size();
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        run(
            "--runner=" + runner,
            "--input=" + pcap,
            "--output=" + out,
            String.format("--from=%d.%06d", fromUs / 1_000_000, fromUs % 1_000_000),
            String.format("--to=%d.%06d", toUs / 1_000_000, toUs % 1_000_000));
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "packets"), equalTo((long) inRange.size()));
    assertThat(number(counts, "filtered_time"), equalTo((long) (all.size() - inRange.size())));
    assertThat(number(counts, "filtered"), greaterThan(0L));
    assertThat(number(counts, "flows"), equalTo((long) expectedFlows));
    assertThat(number(counts, "packets_in_flows"), equalTo((long) inRange.size()));
    assertThat(
        ((Map<?, ?>) manifest(out).get("reconciliation")).values(), everyItem(equalTo(true)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void duplicateFramesAreLeftOutAsEditcapDoesAndCounted(String runner) {
    // editcap -D 5 skips 71 of its 1,200 frames (see the fixture's README).
    Path capture = Path.of("../io/src/test/resources/DuplicateFramesTest/dup-1200.pcap");
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        run(
            "--runner=" + runner,
            "--input=" + capture.toAbsolutePath(),
            "--output=" + out,
            "--dedupWindow=5",
            "--filterPorts=1-65535");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "records_read"), equalTo(1200L));
    assertThat(number(counts, "duplicates"), equalTo(71L));
    assertThat(number(counts, "packets"), equalTo(1200L - 71));
    assertThat(number(counts, "filtered"), equalTo(0L));
    assertThat(
        ((Map<?, ?>) manifest(out).get("reconciliation")).values(), everyItem(equalTo(true)));
  }

  @Test
  void aCsvRowRepeatedWithAnotherTimeIsADuplicateWithinTheWindow() {
    Packet a = packet(1, "10.0.0.1", 40000, "10.0.0.2", 80, IpProtocol.TCP);
    Packet b = packet(1.5, "10.0.0.2", 80, "10.0.0.1", 40000, IpProtocol.TCP);
    List<Packet> packets =
        List.of(
            a,
            a.toBuilder().timestampMicros(1_000_100).build(), // a duplicate of the row before
            b,
            a.toBuilder().timestampMicros(2_000_000).build()); // 2 frames after a's last copy
    Path input = JobFixtures.writeCsv(dir.resolve("dup.csv"), packets);
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        run("--input=" + input, "--output=" + out, "--dedupWindow=2", "--numShards=1");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(number(counts(out), "duplicates"), equalTo(1L));
    assertThat(number(counts(out), "packets"), equalTo(3L));
    Path again = dir.resolve("again");
    run("--input=" + input, "--output=" + again, "--dedupWindow=3");
    assertThat(number(counts(again), "duplicates"), equalTo(2L));
  }

  @Test
  void badFilterValuesAreOneLineNamingTheOption() {
    Path out = dir.resolve("out");
    String input = Samples.loopbackCsv().toString();
    for (String[] c :
        new String[][] {
          {"--filterPorts=http", "--filterPorts: 'http' is not a port"},
          {"--filterAddresses=10.0.0.0/40", "--filterAddresses: '10.0.0.0/40': the prefix length"},
          {"--filterProtocols=quic", "--filterProtocols: 'quic' is not an IP protocol"},
          {"--from=yesterday", "--from: 'yesterday' is not a time"},
          {"--dedupWindow=1", "--dedupWindow: the duplicate window must be from 2 to 1000000"},
        }) {
      JobFixtures.Run r = run("--input=" + input, "--output=" + out, c[0]);
      assertThat(c[0], r.exitCode(), equalTo(FlowBeamMain.EXIT_USAGE));
      assertThat(r.err(), containsString(c[1]));
      assertThat(r.err(), r.err().strip().lines().count(), equalTo(1L));
    }
    JobFixtures.Run empty =
        run("--input=" + input, "--output=" + out, "--from=2024-05-02", "--to=2024-05-01");
    assertThat(empty.exitCode(), equalTo(FlowBeamMain.EXIT_USAGE));
    assertThat(empty.err(), containsString("must be before --to"));
  }
}
