package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.flowbeam.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job writes each flow's Community ID as the {@code community_id} column of its CSV, Avro and
 * Parquet flows, with the seed {@code --communityIdSeed} asks for, recorded in the manifest. The
 * expected ids are tshark 4.0's ({@code tshark -r dpkt/http.pcap --enable-protocol communityid -o
 * communityid.seed:S -T fields -e communityid}; io's {@code
 * resources/CommunityIdAgreementTest/http.pcap.cid.csv} holds them per packet).
 */
class CommunityIdJobTest {
  /**
   * tshark's ids of the conversations of {@code dpkt/http.pcap}, by protocol and endpoints (sorted
   * as text): with seed 0, then seed 4321.
   */
  private static final Map<String, List<String>> TSHARK =
      Map.of(
          "6 145.254.160.237:3372 65.208.228.223:80",
          List.of("1:D0Hb5PnRilB52ktTszXCb9PSY8M=", "1:8PnfsUhD39xf+DIAGj9sasnlE/g="),
          "6 145.254.160.237:3371 216.239.59.99:80",
          List.of("1:7nC/7zrAb8+u42Cyml9EIzmTKck=", "1:gdlGHhV8sjA7hNJJzbQ1zqgLxQI="),
          "17 145.253.2.203:53 145.254.160.237:3009",
          List.of("1:8mxRhAqAbyQKnL/f9JgxJp0TSOo=", "1:/rCBYJJAh8HSoJRxHJtVRM4WuMk="));

  @TempDir Path dir;

  /** (The default seed's ids are checked on hand-built traffic by {@link FlowBeamJobTest}.) */
  @Test
  void everyFormatHoldsTsharksIdWithTheSeedAskedFor() throws IOException {
    Path capture = SharedData.root().resolve("captures/dpkt/http.pcap");
    Path seeded = dir.resolve("seeded");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=DirectRunner",
            "--input=" + capture,
            "--output=" + seeded,
            "--formats=csv,avro,parquet",
            "--communityIdSeed=4321");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(options(seeded).get("community_id_seed"), equalTo(4321));
    Map<String, String> csv = idsFromCsv(seeded);
    // Both TCP connections (UDP too, once FlowBeam makes UDP flows) carry tshark's id.
    assertThat(csv.keySet(), hasItems(tcpConversations()));
    assertThat(csv, equalTo(expected(csv, 1)));
    assertThat(idsFromAvro(seeded), equalTo(csv));
    assertThat(idsFromParquet(seeded), equalTo(csv));
  }

  private static String[] tcpConversations() {
    return TSHARK.keySet().stream().filter(k -> k.startsWith("6 ")).toArray(String[]::new);
  }

  /**
   * tshark's id (column {@code seedColumn} of {@link #TSHARK}) of each conversation in {@code
   * found}.
   */
  private static Map<String, String> expected(Map<String, String> found, int seedColumn) {
    Map<String, String> out = new TreeMap<>();
    for (String conversation : found.keySet()) {
      List<String> ids = TSHARK.get(conversation);
      out.put(
          conversation, ids == null ? "not a conversation of the capture" : ids.get(seedColumn));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> options(Path out) {
    return (Map<String, Object>) JobFixtures.manifest(out).get("options");
  }

  /** "protocol a:port b:port" with the endpoints sorted as text. */
  private static String conversation(
      Object protocol, Object ip1, Object port1, Object ip2, Object port2) {
    String a = ip1 + ":" + port1;
    String b = ip2 + ":" + port2;
    return protocol + " " + (a.compareTo(b) <= 0 ? a + " " + b : b + " " + a);
  }

  /** Conversation to community_id of {@code rows}; one conversation with two ids fails. */
  private static Map<String, String> ids(List<List<String>> rows) {
    Map<String, String> out = new TreeMap<>();
    for (List<String> r : rows) {
      String key = conversation(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
      String before = out.put(key, r.get(5));
      assertThat(key + " written twice", before == null || before.equals(r.get(5)));
    }
    return out;
  }

  private static final String COLUMNS =
      "protocol, initiator_ip, initiator_port, responder_ip, responder_port, community_id";

  private static Map<String, String> idsFromCsv(Path out) {
    return ids(
        JobFixtures.duckDb(
            "SELECT "
                + COLUMNS
                + " FROM read_csv('"
                + out
                + "/flows/*.csv', header = true, all_varchar = true)"));
  }

  private static Map<String, String> idsFromParquet(Path out) {
    return ids(
        JobFixtures.duckDb(
            "SELECT " + COLUMNS + " FROM read_parquet('" + out + "/flows/*.parquet')"));
  }

  private static Map<String, String> idsFromAvro(Path out) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(out.resolve("flows"))) {
      files = s.filter(p -> p.toString().endsWith(".avro")).toList();
    }
    for (Path f : files) {
      try (DataFileReader<GenericRecord> reader =
          new DataFileReader<>(f.toFile(), new GenericDatumReader<>())) {
        for (GenericRecord g : reader) {
          List<String> row = new ArrayList<>();
          for (String column : COLUMNS.split(", ")) {
            row.add(String.valueOf(g.get(column)));
          }
          rows.add(row);
        }
      }
    }
    return ids(rows);
  }
}
