package org.flowbeam.pipelines.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.flowbeam.io.sink.RecordFormats;
import org.flowbeam.pipelines.report.Log2Histogram.Bin;
import org.flowbeam.pipelines.report.PairTotals.Pair;
import org.flowbeam.pipelines.report.ReportData.FlagCount;
import org.flowbeam.pipelines.report.ReportData.ProtocolTotals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's numbers from a hand-built output directory: four flows over two shards, three
 * addresses, flag types split over two shards, time bins with a gap, three rejected rows, and a
 * manifest naming 150 input files. Every expected number is worked out by hand from those rows.
 */
class ReportReaderTest {
  @TempDir Path dir;

  private static Map<String, Object> flow(
      String from,
      String to,
      int protocol,
      long durationUs,
      long packets,
      long bytes,
      String state,
      String closeReason) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("initiator_ip", from);
    f.put("responder_ip", to);
    f.put("protocol", protocol);
    f.put("duration_us", durationUs);
    f.put("packets", packets);
    f.put("bytes", bytes);
    f.put("state", state);
    f.put("close_reason", closeReason);
    return f;
  }

  /** Writes a CSV shard with {@code columns} as header; values missing from a row are empty. */
  static void csv(Path file, List<String> columns, List<Map<String, Object>> rows)
      throws IOException {
    Files.createDirectories(file.getParent());
    try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(file), CSVFormat.DEFAULT)) {
      p.printRecord(columns);
      for (Map<String, Object> row : rows) {
        List<Object> values = new ArrayList<>();
        for (String c : columns) {
          values.add(row.getOrDefault(c, ""));
        }
        p.printRecord(values);
      }
    }
  }

  private void writeFlows() throws IOException {
    List<String> columns = RecordFormats.FLOWS.columns();
    csv(
        dir.resolve("flows/flows-00000-of-00002.csv"),
        columns,
        List.of(
            flow("10.0.0.1", "10.0.0.2", 6, 0, 1, 60, "ongoing", "end_of_data"),
            flow("10.0.0.1", "10.0.0.2", 6, 3, 3, 180, "aborted", "rst")));
    csv(
        dir.resolve("flows/flows-00001-of-00002.csv"),
        columns,
        List.of(
            flow("10.0.0.2", "10.0.0.1", 6, 1500, 10, 5000, "closed", "fin"),
            flow("10.0.0.3", "8.8.8.8", 17, 1_000_000, 2, 200, "bidirectional", "idle_timeout")));
  }

  @Test
  void flowsAreCountedBinnedAndBrokenDown() throws IOException {
    writeFlows();

    ReportData.Flows flows = ReportReader.flows(dir).flows();

    assertThat(flows.count(), is(4L));
    assertThat(flows.packets(), is(16L));
    assertThat(flows.bytes(), is(5440L));
    // 0 in [0,1), 3 in [2,4), 1500 in [1024,2048), 1,000,000 in [2^19, 2^20): bins 0..20.
    assertThat(flows.durationUs(), hasSize(21));
    assertThat(flows.durationUs().get(0), equalTo(new Bin(0, 1, 1)));
    assertThat(flows.durationUs().get(2), equalTo(new Bin(2, 4, 1)));
    assertThat(flows.durationUs().get(11), equalTo(new Bin(1024, 2048, 1)));
    assertThat(flows.durationUs().get(20), equalTo(new Bin(1 << 19, 1 << 20, 1)));
    assertThat(flows.durationUs().stream().mapToLong(Bin::count).sum(), is(4L));
    // packets 1, 3, 10, 2
    assertThat(
        flows.packetsPerFlow(),
        contains(new Bin(1, 2, 1), new Bin(2, 4, 2), new Bin(4, 8, 0), new Bin(8, 16, 1)));
    // bytes 60 [32,64), 180 [128,256), 200 [128,256), 5000 [4096,8192)
    assertThat(flows.bytesPerFlow().get(0), equalTo(new Bin(32, 64, 1)));
    assertThat(flows.bytesPerFlow().get(2), equalTo(new Bin(128, 256, 2)));
    assertThat(flows.bytesPerFlow().get(7), equalTo(new Bin(4096, 8192, 1)));
    assertThat(
        new ArrayList<>(flows.closeReasons().keySet()),
        contains("end_of_data", "fin", "idle_timeout", "rst"));
    assertThat(flows.states().get("closed"), is(1L));
    assertThat(flows.states().size(), is(4));
    assertThat(
        flows.protocols(),
        contains(
            new ProtocolTotals(6, "TCP", 3, 14, 5240), new ProtocolTotals(17, "UDP", 1, 2, 200)));
  }

  @Test
  void pairsAddUpBothDirectionsOverShards() throws IOException {
    writeFlows();

    ReportData.Pairs pairs = ReportReader.flows(dir).pairs();

    assertThat(pairs.approximate(), is(false));
    assertThat(
        pairs.top(),
        contains(
            new Pair("10.0.0.1", "10.0.0.2", 3, 14, 5240),
            new Pair("10.0.0.3", "8.8.8.8", 1, 2, 200)));
  }

  @Test
  void talkersAreRankedBySentAndReceivedBytes() throws IOException {
    List<String> columns = RecordFormats.IP_STATS.columns();
    csv(
        dir.resolve("ip_stats/ip_stats-00000-of-00002.csv"),
        columns,
        List.of(
            Map.of("ip", "10.0.0.1", "sent_packets", 4, "sent_bytes", 240, "recv_bytes", 5000),
            Map.of("ip", "8.8.8.8", "recv_packets", 1, "recv_bytes", 100)));
    csv(
        dir.resolve("ip_stats/ip_stats-00001-of-00002.csv"),
        columns,
        List.of(Map.of("ip", "10.0.0.2", "sent_bytes", 5000, "recv_bytes", 240)));

    ReportData.Talkers talkers = ReportReader.talkers(dir);

    assertThat(talkers.addresses(), is(3L));
    // 10.0.0.1 and 10.0.0.2 both 5,240 bytes: the one read first leads.
    assertThat(
        talkers.top().stream().map(ReportData.Talker::ip).toList(),
        contains("10.0.0.1", "10.0.0.2", "8.8.8.8"));
    assertThat(talkers.top().get(0).sentPackets(), is(4L));
  }

  @Test
  void flagTypesAddUpOverShardsMostFirst() throws IOException {
    List<String> columns = RecordFormats.FLAG_STATS.columns();
    csv(
        dir.resolve("flag_stats/flag_stats-00000-of-00002.csv"),
        columns,
        List.of(Map.of("flag_type", "ACK", "count", 4), Map.of("flag_type", "SYN", "count", 2)));
    csv(
        dir.resolve("flag_stats/flag_stats-00001-of-00002.csv"),
        columns,
        List.of(
            Map.of("flag_type", "ACK", "count", 6), Map.of("flag_type", "PSH+ACK", "count", 5)));

    assertThat(
        ReportReader.flagMix(dir),
        contains(new FlagCount("ACK", 10), new FlagCount("PSH+ACK", 5), new FlagCount("SYN", 2)));
  }

  @Test
  void timeBinsBecomePointsWithZerosInTheGaps() throws IOException {
    List<String> columns = RecordFormats.TIME_BINS.columns();
    csv(
        dir.resolve("time_bins/time_bins-00000-of-00001.csv"),
        columns,
        List.of(
            Map.of(
                "start_us", 4_000_000, "end_us", 5_000_000, "packets", 7, "bytes", 700, "rst", 1),
            Map.of(
                "start_us",
                1_000_000,
                "end_us",
                2_000_000,
                "packets",
                3,
                "bytes",
                300,
                "syn",
                2,
                "flows_started",
                2),
            Map.of("start_us", 2_000_000, "end_us", 3_000_000, "packets", 1, "bytes", 60)));

    ReportData.Series s = ReportReader.timeBins(dir);

    assertThat(s.startUs(), is(1_000_000L));
    assertThat(s.pointUs(), is(1_000_000L));
    assertThat(s.binsPerPoint(), is(1));
    assertThat(s.packets(), equalTo(new long[] {3, 1, 0, 7}));
    assertThat(s.bytes(), equalTo(new long[] {300, 60, 0, 700}));
    assertThat(s.flowsStarted(), equalTo(new long[] {2, 0, 0, 0}));
    assertThat(s.flags().get("syn"), equalTo(new long[] {2, 0, 0, 0}));
    assertThat(s.flags().get("rst"), equalTo(new long[] {0, 0, 0, 1}));
  }

  @Test
  void rejectedRowsAreGroupedByKindWithExamples() throws IOException {
    csv(
        dir.resolve("rejected/rejected-00000-of-00001.csv"),
        RecordFormats.REJECTED.columns(),
        List.of(
            Map.of("file", "a.csv", "offset", 10, "reason", "bad src_port '8x'", "raw", "1,8x"),
            Map.of("file", "a.csv", "offset", 20, "reason", "missing timestamp", "raw", ",1"),
            Map.of(
                "file",
                "a.csv",
                "offset",
                30,
                "reason",
                "bad src_port '<script>'",
                "raw",
                "1,<script>")));

    RejectedGroups.Summary r = ReportReader.rejected(dir);

    assertThat(r.count(), is(3L));
    assertThat(r.otherCount(), is(0L));
    assertThat(r.groups(), hasSize(2));
    assertThat(r.groups().get(0).kind(), is("bad src_port '…'"));
    assertThat(r.groups().get(0).count(), is(2L));
    assertThat(
        r.groups().get(0).examples(),
        contains(
            new RejectedGroups.Example("a.csv", 10, "bad src_port '8x'", "1,8x"),
            new RejectedGroups.Example("a.csv", 30, "bad src_port '<script>'", "1,<script>")));
    assertThat(r.groups().get(1).kind(), is("missing timestamp"));
  }

  @Test
  void theManifestsListOfInputFilesIsCut() throws IOException {
    StringBuilder files = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      files.append(i == 0 ? "" : ",").append("{\"file\":\"f").append(i).append("\"}");
    }
    Files.writeString(
        dir.resolve("manifest.json"),
        "{\"counts\":{\"packets\":5},\"input_files\":[" + files + "]}");

    Map<String, Object> manifest = ReportReader.manifest(dir.resolve("manifest.json"));

    assertThat(((List<?>) manifest.get("input_files")).size(), is(ReportReader.MAX_INPUT_FILES));
    assertThat(manifest.get("input_files_total"), is(150));
    assertThat(((Map<?, ?>) manifest.get("counts")).get("packets"), is(5));
  }

  @Test
  void anEmptyOutputDirectoryMakesAnEmptyReport() throws IOException {
    ReportData data = ReportReader.read(dir);

    assertThat(data.manifest().isEmpty(), is(true));
    assertThat(data.timeBins(), nullValue());
    assertThat(data.flows().count(), is(0L));
    assertThat(data.flows().durationUs(), empty());
    assertThat(data.rejected().groups(), empty());
    assertThat(data.notes(), empty());
  }

  @Test
  void avroIsReadWhenBothFormatsArePresent() throws IOException {
    // The CSV shard says otherwise: only the Avro one may be read.
    csv(
        dir.resolve("ip_stats/ip_stats-00000-of-00001.csv"),
        RecordFormats.IP_STATS.columns(),
        List.of(Map.of("ip", "10.9.9.9", "sent_bytes", 1)));
    Schema schema =
        new Schema.Parser()
            .parse(ReportReaderTest.class.getResourceAsStream("/avro/ip_stats.avsc"));
    GenericRecord r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      r.put(f.name(), f.schema().getType() == Schema.Type.STRING ? "10.0.0.7" : 5L);
    }
    Path avro = dir.resolve("ip_stats/ip_stats-00000-of-00001.avro");
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      w.create(schema, avro.toFile());
      w.append(r);
    }

    ReportData.Talkers talkers = ReportReader.talkers(dir);

    assertThat(talkers.addresses(), is(1L));
    assertThat(talkers.top().get(0).ip(), is("10.0.0.7"));
    assertThat(talkers.top().get(0).totalBytes(), is(10L));
  }

  @Test
  void flowsReadFromAvroDecodeOnlyTheColumnsTheReportUses() throws IOException {
    Schema schema =
        new Schema.Parser().parse(ReportReaderTest.class.getResourceAsStream("/avro/flow.avsc"));
    Path avro = dir.resolve("flows/flows-00000-of-00001.avro");
    Files.createDirectories(avro.getParent());
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      w.create(schema, avro.toFile());
      for (Map<String, Object> f :
          List.of(
              flow("10.0.0.1", "10.0.0.2", 6, 3, 3, 180, "aborted", "rst"),
              flow("10.0.0.3", "8.8.8.8", 17, 1_000_000, 2, 200, "bidirectional", "idle"))) {
        GenericRecord r = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          Object v = f.get(field.name());
          r.put(field.name(), v != null ? convert(v, field.schema()) : defaultOf(field.schema()));
        }
        w.append(r);
      }
    }

    ReportReader.FlowSummary s = ReportReader.flows(dir);

    assertThat(s.flows().count(), is(2L));
    assertThat(s.flows().bytes(), is(380L));
    assertThat(s.flows().closeReasons().get("idle"), is(1L));
    assertThat(s.pairs().top().get(0), equalTo(new Pair("10.0.0.3", "8.8.8.8", 1, 2, 200)));
  }

  private static Object convert(Object v, Schema s) {
    Schema.Type t = nonNull(s).getType();
    if (t == Schema.Type.LONG) {
      return ((Number) v).longValue();
    }
    if (t == Schema.Type.INT) {
      return ((Number) v).intValue();
    }
    return v;
  }

  private static Object defaultOf(Schema s) {
    switch (nonNull(s).getType()) {
      case LONG:
        return 0L;
      case INT:
        return 0;
      case BOOLEAN:
        return false;
      default:
        return "";
    }
  }

  private static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    return s.getTypes().stream().filter(x -> x.getType() != Schema.Type.NULL).findFirst().get();
  }

  @Test
  void parquetOnlyOutputsAreNamedInTheNotes() throws IOException {
    Files.createDirectories(dir.resolve("flows"));
    Files.write(dir.resolve("flows/flows-00000-of-00001.parquet"), new byte[] {1});

    ReportData data = ReportReader.read(dir);

    assertThat(data.notes(), hasSize(1));
    assertThat(data.notes().get(0).startsWith("flows was written only as Parquet"), is(true));
  }
}
