package org.flowbeam.io.sink;

import static org.flowbeam.io.sink.SinkFixtures.asText;
import static org.flowbeam.io.sink.SinkFixtures.avroCodec;
import static org.flowbeam.io.sink.SinkFixtures.avroRows;
import static org.flowbeam.io.sink.SinkFixtures.csvHeader;
import static org.flowbeam.io.sink.SinkFixtures.csvRows;
import static org.flowbeam.io.sink.SinkFixtures.files;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.fs.Location;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowRecordCoder;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.RejectedRecordCoder;
import org.flowbeam.model.StatsCoders;
import org.flowbeam.model.TimeBin;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BeamTest
class FlowSinksTest {
  @TempDir Path out;

  @Test
  void writesFlowsAsShardedCsvAndAvro(TestPipeline p) throws Exception {
    List<FlowRecord> flows = SinkFixtures.flows(40);
    WrittenFiles written =
        p.apply(Create.of(flows).withCoder(FlowRecordCoder.of()))
            .apply(FlowSinks.flows(out.toString(), 4));
    Path dir = out.resolve("flows");
    PAssert.that(written.files(FileFormat.CSV))
        .containsInAnyOrder(shardNames(dir, "flows", 4, ".csv"));
    PAssert.that(written.files(FileFormat.AVRO))
        .containsInAnyOrder(shardNames(dir, "flows", 4, ".avro"));
    p.run().waitUntilFinish();

    List<List<String>> expected =
        flows.stream().map(f -> asText(RecordFormats.FLOWS.values(f))).collect(Collectors.toList());

    List<Path> csv = files(dir, ".csv");
    assertThat(names(csv), contains(shardNames("flows", 4, ".csv")));
    List<List<String>> csvRows = new ArrayList<>();
    for (Path shard : csv) {
      assertThat(csvHeader(shard), equalTo(RecordFormats.FLOWS.columns()));
      csvRows.addAll(csvRows(shard));
    }
    assertThat(csvRows, containsInAnyOrder(expected.toArray()));

    List<Path> avro = files(dir, ".avro");
    assertThat(names(avro), contains(shardNames("flows", 4, ".avro")));
    List<List<String>> avroRows = new ArrayList<>();
    for (Path shard : avro) {
      assertThat(avroCodec(shard), equalTo("deflate"));
      avroRows.addAll(avroRows(shard, "/avro/flow.avsc"));
    }
    assertThat(avroRows, containsInAnyOrder(expected.toArray()));
  }

  @Test
  void removesEmptiedTemporaryDirectoriesAndKeepsOnesHoldingFiles() throws Exception {
    Path emptied = Files.createDirectories(out.resolve("flows/.temp-beam-csv/run"));
    Path failed = Files.createDirectories(out.resolve("ip_stats/.temp-beam-avro/run"));
    Files.writeString(failed.resolve("part"), "left by a failed write");
    Files.writeString(out.resolve("flows/flows-00000-of-00001.csv"), "flow_id\n");

    assertThat(
        FlowSinks.removeEmptyTempDirs(Location.local(out)),
        contains(Location.local(out.resolve("flows/.temp-beam-csv"))));
    assertThat(Files.exists(emptied.getParent()), equalTo(false));
    assertThat(Files.exists(failed.resolve("part")), equalTo(true));
    assertThat(Files.exists(out.resolve("flows/flows-00000-of-00001.csv")), equalTo(true));
  }

  /**
   * A seed other than the default reaches every format's {@code community_id}: CSV, Avro and
   * Parquet each hold, for every flow, {@link CommunityId} of its tuple with that seed, which is
   * not the default seed's id.
   */
  @Test
  void writesTheCommunityIdWithTheSeedAskedFor(TestPipeline p) throws Exception {
    List<FlowRecord> flows = SinkFixtures.flows(12);
    CommunityId seeded = CommunityId.withSeed(4321);
    p.apply(Create.of(flows).withCoder(FlowRecordCoder.of()))
        .apply(
            FlowSinks.flows(out.toString(), 2, seeded)
                .withFormats(EnumSet.of(FileFormat.CSV, FileFormat.AVRO, FileFormat.PARQUET)));
    p.run().waitUntilFinish();

    List<String> expected = new ArrayList<>();
    for (FlowRecord f : flows) {
      expected.add(f.flowId() + " " + seeded.of(f));
      assertThat(seeded.of(f), not(equalTo(CommunityId.DEFAULT.of(f))));
    }
    Path dir = out.resolve("flows");
    List<String> columns = RecordFormats.FLOWS.columns();
    int id = columns.indexOf("community_id");
    List<List<String>> csv = new ArrayList<>();
    List<List<String>> avro = new ArrayList<>();
    for (Path shard : files(dir, ".csv")) {
      assertThat(csvHeader(shard), equalTo(columns));
      csv.addAll(csvRows(shard));
    }
    for (Path shard : files(dir, ".avro")) {
      avro.addAll(avroRows(shard, RecordFormats.FLOWS.avroSchemaResource()));
    }
    List<List<String>> parquet = SinkFixtures.parquetRows(dir, columns);
    for (List<List<String>> rows : List.of(csv, avro, parquet)) {
      assertThat(
          rows.stream().map(r -> r.get(0) + " " + r.get(id)).collect(Collectors.toList()),
          containsInAnyOrder(expected.toArray()));
    }
  }

  @Test
  void flowColumnsAreTheDocumentedOnes() {
    assertThat(
        RecordFormats.FLOWS.columns(),
        contains(
            "flow_id",
            "initiator_ip",
            "initiator_port",
            "responder_ip",
            "responder_port",
            "protocol",
            "start_us",
            "end_us",
            "duration_us",
            "packets",
            "bytes",
            "packets_fwd",
            "packets_rev",
            "bytes_fwd",
            "bytes_rev",
            "fin",
            "syn",
            "rst",
            "psh",
            "ack",
            "urg",
            "ece",
            "cwr",
            "handshake_complete",
            "state",
            "invalid_reason",
            "close_reason",
            "community_id",
            "tunnel_type",
            "tunnel_src_ip",
            "tunnel_dst_ip",
            "tunnel_other_packets"));
    FlowRecord f = SinkFixtures.flows(3).get(2);
    assertThat(
        asText(RecordFormats.FLOWS.values(f)),
        contains(
            "flow-2",
            "10.0.0.2",
            "40002",
            "192.168.1.1",
            "443",
            "6",
            "1700000000002000",
            "1700000000002154",
            "154",
            "9",
            "6300",
            "5",
            "4",
            "300",
            "6000",
            "1",
            "2",
            "0",
            "3",
            "6",
            "0",
            "0",
            "1",
            "true",
            "invalid",
            "incomplete_no_synack",
            "idle_timeout",
            // Community ID of 10.0.0.2:40002 -> 192.168.1.1:443 TCP, computed by hand from the
            // spec (SHA-1 of seed, ordered addresses, protocol, padding, ports; Base64).
            "1:uAPKc4z5FYCjDS1qXsocuSUu/yU=",
            // The fixture's flow 2 came through a GTP-U tunnel; none of its packets otherwise.
            "gtp_u",
            "172.16.0.2",
            "172.16.1.1",
            "0"));
  }

  @Test
  void writesNoFileForAShardWithoutRows(TestPipeline p) throws Exception {
    // FileIO writes windowed: a shard that got no row is not created, so 1 row gives 1 file.
    p.apply(Create.of(SinkFixtures.flows(1)).withCoder(FlowRecordCoder.of()))
        .apply(FlowSinks.flows(out.toString(), 3));
    p.run().waitUntilFinish();
    List<Path> csv = files(out.resolve("flows"), ".csv");
    assertThat(csv, hasSize(1));
    assertThat(csv.get(0).getFileName().toString(), matchesPattern("flows-0000[0-2]-of-00003.csv"));
    assertThat(csvHeader(csv.get(0)), equalTo(RecordFormats.FLOWS.columns()));
    assertThat(csvRows(csv.get(0)), hasSize(1));
  }

  @Test
  void writesIpStats(TestPipeline p) throws Exception {
    List<IpStats> stats =
        List.of(
            new IpStats("10.0.0.1", 3, 4, 180, 6000, 10, 20),
            new IpStats("2001:db8::2", 1, 0, 60, 0, 15, 15));
    p.apply(Create.of(stats).withCoder(StatsCoders.ipStats()))
        .apply(FlowSinks.ipStats(out.toString(), 2));
    p.run().waitUntilFinish();
    Path dir = out.resolve("ip_stats");
    for (Path f : files(dir, ".csv")) {
      assertThat(f.getFileName().toString(), matchesPattern("ip_stats-0000[01]-of-00002.csv"));
    }
    List<List<String>> rows = new ArrayList<>();
    for (Path shard : files(dir, ".csv")) {
      assertThat(
          csvHeader(shard),
          contains(
              "ip",
              "sent_packets",
              "recv_packets",
              "sent_bytes",
              "recv_bytes",
              "first_us",
              "last_us"));
      rows.addAll(csvRows(shard));
    }
    assertThat(
        rows,
        containsInAnyOrder(
            List.of("10.0.0.1", "3", "4", "180", "6000", "10", "20"),
            List.of("2001:db8::2", "1", "0", "60", "0", "15", "15")));
    List<List<String>> avro = new ArrayList<>();
    for (Path shard : files(dir, ".avro")) {
      avro.addAll(avroRows(shard, "/avro/ip_stats.avsc"));
    }
    assertThat(avro, containsInAnyOrder(rows.toArray()));
  }

  @Test
  void writesFlagStatsInOneShard(TestPipeline p) throws Exception {
    p.apply(
            Create.of(KV.of("SYN", 4L), KV.of("SYN+ACK", 2L), KV.of("NONE", 0L))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
        .apply(FlowSinks.flagStats(out.toString()));
    p.run().waitUntilFinish();
    Path csv = out.resolve("flag_stats/flag_stats-00000-of-00001.csv");
    assertThat(csvHeader(csv), contains("flag_type", "count"));
    assertThat(
        csvRows(csv),
        containsInAnyOrder(List.of("SYN", "4"), List.of("SYN+ACK", "2"), List.of("NONE", "0")));
    assertThat(
        avroRows(out.resolve("flag_stats/flag_stats-00000-of-00001.avro"), "/avro/flag_stats.avsc"),
        containsInAnyOrder(List.of("SYN", "4"), List.of("SYN+ACK", "2"), List.of("NONE", "0")));
  }

  @Test
  void writesTimeBinsInOneShard(TestPipeline p) throws Exception {
    TimeBin bin = new TimeBin(1000, 2000, 7, 900, new FlagCounts(1, 2, 0, 3, 6, 0, 0, 0), 2);
    p.apply(Create.of(bin).withCoder(StatsCoders.timeBin()))
        .apply(FlowSinks.timeBins(out.toString()));
    p.run().waitUntilFinish();
    List<String> expected =
        List.of("1000", "2000", "7", "900", "1", "2", "0", "3", "6", "0", "0", "0", "2");
    Path csv = out.resolve("time_bins/time_bins-00000-of-00001.csv");
    assertThat(
        csvHeader(csv),
        contains(
            "start_us",
            "end_us",
            "packets",
            "bytes",
            "fin",
            "syn",
            "rst",
            "psh",
            "ack",
            "urg",
            "ece",
            "cwr",
            "flows_started"));
    assertThat(csvRows(csv), contains(expected));
    assertThat(
        avroRows(out.resolve("time_bins/time_bins-00000-of-00001.avro"), "/avro/time_bins.avsc"),
        contains(expected));
  }

  @Test
  void writesRejectedRecordsQuotingTheirRawText(TestPipeline p) throws Exception {
    RejectedRecord r1 = new RejectedRecord("day1.csv", 120, "1,2,\"x\"\nnext", "bad port 'x'");
    RejectedRecord r2 = new RejectedRecord("a.pcap", 24, "ffff0000", "caplen 300000 > 262144");
    p.apply(Create.of(r1, r2).withCoder(RejectedRecordCoder.of()))
        .apply(FlowSinks.rejected(out.toString(), 1).withFormats(EnumSet.of(FileFormat.CSV)));
    p.run().waitUntilFinish();
    Path dir = out.resolve("rejected");
    assertThat(files(dir, ".avro"), empty());
    Path csv = dir.resolve("rejected-00000-of-00001.csv");
    assertThat(csvHeader(csv), contains("file", "offset", "reason", "raw"));
    assertThat(
        csvRows(csv),
        containsInAnyOrder(
            List.of("day1.csv", "120", "bad port 'x'", "1,2,\"x\"\nnext"),
            List.of("a.pcap", "24", "caplen 300000 > 262144", "ffff0000")));
  }

  @Test
  void rejectsANegativeShardCount() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> FlowSinks.flows("/tmp/x", -1));
  }

  @Test
  void leavesOnlyTheShardsOnceTheTemporaryDirectoriesAreRemoved(TestPipeline p) throws Exception {
    p.apply(Create.of(SinkFixtures.flows(5)).withCoder(FlowRecordCoder.of()))
        .apply(FlowSinks.flows(out.toString(), 2));
    p.run().waitUntilFinish();
    FlowSinks.removeEmptyTempDirs(Location.local(out));
    try (var s = Files.list(out.resolve("flows"))) {
      List<String> names =
          s.map(x -> x.getFileName().toString()).sorted().collect(Collectors.toList());
      assertThat(names.isEmpty(), equalTo(false));
      for (String name : names) {
        assertThat(name, matchesPattern("flows-0000[01]-of-00002\\.(csv|avro)"));
      }
    }
  }

  private static List<String> names(List<Path> files) {
    return files.stream().map(f -> f.getFileName().toString()).collect(Collectors.toList());
  }

  private static String[] shardNames(String prefix, int n, String suffix) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = String.format("%s-%05d-of-%05d%s", prefix, i, n, suffix);
    }
    return names;
  }

  private static String[] shardNames(Path dir, String prefix, int n, String suffix) {
    String[] names = shardNames(prefix, n, suffix);
    for (int i = 0; i < n; i++) {
      names[i] = dir.resolve(names[i]).toString();
    }
    return names;
  }
}
