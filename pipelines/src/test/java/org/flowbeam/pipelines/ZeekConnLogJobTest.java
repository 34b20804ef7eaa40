package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.duckDb;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.flowbeam.testing.Samples;
import org.flowbeam.testing.ZeekAsciiLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --formats=...,zeek,zeek-json} on the bundled 5,000-packet loopback capture: every shard of
 * {@code conn/} reads as a Zeek log ({@link ZeekAsciiLog}), its rows are the job's flows (the
 * manifest's counts, the flows' Community IDs), the JSON lines hold the same flows (read by DuckDB
 * as well), and the Direct Runner and Flink embedded write the same rows.
 */
class ZeekConnLogJobTest {
  private static final Set<String> CONN_STATES =
      Set.of(
          "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR",
          "OTH");

  @TempDir Path dir;

  @Test
  void connLogOfTheSampleMatchesTheFlowsOnBothRunners() throws IOException {
    Path direct = dir.resolve("direct");
    JobFixtures.Run r =
        JobFixtures.run(
            "--input=" + Samples.loopbackPcap(),
            "--output=" + direct,
            "--formats=csv,zeek,zeek-json",
            "--numShards=2");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = JobFixtures.counts(direct);
    long flows = number(counts, "flows");
    assertThat(flows, greaterThan(100L));

    List<Map<String, String>> rows = tsvRows(direct);
    assertThat((long) rows.size(), equalTo(flows));
    long packets = 0;
    Set<String> uids = new HashSet<>();
    List<String> communityIds = new ArrayList<>();
    for (Map<String, String> row : rows) {
      packets += Long.parseLong(row.get("orig_pkts")) + Long.parseLong(row.get("resp_pkts"));
      uids.add(row.get("uid"));
      communityIds.add(row.get("community_id"));
      assertThat(row.get("conn_state"), is(in(CONN_STATES)));
      assertThat(row.get("proto"), is(in(Set.of("tcp", "udp", "icmp"))));
      if (row.get("history") != null) {
        assertThat(row.get("history"), matchesPattern("\\^?[ShADFRTIQadfrhtiq]+"));
      }
    }
    assertThat(packets, equalTo(number(counts, "packets_in_flows")));
    assertThat("uids are unique", (long) uids.size(), equalTo(flows));
    communityIds.sort(null);
    assertThat(communityIds, equalTo(csvColumn(direct, "community_id")));
    // Each direction's packets, payload bytes and IP bytes are tshark's frames and sums of tcp.len
    // and ip.len (the capture has one flow per 5-tuple); a flow without duration has no bytes.
    List<String> directions = new ArrayList<>();
    for (Map<String, String> row : rows) {
      String orig = row.get("id.orig_h") + " " + row.get("id.orig_p");
      String resp = row.get("id.resp_h") + " " + row.get("id.resp_p");
      boolean lasted = row.get("duration") != null;
      directions.add(direction(orig, resp, row, "orig", lasted));
      if (!row.get("resp_pkts").equals("0")) {
        directions.add(direction(resp, orig, row, "resp", lasted));
      }
    }
    directions.sort(null);
    assertThat(directions, equalTo(tsharkDirections()));
    // A capture has the payload lengths: every TCP flow has a history.
    assertThat(
        rows.stream().filter(x -> x.get("proto").equals("tcp")).map(x -> x.get("history")).toList(),
        everyItem(matchesPattern(".+")));

    // The JSON lines are the same flows: same uids and packets, read by Jackson and by DuckDB.
    List<JsonNode> json = jsonRows(direct);
    Set<String> jsonUids = new HashSet<>();
    json.forEach(j -> jsonUids.add(j.get("uid").asText()));
    assertThat(jsonUids, equalTo(uids));
    assertThat(
        duckDb(
            "SELECT count(*), sum(orig_pkts + resp_pkts) FROM read_json_auto('"
                + direct
                + "/conn/*.json', format = 'newline_delimited')"),
        contains(List.of(String.valueOf(flows), String.valueOf(packets))));

    // Flink embedded writes the same rows.
    Path flink = dir.resolve("flink");
    JobFixtures.Run f =
        JobFixtures.run(
            "--runner=FlinkRunner",
            "--parallelism=2",
            "--input=" + Samples.loopbackPcap(),
            "--output=" + flink,
            "--formats=zeek,zeek-json");
    assertThat(f.err(), f.exitCode(), is(0));
    assertThat(sortedDataLines(flink, ".log"), equalTo(sortedDataLines(direct, ".log")));
    assertThat(sortedDataLines(flink, ".json"), equalTo(sortedDataLines(direct, ".json")));
    // Only the conn.log was asked for: no other sharded output.
    assertThat(Files.exists(flink.resolve("flows")), is(false));
    assertThat(Files.exists(flink.resolve("manifest.json")), is(true));
  }

  @Test
  void packetCsvLeavesWhatItCannotKnowUnset() throws IOException {
    Path out = dir.resolve("csv");
    JobFixtures.Run r =
        JobFixtures.run("--input=" + Samples.loopbackCsv(), "--output=" + out, "--formats=zeek");
    assertThat(r.err(), r.exitCode(), is(0));
    List<Map<String, String>> rows = tsvRows(out);
    assertThat((long) rows.size(), equalTo(number(JobFixtures.counts(out), "flows")));
    for (Map<String, String> row : rows) {
      assertThat(row.get("orig_ip_bytes"), equalTo(null));
      assertThat(row.get("resp_ip_bytes"), equalTo(null));
      if (row.get("proto").equals("tcp")) {
        assertThat(row.get("history"), equalTo(null));
        assertThat(row.get("orig_bytes"), equalTo(null));
      }
      assertThat(row.get("conn_state"), is(in(CONN_STATES)));
    }
  }

  /**
   * A direction of a row as {@code make-directions.sh} writes tshark's: "src port dst port frames
   * payload ip_bytes"; a flow without duration takes tshark's payload of its one packet, 0.
   */
  private static String direction(
      String from, String to, Map<String, String> row, String side, boolean lasted) {
    String payload = lasted ? row.get(side + "_bytes") : "0";
    return String.join(
        " ", from, to, row.get(side + "_pkts"), payload, row.get(side + "_ip_bytes"));
  }

  private static List<String> tsharkDirections() throws IOException {
    try (var in =
        ZeekConnLogJobTest.class.getResourceAsStream(
            "/ZeekConnLogJobTest/loopback-5k-directions.txt")) {
      List<String> lines =
          new ArrayList<>(
              List.of(
                  new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                      .split("\n")));
      lines.sort(null);
      return lines;
    }
  }

  @Test
  void aRunOfASeriesWritesTheConnLogIntoTheFlowsHourPartitions() throws IOException {
    Path root = dir.resolve("root");
    JobFixtures.Run r =
        JobFixtures.run(
            "--incremental",
            "--flushOpenFlows",
            "--input=" + Samples.loopbackPcap(),
            "--output=" + root,
            "--formats=csv,zeek");
    assertThat(r.err(), r.exitCode(), is(0));
    List<Path> logs;
    try (Stream<Path> s = Files.walk(root.resolve("conn"))) {
      logs = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    assertThat(logs.size(), greaterThan(0));
    long rows = 0;
    for (Path log : logs) {
      assertThat(
          root.relativize(log).toString(),
          matchesPattern(
              "conn/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/conn-\\d{8}T\\d{6}Z-[0-9a-f]{4}"
                  + "-\\d{5}-of-\\d{5}\\.log"));
      rows += ZeekAsciiLog.parse(Files.readString(log)).rows.size();
    }
    assertThat(rows, equalTo((long) JobFixtures.csvRowsUnder(root.resolve("flows")).size()));
  }

  private static List<Path> files(Path out, String suffix) {
    try (Stream<Path> s = Files.list(out.resolve("conn"))) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Map<String, String>> tsvRows(Path out) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    List<Path> logs = files(out, ".log");
    assertThat(logs.size(), greaterThan(0));
    for (Path log : logs) {
      assertThat(log.getFileName().toString(), matchesPattern("conn-\\d{5}-of-\\d{5}\\.log"));
      rows.addAll(ZeekAsciiLog.parse(Files.readString(log)).rows);
    }
    return rows;
  }

  private static List<JsonNode> jsonRows(Path out) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (Path f : files(out, ".json")) {
      for (String line : Files.readAllLines(f)) {
        rows.add(mapper.readTree(line));
      }
    }
    return rows;
  }

  private static List<String> sortedDataLines(Path out, String suffix) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path f : files(out, suffix)) {
      Files.readAllLines(f).stream().filter(l -> !l.startsWith("#")).forEach(lines::add);
    }
    lines.sort(null);
    return lines;
  }

  /** One column of the flows CSV, sorted. */
  private static List<String> csvColumn(Path out, String column) throws IOException {
    List<String> values = new ArrayList<>();
    try (Stream<Path> s = Files.list(out.resolve("flows"))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".csv")).toList()) {
        List<String> lines = Files.readAllLines(f);
        int at = List.of(lines.get(0).split(",")).indexOf(column);
        for (String line : lines.subList(1, lines.size())) {
          values.add(line.split(",", -1)[at]);
        }
      }
    }
    values.sort(null);
    return values;
  }
}
