package org.flowbeam.io.timearcs;

import static org.flowbeam.io.timearcs.TimeArcsFixtures.T;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeArcsLayoutWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXPECTED = "/TimeArcsLayoutWriterTest/expected/";

  static final TimeArcsOptions OPTIONS =
      TimeArcsOptions.defaults()
          .withFlowsPerChunk(2)
          .withCreated("2024-01-01T00:00:00Z")
          .withSourceFiles(List.of("day1.csv.gz", "day2.csv.gz"));

  @TempDir Path dir;
  private Map<String, Object> manifestKeys;

  @BeforeEach
  void writeLayout() throws IOException {
    manifestKeys =
        new TimeArcsLayoutWriter(OPTIONS)
            .write(dir, TimeArcsFixtures.flows(), TimeArcsFixtures.packets());
  }

  @Test
  void writesTheFoldersFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      assertThat(
          s.filter(Files::isRegularFile)
              .map(p -> dir.relativize(p).toString())
              .sorted()
              .collect(Collectors.toList()),
          contains(
              "flows/chunk_00000.json",
              "flows/chunk_00001.json",
              "flows/flows_index.json",
              "indices/bins.json",
              "ips/flag_stats.json",
              "ips/ip_stats.json",
              "ips/unique_ips.json",
              "manifest.json",
              "packets.csv"));
    }
  }

  /** The viewer knows TCP flows only: a UDP flow given to the writer changes nothing. */
  @Test
  void flowsOtherThanTcpAreLeftOut(@TempDir Path other) throws IOException {
    List<FlowRecord> withUdp = new ArrayList<>(TimeArcsFixtures.flows());
    withUdp.addAll(FlowAssembler.assemble(List.of(TimeArcsFixtures.udp()), FlowRules.defaults()));
    assertThat(withUdp, hasSize(4));
    Map<String, Object> keys =
        new TimeArcsLayoutWriter(OPTIONS).write(other, withUdp, TimeArcsFixtures.packets());
    assertThat(keys, equalTo(manifestKeys));
    assertThat(read(other, "flows/flows_index.json"), equalTo(expected("flows/flows_index.json")));
  }

  @Test
  void packetsCsvHoldsEveryPacketInEventOrder() throws IOException {
    assertThat(Files.readString(dir.resolve("packets.csv")), equalTo(resourceText("packets.csv")));
  }

  @Test
  void flowIndexMatchesTheHandWrittenOne() throws IOException {
    assertThat(read("flows/flows_index.json"), equalTo(expected("flows/flows_index.json")));
  }

  @Test
  void statsAreFromTcpPacketsWithSortedKeys() throws IOException {
    JsonNode ipStats = read("ips/ip_stats.json");
    assertThat(ipStats, equalTo(expected("ips/ip_stats.json")));
    assertThat(fieldNames(ipStats), contains("10.0.0.10", "10.0.0.2", "10.0.0.3", "10.0.0.4"));
    JsonNode flags = read("ips/flag_stats.json");
    assertThat(flags, equalTo(expected("ips/flag_stats.json")));
    assertThat(
        fieldNames(flags), contains("ACK", "FIN+ACK", "PSH+ACK", "RST+ACK", "SYN", "SYN+ACK"));
    assertThat(read("ips/unique_ips.json"), equalTo(expected("ips/unique_ips.json")));
  }

  @Test
  void manifestHoldsTheTimeArcsKeysInOrder() throws IOException {
    JsonNode manifest = read("manifest.json");
    assertThat(manifest, equalTo(expected("manifest.json")));
    assertThat(
        fieldNames(manifest),
        contains(
            "version",
            "format",
            "created",
            "source_files",
            "total_packets",
            "tcp_packets",
            "unique_ips",
            "total_flows",
            "flows_per_chunk",
            "total_chunks",
            "time_range",
            "structure"));
    assertThat(tree(manifestKeys), equalTo(manifest));
    assertThat(
        Files.readString(dir.resolve("manifest.json")),
        equalTo(ManifestWriter.toJson(manifestKeys)));
  }

  @Test
  void binsCountEveryPacketAndTheNewestIsInTheLastBin() throws IOException {
    JsonNode bins = read("indices/bins.json");
    assertThat(bins.size(), equalTo(100));
    long total = 0;
    List<Integer> nonEmpty = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      JsonNode b = bins.get(i);
      assertThat(b.get("bin").asInt(), equalTo(i));
      total += b.get("count").asLong();
      if (b.get("count").asLong() > 0) {
        nonEmpty.add(i);
      }
    }
    assertThat(total, equalTo(15L));
    // Offsets 0 (x2), 100, 200, ... 700, 1000 .. 1300, 3000, 3050 of a 3050 µs span.
    assertThat(nonEmpty, contains(0, 3, 6, 9, 13, 16, 19, 22, 32, 36, 39, 42, 98, 99));
    assertThat(bins.get(0), equalTo(bin(0, T, T + 31, 2)));
    assertThat(bins.get(99), equalTo(bin(99, T + 3020, T + 3050, 1)));
  }

  @Test
  void chunksHoldTwoFlowsEachInStartTimeThenIdOrder() throws IOException {
    JsonNode chunk0 = read("flows/chunk_00000.json");
    JsonNode chunk1 = read("flows/chunk_00001.json");
    assertThat(ids(chunk0), contains("a", "c"));
    assertThat(ids(chunk1), contains("b"));
    JsonNode index = read("flows/flows_index.json");
    List<JsonNode> summaries = new ArrayList<>();
    for (JsonNode chunk : List.of(chunk0, chunk1)) {
      for (JsonNode flow : chunk) {
        ObjectNode summary = flow.deepCopy();
        summary.remove(List.of("packets", "phases"));
        summaries.add(summary);
      }
    }
    assertThat(summaries, contains(index.get(0), index.get(1), index.get(2)));
  }

  @Test
  void chunkFlowsCarryTheirPacketsAndPhases() throws IOException {
    JsonNode c = read("flows/chunk_00000.json").get(1);
    assertThat(c.get("packets").size(), equalTo(8));
    JsonNode syn =
        JSON.readTree(
            "{\"timestamp\":1700000000000000,\"src_ip\":\"10.0.0.2\",\"dst_ip\":\"10.0.0.10\","
                + "\"src_port\":40000,\"dst_port\":80,\"flags\":2,\"flag_type\":\"SYN\","
                + "\"seq_num\":100,\"ack_num\":0,\"length\":60,\"protocol\":6}");
    assertThat(c.get("packets").get(0), equalTo(syn));
    assertThat(fieldNames(syn), equalTo(fieldNames(c.get("packets").get(0))));
    JsonNode phases = c.get("phases");
    assertThat(fieldNames(phases), contains("establishment", "dataTransfer", "closing"));
    assertThat(steps(phases.get("establishment")), contains("syn", "syn_ack", "ack"));
    assertThat(steps(phases.get("dataTransfer")), contains("data", "ack_data"));
    assertThat(steps(phases.get("closing")), contains("fin", "fin", "ack_close"));
    JsonNode first = phases.get("establishment").get(0);
    assertThat(first.get("packet"), equalTo(syn));
    assertThat(first.get("description").asText(), equalTo("SYN (client → server)"));
    assertThat(
        phases.get("closing").get(1).get("description").asText(),
        equalTo("FIN+ACK (server → client)"));

    JsonNode b = read("flows/chunk_00001.json").get(0);
    assertThat(steps(b.get("phases").get("closing")), contains("rst"));
    assertThat(
        b.get("phases").get("closing").get(0).get("packet").get("flag_type").asText(),
        equalTo("RST+ACK"));
  }

  @Test
  void rewritingWithBiggerChunksRemovesStaleChunkFiles() throws IOException {
    Map<String, Object> keys =
        new TimeArcsLayoutWriter(OPTIONS.withFlowsPerChunk(TimeArcsOptions.DEFAULT_FLOWS_PER_CHUNK))
            .write(dir, TimeArcsFixtures.flows(), TimeArcsFixtures.packets());
    assertThat(keys.get("total_chunks"), equalTo(1));
    assertThat(Files.exists(dir.resolve("flows/chunk_00001.json")), equalTo(false));
    assertThat(ids(read("flows/chunk_00000.json")), contains("a", "c", "b"));
  }

  @Test
  void withoutManifestReturnsTheKeysOnly(@TempDir Path other) throws IOException {
    Map<String, Object> keys =
        new TimeArcsLayoutWriter(OPTIONS.withWriteManifest(false))
            .write(other, TimeArcsFixtures.flows(), TimeArcsFixtures.packets());
    assertThat(Files.exists(other.resolve("manifest.json")), equalTo(false));
    assertThat(tree(keys), equalTo(expected("manifest.json")));
  }

  @Test
  void framesWithoutAnIpPacketCountInTotalPacketsOnly(@TempDir Path other) throws IOException {
    Map<String, Object> keys =
        new TimeArcsLayoutWriter(OPTIONS)
            .write(other, TimeArcsFixtures.flows(), TimeArcsFixtures.packets(), 4);
    // 15 packets (14 TCP, 1 UDP) and 4 frames without an IP packet.
    assertThat(keys.get("total_packets"), equalTo(19L));
    assertThat(keys.get("tcp_packets"), equalTo(manifestKeys.get("tcp_packets")));
    for (String file :
        List.of("packets.csv", "ips/ip_stats.json", "ips/flag_stats.json", "indices/bins.json")) {
      assertThat(
          file,
          Files.readString(other.resolve(file)),
          equalTo(Files.readString(dir.resolve(file))));
    }
  }

  @Test
  void anEmptyDatasetGivesAnEmptyLayout(@TempDir Path other) throws IOException {
    Map<String, Object> keys = new TimeArcsLayoutWriter(OPTIONS).write(other, List.of(), List.of());
    assertThat(keys.get("total_chunks"), equalTo(0));
    assertThat(keys.get("total_packets"), equalTo(0L));
    assertThat(read(other, "flows/flows_index.json").size(), equalTo(0));
    assertThat(read(other, "indices/bins.json").size(), equalTo(0));
    assertThat(
        Files.readAllLines(other.resolve("packets.csv")),
        contains(String.join(",", TimeArcsLayoutWriter.PACKET_COLUMNS)));
  }

  @Test
  void keyOrdersEndpointsAsStrings() {
    assertThat(
        TimeArcsLayoutWriter.flowKey(TimeArcsFixtures.c()), equalTo("10.0.0.10:80-10.0.0.2:40000"));
    assertThat(TimeArcsLayoutWriter.chunkFileName(12), equalTo("chunk_00012.json"));
    assertThat(ids(JSON.valueToTree(List.of())), hasSize(0));
  }

  private static JsonNode bin(int i, long start, long end, long count) throws IOException {
    return tree(Map.of("bin", i, "start", start, "end", end, "count", count));
  }

  /** {@code value} as JSON read back, so numbers have the node types a parser gives them. */
  static JsonNode tree(Object value) throws IOException {
    return JSON.readTree(JSON.writeValueAsString(value));
  }

  private static List<String> ids(JsonNode flows) {
    List<String> ids = new ArrayList<>();
    flows.forEach(f -> ids.add(f.get("id").asText()));
    return ids;
  }

  private static List<String> steps(JsonNode entries) {
    List<String> steps = new ArrayList<>();
    entries.forEach(e -> steps.add(e.get("phase").asText()));
    return steps;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private JsonNode read(String file) throws IOException {
    return read(dir, file);
  }

  static JsonNode read(Path dir, String file) throws IOException {
    return JSON.readTree(dir.resolve(file).toFile());
  }

  static JsonNode expected(String file) throws IOException {
    return JSON.readTree(resourceText(file));
  }

  static String resourceText(String file) throws IOException {
    try (InputStream in = TimeArcsLayoutWriterTest.class.getResourceAsStream(EXPECTED + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
