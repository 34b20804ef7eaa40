package org.flowbeam.io.sink;

import static org.flowbeam.io.sink.SinkFixtures.asText;
import static org.flowbeam.io.sink.SinkFixtures.csvRows;
import static org.flowbeam.io.sink.SinkFixtures.duckDb;
import static org.flowbeam.io.sink.SinkFixtures.files;
import static org.flowbeam.io.sink.SinkFixtures.parquetRows;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.io.FlowSinks;
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

/**
 * The Parquet files of every output, written by the sinks on the Direct Runner and read back with
 * DuckDB: the same rows as the CSV files of the same write, with the Avro schema's column names and
 * types, Snappy-compressed.
 */
@BeamTest
class ParquetOutputTest {
  private static final Set<FileFormat> CSV_AND_PARQUET =
      EnumSet.of(FileFormat.CSV, FileFormat.PARQUET);

  /** The DuckDB type each Avro primitive type reads as. */
  private static final Map<Schema.Type, String> DUCKDB_TYPES =
      Map.of(
          Schema.Type.STRING, "VARCHAR",
          Schema.Type.INT, "INTEGER",
          Schema.Type.LONG, "BIGINT",
          Schema.Type.BOOLEAN, "BOOLEAN");

  @TempDir Path out;

  @Test
  void flowsReadBackFromParquetAsTheirCsvRows(TestPipeline p) throws Exception {
    List<FlowRecord> flows = SinkFixtures.flows(40);
    WrittenFiles written =
        p.apply(Create.of(flows).withCoder(FlowRecordCoder.of()))
            .apply(FlowSinks.flows(out.toString(), 3).withFormats(CSV_AND_PARQUET));
    Path dir = out.resolve("flows");
    PAssert.that(written.files(FileFormat.PARQUET))
        .containsInAnyOrder(
            dir.resolve("flows-00000-of-00003.parquet").toString(),
            dir.resolve("flows-00001-of-00003.parquet").toString(),
            dir.resolve("flows-00002-of-00003.parquet").toString());
    assertThat(written.formats(), equalTo(CSV_AND_PARQUET));
    p.run().waitUntilFinish();

    assertThat(files(dir, ".avro"), empty());
    List<List<String>> csv = new ArrayList<>();
    for (Path shard : files(dir, ".csv")) {
      csv.addAll(csvRows(shard));
    }
    List<List<String>> expected =
        flows.stream().map(f -> asText(RecordFormats.FLOWS.values(f))).collect(Collectors.toList());
    assertThat(csv, containsInAnyOrder(expected.toArray()));
    assertThat(parquetRows(dir, RecordFormats.FLOWS.columns()), containsInAnyOrder(csv.toArray()));

    assertThat(
        duckDb("DESCRIBE SELECT * FROM read_parquet('" + dir + "/*.parquet')").stream()
            .map(r -> r.get(0) + " " + r.get(1))
            .collect(Collectors.toList()),
        contains(expectedColumns(RecordFormats.FLOWS)));
    assertThat(
        duckDb("SELECT DISTINCT compression FROM parquet_metadata('" + dir + "/*.parquet')"),
        contains(List.of("SNAPPY")));
  }

  @Test
  void everyOtherOutputReadsBackFromParquetAsItsCsvRows(TestPipeline p) throws Exception {
    p.apply(
            "IpStats",
            Create.of(
                    new IpStats("10.0.0.1", 3, 4, 180, 6000, 10, 20),
                    new IpStats("2001:db8::2", 1, 0, 60, 0, 15, 15))
                .withCoder(StatsCoders.ipStats()))
        .apply("WriteIpStats", FlowSinks.ipStats(out.toString(), 2).withFormats(CSV_AND_PARQUET));
    p.apply(
            "FlagStats",
            Create.of(KV.of("SYN", 4L), KV.of("SYN+ACK", 2L), KV.of("NONE", 0L))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
        .apply("WriteFlagStats", FlowSinks.flagStats(out.toString()).withFormats(CSV_AND_PARQUET));
    p.apply(
            "TimeBins",
            Create.of(
                    new TimeBin(1000, 2000, 7, 900, new FlagCounts(1, 2, 0, 3, 6, 0, 0, 0), 2),
                    new TimeBin(2000, 3000, 0, 0, new FlagCounts(0, 0, 0, 0, 0, 0, 0, 0), 0))
                .withCoder(StatsCoders.timeBin()))
        .apply("WriteTimeBins", FlowSinks.timeBins(out.toString()).withFormats(CSV_AND_PARQUET));
    p.apply(
            "Rejected",
            Create.of(
                    new RejectedRecord("day1.csv", 120, "1,2,\"x\"\nnext", "bad port 'x'"),
                    new RejectedRecord("a.pcap", 24, "ffff0000", "caplen 300000 > 262144"))
                .withCoder(RejectedRecordCoder.of()))
        .apply("WriteRejected", FlowSinks.rejected(out.toString(), 1).withFormats(CSV_AND_PARQUET));
    p.run().waitUntilFinish();

    for (RecordFormat<?> format :
        List.of(
            RecordFormats.IP_STATS,
            RecordFormats.FLAG_STATS,
            RecordFormats.TIME_BINS,
            RecordFormats.REJECTED)) {
      Path dir = out.resolve(format.name());
      List<List<String>> csv = new ArrayList<>();
      for (Path shard : files(dir, ".csv")) {
        csv.addAll(csvRows(shard));
      }
      assertThat(format.name(), csv, hasSize(format == RecordFormats.FLAG_STATS ? 3 : 2));
      for (Path shard : files(dir, ".parquet")) {
        assertThat(
            shard.getFileName().toString(),
            matchesPattern(format.name() + "-0000[01]-of-0000[12]\\.parquet"));
      }
      assertThat(
          format.name(), parquetRows(dir, format.columns()), containsInAnyOrder(csv.toArray()));
      assertThat(
          duckDb("DESCRIBE SELECT * FROM read_parquet('" + dir + "/*.parquet')").stream()
              .map(r -> r.get(0) + " " + r.get(1))
              .collect(Collectors.toList()),
          contains(expectedColumns(format)));
    }
  }

  /** {@code name TYPE} of each column, the type the Avro schema's type reads as in DuckDB. */
  private static String[] expectedColumns(RecordFormat<?> format) {
    return format.avroSchema().getFields().stream()
        .map(f -> f.name() + " " + DUCKDB_TYPES.get(f.schema().getType()))
        .toArray(String[]::new);
  }
}
