package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flowbeam.io.sink.ManifestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hourly wrapper {@code run-configs/schedule/flowbeam-hourly.sh} over a simulated day, run as
 * systemd or cron runs it: a child {@code bash} with its configuration in the environment, the fat
 * jar run by the wrapper on Flink embedded (never the shared standalone cluster).
 *
 * <p>The day: the bundled sample cut into {@value #SLICES} rotated files arriving one at a time, a
 * run with nothing new, a run killed in the middle of its commit and the run that recovers from it,
 * a late file (two connections hours older than the sample), a wrapper started while another holds
 * the schedule lock, and the run that ends the series with {@code --flushOpenFlows}. At the end the
 * root must hold exactly the flows of one plain run over all the files, and DuckDB must read its
 * Parquet partitions to the totals of the root manifest.
 *
 * <p>Runs from failsafe after {@code package}. Every child process is killed, with its descendants,
 * when it outlives its timeout.
 */
class HourlyScheduleIT {
  private static final int SLICES = 5;

  /** One run of the fat jar over a slice, on a loaded machine. */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  /** The late file's two connections start this many hours before the sample. */
  private static final List<Integer> LATE_HOURS = List.of(2, 3);

  @TempDir Path tmp;

  private Path repo;
  private Path jar;
  private Path captures;
  private Path root;
  private int wrapperRuns;

  @Test
  void aDayOfHourlyRunsAddsUpToOneRunOverAllTheFiles() throws Exception {
    repo = ChildProcess.repoRoot();
    jar = ChildProcess.packagedJar();
    Path sample = repo.resolve("src/samples/loopback-5k.csv");
    Path arriving = Files.createDirectories(tmp.resolve("arriving"));
    List<Path> slices = TimeSlices.csv(sample, SLICES, arriving, "cap");
    Path late = lateFile(sample, arriving.resolve("cap-late.csv"));
    captures = Files.createDirectories(tmp.resolve("captures"));
    root = tmp.resolve("root");

    // 1. Slices arrive one at a time; the run after each one commits (the third is killed, 3.).
    for (int i = 0; i < SLICES; i++) {
      arrive(slices.get(i));
      if (i == 2) {
        // 3. Killed half-way through its commit, then recovered by the next run.
        Result killed = wrapper(Map.of("FLOWBEAM_FAILPOINT", "mid-commit"));
        assertThat(killed.output, killed.exitCode, not(equalTo(0)));
        assertThat(killed.output, containsString("failpoint mid-commit reached"));
        assertThat("a staging directory is left", stagingRuns(), not(empty()));
      }
      Result run = wrapper(Map.of());
      assertThat(run.output, run.exitCode, is(0));
      // The killed run had written its commit journal: the next run finishes that commit, and
      // then has nothing new to read.
      assertThat(
          run.output, containsString(i == 2 ? "finished the commit of run" : "flowbeam: run "));
      assertThat("one log per run", logs(), hasSize(wrapperRuns));
      assertConsistent();
      if (i == 1) {
        // 2. Nothing new: the root is left as it was, but for the locks and the run logs.
        List<String> before = tree();
        Result idle = wrapper(Map.of());
        assertThat(idle.output, idle.exitCode, is(0));
        assertThat(idle.output, containsString("nothing new"));
        assertThat(tree(), equalTo(before));
        assertThat("one log per run", logs(), hasSize(wrapperRuns));
        assertThat(lastLog(), containsString("nothing new"));
      }
    }
    assertThat(ledgerPaths(), hasSize(SLICES));

    // 4. The late file: its flows go to the partitions of their own, earlier hours.
    arrive(late);
    Result lateRun = wrapper(Map.of());
    assertThat(lateRun.output, lateRun.exitCode, is(0));
    assertConsistent();
    List<String> latePartitions = partitionsOfLastRun();
    for (String partition : expectedLatePartitions(sample)) {
      assertThat(latePartitions, hasItem(partition));
      assertThat(
          "flows in " + partition,
          JobFixtures.csvRowsUnder(root.resolve(partition)),
          hasSize(greaterThan(0)));
    }

    // 5. A second wrapper while the schedule lock is held exits at once with 75 (EX_TEMPFAIL).
    int logsBefore = logs().size();
    try (LockHolder holder = LockHolder.hold(root.resolve("_flowbeam/schedule.lock"))) {
      Result overlapping = wrapper(Map.of());
      assertThat(overlapping.output, overlapping.exitCode, is(75));
      assertThat(overlapping.output, containsString("another run holds"));
    }
    wrapperRuns--; // that one started no run and wrote no log
    assertThat(logs(), hasSize(logsBefore));

    // 6. The end of the series: every open flow is written.
    Result flush = wrapper(Map.of(), "--flushOpenFlows");
    assertThat(flush.output, flush.exitCode, is(0));
    assertConsistent();
    assertThat(lastLog(), containsString("--flushOpenFlows"));

    // The invariant: the union of the runs' flows is one plain run over every file.
    Path single = tmp.resolve("single");
    Result one = flowBeam("--input=" + captures.resolve("cap-*.csv"), "--output=" + single);
    assertThat(one.output, one.exitCode, is(0));
    List<String> expected = JobFixtures.csvRows(single, "flows");
    List<String> series = JobFixtures.csvRowsUnder(root.resolve("flows"));
    assertThat(expected.size(), greaterThan(10));
    assertThat(series, equalTo(expected));
    List<String> ids = series.stream().map(r -> r.substring(0, r.indexOf(','))).toList();
    assertThat("no flow twice", new HashSet<>(ids), hasSize(ids.size()));
    Map<String, Object> totals = rootTotals();
    Map<String, Object> singleCounts = JobFixtures.counts(single);
    for (String count : List.of("packets", "flows", "packets_in_flows")) {
      assertThat(
          count,
          JobFixtures.number(totals, count),
          equalTo(JobFixtures.number(singleCounts, count)));
    }

    // DuckDB reads the Parquet partitions, with date and hour from the paths, to the same totals.
    List<List<String>> duck =
        JobFixtures.duckDb(
            "SELECT count(*), sum(packets), count(DISTINCT date), count(DISTINCT hour)"
                + " FROM read_parquet('"
                + root.resolve("flows")
                + "/*/*/*.parquet', hive_partitioning = true)");
    assertThat(
        duck.get(0).subList(0, 2),
        equalTo(
            List.of(
                Long.toString(JobFixtures.number(totals, "flows")),
                Long.toString(JobFixtures.number(totals, "packets_in_flows")))));
    assertThat(
        JobFixtures.duckDb(
            "SELECT DISTINCT date::VARCHAR || ' ' || lpad(hour::VARCHAR, 2, '0') FROM read_parquet('"
                + root.resolve("flows")
                + "/*/*/*.parquet', hive_partitioning = true) ORDER BY 1"),
        hasSize(1 + LATE_HOURS.size()));
  }

  /** Copies {@code file} into the capture directory, as the capture process rotates one in. */
  private void arrive(Path file) throws IOException {
    Files.copy(file, captures.resolve(file.getFileName()));
  }

  /**
   * The late file: the sample's first connection (a complete handshake, data, and close) twice, on
   * other addresses, {@link #LATE_HOURS} hours before the sample.
   */
  private static Path lateFile(Path sample, Path file) throws IOException {
    List<String> lines = Files.readAllLines(sample);
    String[] first = lines.get(1).split(",");
    String clientPort = first[3];
    List<String> connection =
        lines.subList(1, lines.size()).stream()
            .filter(l -> List.of(l.split(",")).subList(3, 5).contains(clientPort))
            .toList();
    List<String> out = new ArrayList<>();
    out.add(JobFixtures.HEADER);
    for (int k = 0; k < LATE_HOURS.size(); k++) {
      long shift = LATE_HOURS.get(k) * 3_600_000_000L;
      String client = "10.9.0." + (2 * k + 1);
      String server = "10.9.0." + (2 * k + 2);
      for (String row : connection) {
        String[] f = row.split(",");
        boolean fromClient = f[1].equals(first[1]);
        f[0] = Long.toString(Long.parseLong(f[0]) - shift);
        f[1] = fromClient ? client : server;
        f[2] = fromClient ? server : client;
        out.add(String.join(",", f));
      }
    }
    return Files.write(file, out);
  }

  /** The flows partitions of the late file's hours (UTC), by the sample's first timestamp. */
  private static List<String> expectedLatePartitions(Path sample) throws IOException {
    long firstUs;
    try (Stream<String> lines = Files.lines(sample)) {
      firstUs = Long.parseLong(lines.skip(1).findFirst().orElseThrow().split(",")[0]);
    }
    List<String> partitions = new ArrayList<>();
    for (int hours : LATE_HOURS) {
      java.time.ZonedDateTime t =
          java.time.Instant.ofEpochSecond(firstUs / 1_000_000 - hours * 3600L)
              .atZone(java.time.ZoneOffset.UTC);
      partitions.add(String.format("flows/date=%s/hour=%02d", t.toLocalDate(), t.getHour()));
    }
    return partitions;
  }

  /**
   * The root is committed and complete: no staging left, the ledger's runs and the root manifest's
   * agree, every file a run manifest lists exists, and every result file is listed by a run.
   */
  @SuppressWarnings("unchecked")
  private void assertConsistent() throws IOException {
    assertThat("staging left", stagingRuns(), empty());
    Map<String, Object> manifest = json(root.resolve("_manifest.json"));
    List<String> runs = new ArrayList<>();
    for (Object e : (List<?>) manifest.get("runs")) {
      runs.add((String) ((Map<String, Object>) e).get("run"));
    }
    Map<String, Object> ledger = json(root.resolve("_flowbeam/ledger.json"));
    List<String> ledgerRuns = new ArrayList<>();
    for (Object e : (List<?>) ledger.get("runs")) {
      ledgerRuns.add((String) ((Map<String, Object>) e).get("run"));
    }
    assertThat(runs, equalTo(ledgerRuns));
    TreeSet<String> listed = new TreeSet<>();
    for (String run : runs) {
      Map<String, Object> runManifest =
          json(root.resolve("_flowbeam/runs/" + run + "/manifest.json"));
      listed.addAll((List<String>) runManifest.get("files"));
    }
    for (String file : listed) {
      assertThat("listed file exists: " + file, Files.isRegularFile(root.resolve(file)), is(true));
    }
    assertThat(new TreeSet<>(resultFiles()), equalTo(listed));
  }

  @SuppressWarnings("unchecked")
  private List<String> partitionsOfLastRun() throws IOException {
    List<?> runs = (List<?>) json(root.resolve("_manifest.json")).get("runs");
    String last = (String) ((Map<String, Object>) runs.get(runs.size() - 1)).get("run");
    return (List<String>)
        json(root.resolve("_flowbeam/runs/" + last + "/manifest.json")).get("partitions");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> rootTotals() throws IOException {
    Map<String, Object> totals =
        (Map<String, Object>) json(root.resolve("_manifest.json")).get("totals");
    return (Map<String, Object>) totals.get("counts");
  }

  @SuppressWarnings("unchecked")
  private List<String> ledgerPaths() throws IOException {
    List<String> paths = new ArrayList<>();
    for (Object f : (List<?>) json(root.resolve("_flowbeam/ledger.json")).get("files")) {
      paths.add((String) ((Map<String, Object>) f).get("path"));
    }
    return paths;
  }

  private static Map<String, Object> json(Path file) throws IOException {
    return ManifestWriter.parse(Files.readString(file));
  }

  private List<Path> stagingRuns() throws IOException {
    Path staging = root.resolve("_flowbeam/staging");
    if (!Files.isDirectory(staging)) {
      return List.of();
    }
    try (Stream<Path> runs = Files.list(staging)) {
      return runs.toList();
    }
  }

  private List<Path> logs() throws IOException {
    try (Stream<Path> logs = Files.list(root.resolve("_flowbeam/logs"))) {
      return logs.filter(p -> p.getFileName().toString().startsWith("run-")).sorted().toList();
    }
  }

  /** The run log written last. */
  private String lastLog() throws IOException {
    Path newest = null;
    for (Path log : logs()) {
      if (newest == null
          || Files.getLastModifiedTime(log).compareTo(Files.getLastModifiedTime(newest)) > 0) {
        newest = log;
      }
    }
    return Files.readString(newest);
  }

  /** The result files under the root (paths outside {@code _}), relative to it. */
  private List<String> resultFiles() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.startsWith("_"))
          .sorted()
          .toList();
    }
  }

  /**
   * Every file under the root but the locks (the FlowBeam lock holds its run's pid) and the run
   * logs, with its size and modification time, to detect any change.
   */
  private List<String> tree() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(
              p ->
                  !p.equals("_flowbeam/lock")
                      && !p.equals("_flowbeam/schedule.lock")
                      && !p.startsWith("_flowbeam/logs/"))
          .map(
              p -> {
                try {
                  Path f = root.resolve(p);
                  return p + " " + Files.size(f) + " " + Files.getLastModifiedTime(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }

  /**
   * Runs the wrapper with the day's configuration in its environment, plus {@code env}, with {@code
   * args} after it; the result's output is the wrapper's standard error and output.
   */
  private Result wrapper(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(repo.resolve("run-configs/schedule/flowbeam-hourly.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    Map<String, String> e = pb.environment();
    e.remove("FLOWBEAM_FAILPOINT");
    e.remove("FLOWBEAM_FLINK_MASTER");
    e.remove("FLOWBEAM_LOG_DIR");
    e.put("JAVA", ChildProcess.javaBinary());
    e.put("JAVA_OPTS", "-Xmx1g");
    e.put("FLOWBEAM_JAR", jar.toString());
    e.put("FLOWBEAM_INPUT", captures.resolve("cap-*.csv").toString());
    e.put("FLOWBEAM_ROOT", root.toString());
    e.put("FLOWBEAM_ARGS", "--formats=csv,parquet");
    e.putAll(env);
    wrapperRuns++;
    return run(pb, tmp.resolve("wrapper-" + wrapperRuns + ".out"));
  }

  /** Runs the fat jar once, without the wrapper, with {@code args}. */
  private Result flowBeam(String... args) throws Exception {
    ProcessBuilder pb = ChildProcess.fatJar(jar, tmp, "-Xmx1g", args);
    pb.environment().remove("FLOWBEAM_FAILPOINT");
    return run(pb, tmp.resolve("flowbeam-single.out"));
  }

  private record Result(int exitCode, String output) {}

  /** Runs {@code pb} with its output into {@code log}, killing it and its children on timeout. */
  private static Result run(ProcessBuilder pb, Path log) throws Exception {
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    process.getOutputStream().close();
    if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      ChildProcess.kill(process);
      return new Result(-1, "timed out after " + RUN_TIMEOUT + "\n" + Files.readString(log));
    }
    return new Result(process.exitValue(), Files.readString(log));
  }

  /**
   * A child {@code bash} holding {@code flock} on a file, as a wrapper in the middle of its run
   * holds the schedule lock; closing it releases the lock (the child reads its standard input to
   * its end, then exits).
   */
  private static final class LockHolder implements AutoCloseable {
    private final Process process;

    private LockHolder(Process process) {
      this.process = process;
    }

    static LockHolder hold(Path lockFile) throws IOException {
      Process p =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "exec 9>\"$1\" && flock -n 9 && echo locked && cat >/dev/null",
                  "lock-holder",
                  lockFile.toString())
              .redirectErrorStream(true)
              .start();
      LockHolder holder = new LockHolder(p);
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (!"locked".equals(line)) {
        holder.close();
        fail("could not take " + lockFile + ": " + line);
      }
      return holder;
    }

    @Override
    public void close() throws IOException {
      process.getOutputStream().close();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
