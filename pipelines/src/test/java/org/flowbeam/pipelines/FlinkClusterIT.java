package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flowbeam.io.sink.ManifestWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FlowBeam submitted to a real standalone Flink session cluster — a JobManager and a TaskManager
 * JVM started by {@code run-configs/flink/start-cluster.sh} on free loopback ports — writes the
 * same flows and the same manifest counts as the Direct Runner on the same input.
 *
 * <p>Runs from failsafe after {@code package}: the job is the fat jar, run as a child {@code java
 * -jar} process exactly as a user runs it. The cluster is stopped by its PIDs in {@link
 * #stopCluster()}, also when the start or the test fails.
 */
class FlinkClusterIT {
  /** Rows of the bundled sample the test runs: the Direct Runner checks every element (slow). */
  private static final int SAMPLE_ROWS = 2000;

  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

  @TempDir static Path tmp;

  private static Path repo;
  private static Path jar;
  private static Path state;
  private static int restPort;

  @BeforeAll
  static void startCluster() throws Exception {
    repo = Path.of(System.getProperty("flowbeam.repo.root", "..")).toRealPath();
    jar = Path.of(System.getProperty("flowbeam.jar", "target/flowbeam.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      fail("the fat jar " + jar + " is missing: run `mvn package` before the integration tests");
    }
    state = tmp.resolve("flink-state");
    restPort = freeLoopbackPort();
    int rpcPort = freeLoopbackPort();
    while (rpcPort == restPort) {
      rpcPort = freeLoopbackPort();
    }

    ProcessBuilder start =
        new ProcessBuilder(repo.resolve("run-configs/flink/start-cluster.sh").toString());
    Map<String, String> env = start.environment();
    env.put("FLOWBEAM_FLINK_STATE", state.toString());
    env.put("FLOWBEAM_FLINK_REST_PORT", Integer.toString(restPort));
    env.put("FLOWBEAM_FLINK_RPC_PORT", Integer.toString(rpcPort));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    Result started = run(start, tmp.resolve("start-cluster.out"), START_TIMEOUT);
    if (started.exitCode != 0) {
      fail("start-cluster.sh failed (exit " + started.exitCode + "):\n" + started.output);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (state == null) {
      return;
    }
    ProcessBuilder stop =
        new ProcessBuilder(repo.resolve("run-configs/flink/stop-cluster.sh").toString());
    stop.environment().put("FLOWBEAM_FLINK_STATE", state.toString());
    Result stopped = run(stop, tmp.resolve("stop-cluster.out"), Duration.ofMinutes(2));
    // Whatever the script did, no JVM of this test outlives it: kill what its PID files still name.
    for (String role : List.of("taskmanager", "jobmanager")) {
      Path pidFile = state.resolve(role + ".pid");
      if (Files.isRegularFile(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Optional<ProcessHandle> jvm = ProcessHandle.of(pid);
        if (jvm.isPresent()
            && jvm.get().info().commandLine().orElse("").contains("org.apache.flink.runtime")) {
          jvm.get().destroyForcibly();
          jvm.get().onExit().get(30, TimeUnit.SECONDS);
        }
      }
    }
    assertThat("stop-cluster.sh output:\n" + stopped.output, stopped.exitCode, equalTo(0));
  }

  @Test
  void clusterWritesTheSameFlowsAndCountsAsTheDirectRunner() throws Exception {
    Path sample = tmp.resolve("loopback-" + SAMPLE_ROWS + ".csv");
    try (Stream<String> lines = Files.lines(repo.resolve("src/samples/loopback-5k.csv"))) {
      Files.write(sample, lines.limit(SAMPLE_ROWS + 1L).collect(Collectors.toList()));
    }

    // One dataset of a packet CSV and real captures, so both readers run on the cluster: the
    // bundled samples, which every clone has.
    String input = sample + "," + repo.resolve("src/samples/tcp-edge/*.pcap");

    Path onCluster = tmp.resolve("out-cluster");
    long finishedBefore = finishedJobs();
    Result cluster =
        flowBeam(
            "-Xmx1g",
            "@" + repo.resolve("run-configs/flink/flink-cluster.args"),
            "--flinkMaster=127.0.0.1:" + restPort,
            "--input=" + input,
            "--output=" + onCluster,
            "--progressSeconds=2");
    if (cluster.exitCode != 0) {
      fail(
          "FlowBeam on the cluster failed (exit "
              + cluster.exitCode
              + "):\n"
              + cluster.output
              + "\n--- TaskManager log tail:\n"
              + tail(state.resolve("log/flink-taskmanager.log"), 60));
    }
    // The job ran on the cluster, not in an embedded mini-cluster, and the cluster runs the
    // Flink the jar's runner was built against (run-configs/flink/pom.xml keeps up with Beam).
    assertThat(finishedJobs(), equalTo(finishedBefore + 1));
    assertThat(
        get("/overview"), containsString("\"flink-version\":\"" + flinkVersionInJar() + "\""));

    Path onDirect = tmp.resolve("out-direct");
    Result direct =
        flowBeam(
            "-Xmx2g",
            "@" + repo.resolve("run-configs/direct.args"),
            "--input=" + input,
            "--output=" + onDirect);
    assertThat("Direct Runner output:\n" + direct.output, direct.exitCode, equalTo(0));

    List<String> clusterFlows = sortedFlowRows(onCluster);
    assertThat(clusterFlows, hasSize(greaterThan(1)));
    assertThat(clusterFlows, equalTo(sortedFlowRows(onDirect)));
    Map<String, Object> counts = counts(onCluster);
    assertThat(
        ((Number) counts.get(RunManifest.PACKETS)).longValue(), greaterThan((long) SAMPLE_ROWS));
    assertThat(counts, equalTo(counts(onDirect)));
    // Progress on the cluster came from its REST API; its last line has the manifest's counts.
    assertThat(
        cluster.output,
        containsString(
            String.format(
                Locale.ROOT,
                "%,d records, %,d packets, %,d flows",
                ((Number) counts.get(RunManifest.RECORDS_READ)).longValue(),
                ((Number) counts.get(RunManifest.PACKETS)).longValue(),
                ((Number) counts.get(RunManifest.FLOWS)).longValue())));
    assertThat(cluster.output, containsString("flowbeam: done, "));
  }

  @Test
  void aSeriesOfIncrementalRunsOnTheClusterGivesTheFlowsOfOneRun() throws Exception {
    Path sample = tmp.resolve("series-sample.csv");
    try (Stream<String> lines = Files.lines(repo.resolve("src/samples/loopback-5k.csv"))) {
      Files.write(sample, lines.limit(SAMPLE_ROWS + 1L).collect(Collectors.toList()));
    }
    Path slices = Files.createDirectories(tmp.resolve("series-slices"));
    Path captures = Files.createDirectories(tmp.resolve("series-captures"));
    Path root = tmp.resolve("series-root");
    String input = "--input=" + captures.resolve("cap-*.csv");
    List<String> onCluster =
        List.of(
            "@" + repo.resolve("run-configs/flink/flink-cluster.args"),
            "--flinkMaster=127.0.0.1:" + restPort,
            "--incremental",
            input,
            "--output=" + root);
    long finishedBefore = finishedJobs();
    for (Path slice : TimeSlices.csv(sample, 3, slices, "cap")) {
      Files.copy(slice, captures.resolve(slice.getFileName()));
      Result run = flowBeam("-Xmx1g", onCluster.toArray(new String[0]));
      assertThat("incremental run on the cluster:\n" + run.output, run.exitCode, equalTo(0));
    }
    List<String> flush = new ArrayList<>(onCluster);
    flush.add("--flushOpenFlows");
    Result last = flowBeam("-Xmx1g", flush.toArray(new String[0]));
    assertThat("flush on the cluster:\n" + last.output, last.exitCode, equalTo(0));
    assertThat("every run was a cluster job", finishedJobs(), equalTo(finishedBefore + 4));

    Path single = tmp.resolve("series-single");
    Result one = flowBeam("-Xmx1g", input, "--output=" + single);
    assertThat("one run over all:\n" + one.output, one.exitCode, equalTo(0));

    List<String> expected = sortedFlowRows(single);
    List<String> series = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("flows"))) {
      for (Path f : files.filter(x -> x.toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        series.addAll(lines.subList(1, lines.size()));
      }
    }
    series.sort(null);
    assertThat(series, hasSize(greaterThan(10)));
    assertThat(series, equalTo(expected.subList(1, expected.size())));
  }

  /** The number of jobs the cluster has finished, from its REST overview. */
  private static long finishedJobs() throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"jobs-finished\":(\\d+)").matcher(get("/overview"));
    assertThat("jobs-finished in the overview", m.find(), equalTo(true));
    return Long.parseLong(m.group(1));
  }

  /** Runs the fat jar with {@code jvmHeap} and {@code args} in a child JVM. */
  private static Result flowBeam(String jvmHeap, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(jvmHeap);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    return run(pb, tmp.resolve("flowbeam-" + System.nanoTime() + ".out"), JOB_TIMEOUT);
  }

  /** The flows CSV shards' header once, then every data row, sorted: shard order is arbitrary. */
  private static List<String> sortedFlowRows(Path output) throws IOException {
    List<Path> shards;
    try (Stream<Path> files = Files.list(output.resolve("flows"))) {
      shards =
          files.filter(f -> f.toString().endsWith(".csv")).sorted().collect(Collectors.toList());
    }
    assertThat("flow CSV shards in " + output, shards, not(hasSize(0)));
    String header = null;
    List<String> rows = new ArrayList<>();
    for (Path shard : shards) {
      List<String> lines = Files.readAllLines(shard, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        continue;
      }
      if (header == null) {
        header = lines.get(0);
      }
      assertThat("header of " + shard, lines.get(0), equalTo(header));
      rows.addAll(lines.subList(1, lines.size()));
    }
    rows.sort(null);
    rows.add(0, header);
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> counts(Path output) throws IOException {
    Map<String, Object> manifest =
        ManifestWriter.parse(Files.readString(output.resolve(ManifestWriter.FILE_NAME)));
    return (Map<String, Object>) manifest.get("counts");
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat("GET " + path + ": " + response.body(), response.statusCode(), equalTo(200));
    return response.body();
  }

  /** The version of the flink-runtime classes in the fat jar. */
  private static String flinkVersionInJar() throws IOException {
    try (JarFile fat = new JarFile(jar.toFile());
        InputStream in = fat.getInputStream(fat.getEntry(".flink-runtime.version.properties"))) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("project.version");
    }
  }

  /** A port on 127.0.0.1 that was free a moment ago (the scripts fail clearly if it is not). */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static final class Result {
    final int exitCode;
    final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /**
   * Runs {@code pb} with standard output and error into {@code log}, killing it after {@code
   * timeout}; the result carries the output's last lines.
   */
  private static Result run(ProcessBuilder pb, Path log, Duration timeout) throws Exception {
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    process.getOutputStream().close();
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      return new Result(-1, "timed out after " + timeout + "\n" + tail(log, 60));
    }
    return new Result(process.exitValue(), tail(log, 60));
  }

  private static String tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return "(no " + file + ")";
    }
    try (InputStream in = Files.newInputStream(file)) {
      List<String> all =
          List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
