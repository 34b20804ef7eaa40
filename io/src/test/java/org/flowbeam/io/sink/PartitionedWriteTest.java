package org.flowbeam.io.sink;

import static org.flowbeam.io.sink.SinkFixtures.avroRows;
import static org.flowbeam.io.sink.SinkFixtures.csvRows;
import static org.flowbeam.io.sink.SinkFixtures.duckDb;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowRecordCoder;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes into Hive-style partitions with the run id in every file name: each flow lands under the
 * UTC hour of its first packet (across an hour boundary and a date change at midnight), per-run
 * outputs under {@code run=<id>}, and a partition function cannot write outside the output.
 */
@BeamTest
class PartitionedWriteTest {
  private static final String RUN = "20261204T010203Z-00ab";

  /** Flow id, start instant, and the partition it belongs to, worked out by hand. */
  private static final String[][] FLOWS = {
    {"f0", "2026-12-03T22:59:59.999999Z", "date=2026-12-03/hour=22"},
    {"f1", "2026-12-03T23:00:00Z", "date=2026-12-03/hour=23"},
    {"f2", "2026-12-03T23:30:00Z", "date=2026-12-03/hour=23"},
    {"f3", "2026-12-03T23:59:59.999999Z", "date=2026-12-03/hour=23"},
    {"f4", "2026-12-04T00:00:00Z", "date=2026-12-04/hour=00"},
    {"f5", "2026-12-04T00:45:10.25Z", "date=2026-12-04/hour=00"},
  };

  @TempDir Path out;

  @Test
  void eachFlowLandsUnderTheUtcHourOfItsFirstPacket(TestPipeline p) throws Exception {
    List<FlowRecord> flows = new ArrayList<>();
    Map<String, String> expected = new TreeMap<>();
    for (String[] f : FLOWS) {
      flows.add(flow(f[0], Instant.parse(f[1])));
      expected.put(f[0], f[2]);
    }
    WrittenFiles written =
        p.apply(Create.of(flows).withCoder(FlowRecordCoder.of()))
            .apply(
                FlowSinks.flows(out.toString(), 2)
                    .withFormats(EnumSet.allOf(FileFormat.class))
                    .withPartitioning(HivePartitions.flowsByStartHour())
                    .withFileTag(RUN));
    Path dir = out.resolve("flows");
    Pattern csvName =
        Pattern.compile(
            Pattern.quote(dir.toString())
                + "/date=2026-12-0[34]/hour=(22|23|00)/flows-"
                + RUN
                + "-0000[01]-of-00002\\.csv");
    PAssert.that(written.files(FileFormat.CSV))
        .satisfies(
            names -> {
              int n = 0;
              for (String name : names) {
                assertThat(name, matchesPattern(csvName));
                n++;
              }
              assertThat("at most 2 shards in each of 3 partitions", n <= 6, equalTo(true));
              return null;
            });
    p.run().waitUntilFinish();

    Map<String, String> csvPartitions = new TreeMap<>();
    Map<String, String> avroPartitions = new TreeMap<>();
    for (Path file : dataFiles(dir)) {
      String partition = dir.relativize(file.getParent()).toString();
      String name = file.getFileName().toString();
      assertThat(name, matchesPattern("flows-" + RUN + "-0000[01]-of-00002\\.(csv|avro|parquet)"));
      if (name.endsWith(".csv")) {
        csvRows(file).forEach(row -> csvPartitions.put(row.get(0), partition));
      } else if (name.endsWith(".avro")) {
        avroRows(file, "/avro/flow.avsc").forEach(row -> avroPartitions.put(row.get(0), partition));
      }
    }
    assertThat(csvPartitions, equalTo(expected));
    assertThat(avroPartitions, equalTo(expected));

    List<List<String>> parquet =
        duckDb(
            "SELECT flow_id, 'date=' || CAST(date AS VARCHAR) || '/hour=' || lpad(CAST(hour AS"
                + " VARCHAR), 2, '0') FROM read_parquet('"
                + dir
                + "/*/*/*.parquet', hive_partitioning = true)");
    assertThat(
        parquet,
        containsInAnyOrder(
            expected.entrySet().stream()
                .map(e -> List.of(e.getKey(), e.getValue()))
                .collect(Collectors.toList())
                .toArray()));
  }

  @Test
  void perRunOutputsLandUnderTheirRun(TestPipeline p) throws Exception {
    p.apply(
            Create.of(KV.of("SYN", 4L), KV.of("SYN+ACK", 2L))
                .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
        .apply(
            FlowSinks.flagStats(out.toString())
                .withPartitioning(HivePartitions.run(RUN))
                .withFileTag(RUN));
    p.run().waitUntilFinish();
    Path csv = out.resolve("flag_stats/run=" + RUN + "/flag_stats-" + RUN + "-00000-of-00001.csv");
    assertThat(csvRows(csv), containsInAnyOrder(List.of("SYN", "4"), List.of("SYN+ACK", "2")));
    assertThat(
        dataFiles(out.resolve("flag_stats")).stream()
            .map(f -> out.relativize(f).toString())
            .collect(Collectors.toList()),
        containsInAnyOrder(
            "flag_stats/run=" + RUN + "/flag_stats-" + RUN + "-00000-of-00001.csv",
            "flag_stats/run=" + RUN + "/flag_stats-" + RUN + "-00000-of-00001.avro"));
  }

  @Test
  void aTagAloneKeepsTheFlatLayout(TestPipeline p) throws Exception {
    p.apply(Create.of(SinkFixtures.flows(4)).withCoder(FlowRecordCoder.of()))
        .apply(FlowSinks.flows(out.toString(), 1).withFileTag(RUN));
    p.run().waitUntilFinish();
    assertThat(
        dataFiles(out.resolve("flows")).stream()
            .map(f -> out.relativize(f).toString())
            .collect(Collectors.toList()),
        containsInAnyOrder(
            "flows/flows-" + RUN + "-00000-of-00001.csv",
            "flows/flows-" + RUN + "-00000-of-00001.avro"));
  }

  @Test
  void aPartitionOutsideTheOutputFailsTheWrite(TestPipeline p) {
    p.apply(Create.of(SinkFixtures.flows(2)).withCoder(FlowRecordCoder.of()))
        .apply(FlowSinks.flows(out.resolve("root").toString(), 1).withPartitioning(f -> "../x=1"));
    RuntimeException e = assertThrows(RuntimeException.class, () -> p.run().waitUntilFinish());
    assertThat(rootCause(e).getMessage(), containsString("partition path '../x=1'"));
    assertThat(Files.exists(out.resolve("root/x=1")), equalTo(false));
    assertThat(Files.exists(out.resolve("x=1")), equalTo(false));
  }

  @Test
  void refusesABadTagWhenTheWriteIsBuilt() {
    assertThrows(
        IllegalArgumentException.class, () -> FlowSinks.flows("/tmp/x", 1).withFileTag("../up"));
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Every finished file under {@code dir}, leaving out FileIO's temporary directories. */
  private static List<Path> dataFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> !dir.relativize(f).toString().startsWith("."))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** A flow whose first packet is at {@code start} and whose last is two hours later. */
  private static FlowRecord flow(String id, Instant start) {
    long startUs = ChronoUnit.MICROS.between(Instant.EPOCH, start);
    return new FlowRecord(
        id,
        "10.0.0.1",
        40000,
        "10.0.0.2",
        443,
        6,
        startUs,
        startUs + 7_200_000_000L,
        3,
        2,
        180,
        3000,
        new FlagCounts(1, 2, 0, 1, 4, 0, 0, 0),
        true,
        FlowState.CLOSED,
        InvalidReason.NONE,
        CloseReason.FIN,
        ConnSummary.UNKNOWN,
        List.of());
  }
}
