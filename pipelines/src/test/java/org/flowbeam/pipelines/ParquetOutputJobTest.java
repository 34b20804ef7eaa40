package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.duckDb;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.fs.Location;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's Parquet output read the way users read it, through DuckDB: the flow count and packet
 * sum it gives equal the manifest's counts, on the bundled real-traffic sample and the real
 * loopback capture (skipped where {@code ../shared} is absent) through the command line on Flink
 * embedded, and in the partitioned layout of the recurring job on the Direct Runner, where every
 * flow lies under the UTC hour of its first packet.
 */
@BeamTest
class ParquetOutputJobTest {
  /** The bundled sample: 5,000 packets of real loopback HTTP traffic (pipelines/ is the cwd). */
  private static final Path SAMPLE = Path.of("../src/samples/loopback-5k.csv");

  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void sampleFlowsInParquetAddUpToTheManifest() throws IOException {
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=FlinkRunner",
            "--parallelism=2",
            "--input=" + SAMPLE,
            "--output=" + out,
            "--formats=csv,avro,parquet");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = JobFixtures.counts(out);
    assertThat(number(counts, "flows"), greaterThan(0L));
    assertThat(
        duckDb("SELECT count(*), sum(packets) FROM read_parquet('" + out + "/flows/*.parquet')"),
        contains(
            List.of(
                String.valueOf(number(counts, "flows")),
                String.valueOf(number(counts, "packets_in_flows")))));
    assertThat(
        duckDb("SELECT count(*) FROM read_parquet('" + out + "/ip_stats/*.parquet')"),
        contains(List.of(String.valueOf(number(counts, "ip_addresses")))));
    assertThat(
        duckDb("SELECT sum(packets) FROM read_parquet('" + out + "/time_bins/*.parquet')"),
        contains(List.of(String.valueOf(number(counts, "packets")))));
    assertThat(number(counts, "rejected"), is(0L));
    assertThat(files(out.resolve("rejected"), ".parquet"), empty());

    // The Parquet rows are the CSV rows: compare the flows column by column, as CSV text.
    List<String> parquetRows =
        duckDb(
                "SELECT * REPLACE (CAST(handshake_complete AS VARCHAR) AS handshake_complete)"
                    + " FROM read_parquet('"
                    + out
                    + "/flows/*.parquet')")
            .stream()
            .map(row -> String.join(",", row).replace(",null,", ",,"))
            .sorted()
            .collect(Collectors.toList());
    assertThat(parquetRows, equalTo(JobFixtures.csvRows(out, "flows")));
    for (String output : List.of("flows", "ip_stats", "flag_stats", "time_bins")) {
      for (String suffix : List.of(".csv", ".avro", ".parquet")) {
        assertThat(output + suffix, files(out.resolve(output), suffix).isEmpty(), is(false));
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> options = (Map<String, Object>) JobFixtures.manifest(out).get("options");
    assertThat(options.get("formats"), equalTo(List.of("csv", "avro", "parquet")));
  }

  @Test
  void realCaptureFlowsInParquetAddUpToTheManifest() throws IOException {
    Path capture = Samples.loopbackPcap();
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--input=" + capture, "--output=" + out, "--formats=parquet", "--parallelism=2");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = JobFixtures.counts(out);
    assertThat(number(counts, "flows"), greaterThan(300L));
    assertThat(
        duckDb("SELECT count(*), sum(packets) FROM read_parquet('" + out + "/flows/*.parquet')"),
        contains(
            List.of(
                String.valueOf(number(counts, "flows")),
                String.valueOf(number(counts, "packets_in_flows")))));
    assertThat(files(out.resolve("flows"), ".csv"), empty());
    assertThat(files(out.resolve("flows"), ".avro"), empty());
  }

  @Test
  void partitionedRunPutsEachFlowUnderItsStartHour(TestPipeline p) throws IOException {
    // The sample's first 1,000 packets (86 ms), moved in time so that midnight UTC falls at the
    // 500th: flows that start before it go to date=2026-12-03/hour=23, the others to
    // date=2026-12-04/hour=00.
    List<String> lines = Files.readAllLines(SAMPLE).subList(0, 1001);
    long midUs = Long.parseLong(lines.get(500).split(",")[0]);
    Path input =
        shifted(lines, dir.resolve("midnight.csv"), micros("2026-12-04T00:00:00Z") - midUs);
    String run = "20261204T010000Z-0a1b";
    Path root = dir.resolve("root");

    // Without the Direct Runner's per-bundle checks, as the command line runs it: with them, each
    // bundle re-translates the whole job, and one bundle per flow key makes that minutes.
    DirectOptions direct = p.getOptions().as(DirectOptions.class);
    direct.setEnforceImmutability(false);
    direct.setEnforceEncodability(false);
    FlowBeamOptions o =
        PipelineOptionsFactory.fromArgs(
                "--input=" + input, "--output=" + root, "--formats=csv,parquet")
            .as(FlowBeamOptions.class);
    InputFiles inputs = InputFiles.classify(List.of(input.toString()), o.getFormat());
    FlowBeamPipeline.build(
        p,
        o,
        inputs,
        OutputSinks.flat(root.toString(), 0, FlowBeamPipeline.formats(o)).partitioned(run),
        FlowBeamPipeline.manifestHead(o, inputs, "DirectRunner"));
    p.run().waitUntilFinish();
    FlowSinks.removeEmptyTempDirs(Location.local(root));
    Map<String, Object> counts = JobFixtures.counts(root);

    // Expected: the flows of the CSV output, grouped by the UTC hour of start_us (java.time).
    Map<String, long[]> expected = new TreeMap<>();
    for (String row : csvRowsUnder(root.resolve("flows"))) {
      String[] f = row.split(",", -1);
      String hour = HOUR.format(Instant.EPOCH.plus(Long.parseLong(f[6]), ChronoUnit.MICROS));
      long[] e = expected.computeIfAbsent(hour, h -> new long[2]);
      e[0]++;
      e[1] += Long.parseLong(f[9]);
    }
    assertThat(expected.keySet(), contains("2026-12-03 23", "2026-12-04 00"));
    List<List<String>> byHour =
        duckDb(
            "SELECT strftime(date, '%Y-%m-%d') || ' ' || lpad(CAST(hour AS VARCHAR), 2, '0'),"
                + " count(*), sum(packets) FROM read_parquet('"
                + root
                + "/flows/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY ALL");
    assertThat(
        byHour,
        equalTo(
            expected.entrySet().stream()
                .map(
                    e ->
                        List.of(
                            e.getKey(),
                            String.valueOf(e.getValue()[0]),
                            String.valueOf(e.getValue()[1])))
                .collect(Collectors.toList())));
    assertThat(
        duckDb(
            "SELECT count(*), sum(packets) FROM read_parquet('"
                + root
                + "/flows/*/*/*.parquet', hive_partitioning = true)"),
        contains(
            List.of(
                String.valueOf(number(counts, "flows")),
                String.valueOf(number(counts, "packets_in_flows")))));

    // Per-address statistics per hour, under that hour; every data file carries the run id.
    assertThat(
        duckDb(
            "SELECT count(*) FROM read_parquet('"
                + root
                + "/ip_stats/*/*/*.parquet', hive_partitioning = true)"),
        contains(List.of(String.valueOf(number(counts, "ip_addresses")))));
    assertThat(
        duckDb(
            "SELECT sum(packets) FROM read_parquet('"
                + root
                + "/time_bins/*/*/*.parquet', hive_partitioning = true)"),
        contains(List.of(String.valueOf(number(counts, "packets")))));
    assertThat(Files.isDirectory(root.resolve("flag_stats/run=" + run)), is(true));
    for (Path f : dataFiles(root)) {
      assertThat(
          root.relativize(f).toString(),
          matchesPattern(
              "(flows|time_bins|ip_stats)/date=2026-12-0[34]/hour=(23|00)/\\1-"
                  + run
                  + "-\\d{5}-of-\\d{5}\\.(csv|parquet)"
                  + "|(flag_stats)/run="
                  + run
                  + "/\\4-"
                  + run
                  + "-\\d{5}-of-\\d{5}\\.(csv|parquet)"
                  + "|manifest\\.json"));
    }
  }

  private static long micros(String instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
  }

  /** CSV {@code lines} with {@code shiftUs} added to the timestamp (first) column of each row. */
  private static Path shifted(List<String> lines, Path to, long shiftUs) throws IOException {
    List<String> out = new ArrayList<>(lines.size());
    out.add(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      int comma = line.indexOf(',');
      out.add((Long.parseLong(line.substring(0, comma)) + shiftUs) + line.substring(comma));
    }
    return Files.write(to, out);
  }

  /** The data rows of every CSV file under {@code dir}, partitions included. */
  private static List<String> csvRowsUnder(Path dir) throws IOException {
    List<String> rows = new ArrayList<>();
    for (Path f : files(dir, ".csv")) {
      List<String> lines = Files.readAllLines(f);
      rows.addAll(lines.subList(1, lines.size()));
    }
    return rows;
  }

  /** Every regular file under {@code root}, FileIO's emptied temporary directories aside. */
  private static List<Path> dataFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
  }

  /** The files under {@code dir} (any depth) whose names end with {@code suffix}. */
  private static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(suffix))
          .filter(Files::isRegularFile)
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
