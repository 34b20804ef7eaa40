package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.testing.Samples;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --layout=timearcs} writes the TimeArcs v2.0 layout beside FlowBeam's own outputs. */
class TimeArcsLayoutJobTest {
  @TempDir Path dir;

  @Test
  void writesTheChunkedLayoutAndOneMergedManifest() throws Exception {
    Trace a = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_700_000_000_000_000L);
    a.handshake().clientData(100).closeByClient();
    Trace b = Trace.between("10.0.0.3", 50000, "10.0.0.2", 443).at(1_700_000_000_500_000L);
    b.syn().resetByServer();
    List<Packet> packets = new java.util.ArrayList<>(a.packets());
    packets.addAll(b.packets());
    Path input = JobFixtures.writeCsv(dir.resolve("in.csv"), packets);
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + out,
            "--layout=timearcs",
            "--flowsPerChunk=1");
    assertThat(r.err(), r.exitCode(), is(0));

    Map<String, Object> manifest = JobFixtures.manifest(out);
    assertThat(manifest.get("version"), equalTo("2.0"));
    assertThat(manifest.get("format"), equalTo("chunked"));
    assertThat(
        ((Number) manifest.get("total_packets")).longValue(), equalTo((long) packets.size()));
    assertThat(((Number) manifest.get("total_flows")).longValue(), equalTo(2L));
    assertThat(((Number) manifest.get("total_chunks")).longValue(), equalTo(2L));
    assertThat(manifest, hasKey("counts"));
    assertThat(manifest, hasKey("structure"));

    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(out.resolve("flows/flows_index.json").toFile());
    assertThat(index.size(), equalTo(2));
    JsonNode first = index.get(0);
    assertThat(first.get("key").asText(), equalTo("10.0.0.1:40000-10.0.0.2:80"));
    assertThat(first.get("state").asText(), equalTo("closed"));
    assertThat(first.get("closeType").asText(), equalTo("graceful"));
    assertThat(index.get(1).get("state").asText(), equalTo("invalid"));
    assertThat(index.get(1).get("closeType").asText(), equalTo("invalid"));
    assertThat(index.get(1).get("invalidReason").asText(), equalTo("rst_during_handshake"));
    assertThat(first.get("totalPackets").asLong(), equalTo(8L));
    JsonNode chunk = json.readTree(out.resolve("flows/chunk_00000.json").toFile());
    assertThat(chunk.get(0).get("packets").size(), equalTo(8));
    assertThat(chunk.get(0).get("phases").get("establishment").size(), equalTo(3));
    assertThat(Files.readAllLines(out.resolve("packets.csv")), hasSize(packets.size() + 1));
    assertThat(json.readTree(out.resolve("indices/bins.json").toFile()).size(), equalTo(100));
    assertThat(
        json.readTree(out.resolve("ips/unique_ips.json").toFile()).toString(),
        equalTo("[\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\"]"));
    assertThat(JobFixtures.csvRows(out, "flows"), hasSize(2));
    // The flows CSV keeps FlowBeam's words.
    assertThat(
        closeReasons(JobFixtures.csvRows(out, "flows")), equalTo(Map.of("fin", 1L, "rst", 1L)));
  }

  /**
   * Captures with connections closed by FIN and by RST (the bundled TCP corner cases): in the
   * layout, the viewer's graceful and abortive closes, open and invalid flows (by {@code
   * closeType}, as its legend counts them) are the TCP flows FlowBeam wrote to its own CSV, by
   * close reason and handshake.
   */
  @Test
  void aCapturesClosesAreTheViewersCloseTypes() throws Exception {
    String captures = Samples.tcpEdge() + "/*.pcap";
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=DirectRunner", "--input=" + captures, "--output=" + out, "--layout=timearcs");
    assertThat(r.err(), r.exitCode(), is(0));

    Map<String, Long> expected = new TreeMap<>();
    for (String row : JobFixtures.csvRows(out, "flows")) {
      String[] f = row.split(",", -1);
      if (!f[FLOW_PROTOCOL].equals("6")) {
        continue; // the layout shows TCP flows only; the capture's UDP and ICMP flows are not in it
      }
      boolean handshake = Boolean.parseBoolean(f[FLOW_HANDSHAKE]);
      String closeReason = f[FLOW_CLOSE_REASON];
      String viewer =
          !handshake
              ? "invalid"
              : closeReason.equals("fin")
                  ? "graceful"
                  : closeReason.equals("rst") ? "abortive" : "open";
      expected.merge(viewer, 1L, Long::sum);
    }
    Map<String, Long> closeTypes = new TreeMap<>();
    for (JsonNode flow : new ObjectMapper().readTree(out.resolve(FLOWS_INDEX).toFile())) {
      closeTypes.merge(flow.get("closeType").asText(), 1L, Long::sum);
    }
    assertThat(closeTypes, equalTo(expected));
    assertThat(closeTypes.get("graceful"), greaterThan(0L));
    assertThat(closeTypes.get("abortive"), greaterThan(0L));
  }

  /**
   * A tshark-style CSV whose export holds frames tshark could not decode as IP (empty address
   * fields) and TCP flags with AE: those rows are non-IP frames, not rejections, and count in
   * {@code total_packets} as the TimeArcs loader counts them; per-IP and flag statistics are of the
   * TCP packets, AE named.
   */
  @Test
  void csvRowsWithoutAddressesAreNonIpFramesCountedInTotalPackets() throws Exception {
    Trace a = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_700_000_000_000_000L);
    a.handshake().clientData(100).fromServer(TcpFlags.AE | TcpFlags.ACK, 0).closeByClient();
    List<Packet> packets = new java.util.ArrayList<>(a.packets());
    packets.add(
        Packet.builder()
            .timestampMicros(1_700_000_000_000_500L)
            .src("10.0.0.3", 5353)
            .dst("224.0.0.251", 5353)
            .protocol(IpProtocol.UDP)
            .length(90)
            .build());
    Path input =
        JobFixtures.writeCsv(
            dir.resolve("in.csv"),
            packets,
            "1700000000000600,,,,,,,,42,",
            "1700000000000700,,,,,,,,60,",
            "1700000000000800,10.0.0.1,,1,2,16,0,0,60,6");
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=DirectRunner", "--input=" + input, "--output=" + out, "--layout=timearcs");
    assertThat(r.err(), r.exitCode(), is(0));

    Map<String, Object> manifest = JobFixtures.manifest(out);
    Map<String, Object> counts = JobFixtures.counts(out);
    long ip = packets.size();
    long tcp = a.packets().size();
    assertThat(JobFixtures.number(counts, "records_read"), equalTo(ip + 3));
    assertThat(JobFixtures.number(counts, "packets"), equalTo(ip));
    assertThat(JobFixtures.number(counts, "non_ip_frames"), equalTo(2L));
    assertThat(JobFixtures.number(counts, "rejected"), equalTo(1L));
    @SuppressWarnings("unchecked")
    Map<String, Object> byType = (Map<String, Object>) manifest.get("non_ip_frames_by_type");
    assertThat(byType.keySet(), equalTo(java.util.Set.of("CSV_ROW_WITHOUT_ADDRESSES")));
    assertThat(JobFixtures.number(byType, "CSV_ROW_WITHOUT_ADDRESSES"), equalTo(2L));
    assertThat(
        manifest.get("reconciliation"),
        equalTo(
            Map.of(
                "records_read = packets + rejected + non_ip_frames + duplicates + filtered",
                true,
                "flow_protocol_packets = packets_in_flows",
                true,
                "tcp_packets = tcp_packets_in_flows",
                true,
                "udp_packets = udp_packets_in_flows",
                true,
                "icmp_packets = icmp_packets_in_flows",
                true)));
    // The loader counts every row with a timestamp: the IP packets and the two without addresses.
    assertThat(JobFixtures.number(manifest, "total_packets"), equalTo(ip + 2));
    assertThat(JobFixtures.number(manifest, "tcp_packets"), equalTo(tcp));

    // Per-IP figures from the TCP packets alone, worked out here as the loader does.
    Map<String, long[]> perIp = new TreeMap<>();
    for (Packet p : a.packets()) {
      long[] s = perIp.computeIfAbsent(p.srcIpText(), k -> new long[4]);
      s[0]++;
      s[2] += p.length();
      long[] d = perIp.computeIfAbsent(p.dstIpText(), k -> new long[4]);
      d[1]++;
      d[3] += p.length();
    }
    JsonNode ipStats = new ObjectMapper().readTree(out.resolve("ips/ip_stats.json").toFile());
    assertThat(ipStats.size(), equalTo(perIp.size()));
    perIp.forEach(
        (addr, s) -> {
          JsonNode n = ipStats.get(addr);
          assertThat(
              addr,
              new long[] {
                n.get("sent_packets").asLong(),
                n.get("recv_packets").asLong(),
                n.get("sent_bytes").asLong(),
                n.get("recv_bytes").asLong()
              },
              equalTo(s));
        });
    JsonNode flagStats = new ObjectMapper().readTree(out.resolve("ips/flag_stats.json").toFile());
    assertThat(flagStats.get("ACK+AE").asLong(), equalTo(1L));
    assertThat(JobFixtures.csvRows(out, "flag_stats"), hasItem("ACK+AE,1"));
  }

  private static final String FLOWS_INDEX = "flows/flows_index.json";

  /** Columns of FlowBeam's flows CSV (see README). */
  private static final int FLOW_PROTOCOL = 5;

  private static final int FLOW_HANDSHAKE = 23;

  private static final int FLOW_CLOSE_REASON = 26;

  private static Map<String, Long> closeReasons(List<String> flowRows) {
    Map<String, Long> out = new TreeMap<>();
    for (String row : flowRows) {
      out.merge(row.split(",", -1)[FLOW_CLOSE_REASON], 1L, Long::sum);
    }
    return out;
  }
}
