package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FlowBeam submitted to a real standalone Flink session cluster — a JobManager and two TaskManager
 * JVMs of one slot each, started by {@code run-configs/flink/start-cluster.sh} on free loopback
 * ports — writes the same flows and the same manifest counts as the Direct Runner on the same
 * input. With parallelism 2 on two one-slot TaskManagers, every operator runs one subtask in each
 * JVM, so every shuffle crosses processes.
 *
 * <p>Runs from failsafe after {@code package}: the job is the fat jar, run as a child {@code java
 * -jar} process exactly as a user runs it. The cluster is stopped by its PIDs in {@link
 * #stopCluster()}, also when the start or the test fails.
 */
class FlinkClusterIT {
  /** Rows of the bundled sample the test runs: the Direct Runner checks every element (slow). */
  private static final int SAMPLE_ROWS = 2000;

  private static final int TASK_MANAGERS = 2;
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

  @TempDir static Path tmp;

  private static Path repo;
  private static Path jar;
  private static StandaloneFlinkCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    repo = ChildProcess.repoRoot();
    jar = ChildProcess.packagedJar();
    cluster = StandaloneFlinkCluster.start(repo, tmp, TASK_MANAGERS, START_TIMEOUT);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
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
    assertThat(cluster.taskManagerIds(), equalTo(List.of("taskmanager-1", "taskmanager-2")));
    long finishedBefore = cluster.finishedJobs();
    ChildProcess.Result onTheCluster =
        flowBeam(
            "-Xmx1g",
            "@" + repo.resolve("run-configs/flink/flink-cluster.args"),
            "--flinkMaster=" + cluster.master(),
            "--input=" + input,
            "--output=" + onCluster,
            "--progressSeconds=2");
    cluster.assertJobSucceeded(onTheCluster);
    // The job ran on the cluster, not in an embedded mini-cluster, and the cluster runs the
    // Flink the jar's runner was built against (run-configs/flink/pom.xml keeps up with Beam).
    assertThat(cluster.finishedJobs(), equalTo(finishedBefore + 1));
    assertThat(
        cluster.get("/overview").path("flink-version").asText(), equalTo(flinkVersionInJar()));
    // Every operator ran a subtask in each TaskManager: each exchange between them crossed JVMs.
    JsonNode job = cluster.endedJob(newestJobId());
    assertThat(job.path("state").asText(), equalTo("FINISHED"));
    assertThat(job.path("vertices").size(), greaterThan(10));
    for (JsonNode vertex : job.path("vertices")) {
      assertThat(vertex.path("name").asText(), vertex.path("parallelism").asInt(), equalTo(2));
      Set<String> ranOn = new TreeSet<>();
      JsonNode where =
          cluster.get(
              "/jobs/"
                  + job.path("jid").asText()
                  + "/vertices/"
                  + vertex.path("id").asText()
                  + "/taskmanagers");
      for (JsonNode tm : where.path("taskmanagers")) {
        ranOn.add(tm.path("taskmanager-id").asText());
      }
      assertThat(
          vertex.path("name").asText(), ranOn, equalTo(Set.of("taskmanager-1", "taskmanager-2")));
    }

    Path onDirect = tmp.resolve("out-direct");
    ChildProcess.Result direct =
        flowBeam(
            "-Xmx2g",
            "@" + repo.resolve("run-configs/direct.args"),
            "--input=" + input,
            "--output=" + onDirect);
    assertThat("Direct Runner output:\n" + direct.output(), direct.exitCode(), equalTo(0));

    List<String> clusterFlows = sortedFlowRows(onCluster);
    assertThat(clusterFlows, hasSize(greaterThan(1)));
    assertThat(clusterFlows, equalTo(sortedFlowRows(onDirect)));
    Map<String, Object> counts = new FlowBeamOutput(onCluster).counts();
    assertThat(
        ((Number) counts.get(RunManifest.PACKETS)).longValue(), greaterThan((long) SAMPLE_ROWS));
    assertThat(counts, equalTo(new FlowBeamOutput(onDirect).counts()));
    assertThat(new FlowBeamOutput(onCluster).reconciliation().values(), everyItem(equalTo(true)));
    // Progress on the cluster came from its REST API; its last line has the manifest's counts.
    assertThat(
        onTheCluster.output(),
        containsString(
            String.format(
                Locale.ROOT,
                "%,d records, %,d packets, %,d flows",
                ((Number) counts.get(RunManifest.RECORDS_READ)).longValue(),
                ((Number) counts.get(RunManifest.PACKETS)).longValue(),
                ((Number) counts.get(RunManifest.FLOWS)).longValue())));
    assertThat(onTheCluster.output(), containsString("flowbeam: done, "));
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
            "--flinkMaster=" + cluster.master(),
            "--incremental",
            input,
            "--output=" + root);
    long finishedBefore = cluster.finishedJobs();
    for (Path slice : TimeSlices.csv(sample, 3, slices, "cap")) {
      Files.copy(slice, captures.resolve(slice.getFileName()));
      ChildProcess.Result run = flowBeam("-Xmx1g", onCluster.toArray(new String[0]));
      assertThat("incremental run on the cluster:\n" + run.output(), run.exitCode(), equalTo(0));
    }
    List<String> flush = new ArrayList<>(onCluster);
    flush.add("--flushOpenFlows");
    ChildProcess.Result last = flowBeam("-Xmx1g", flush.toArray(new String[0]));
    assertThat("flush on the cluster:\n" + last.output(), last.exitCode(), equalTo(0));
    assertThat("every run was a cluster job", cluster.finishedJobs(), equalTo(finishedBefore + 4));

    Path single = tmp.resolve("series-single");
    ChildProcess.Result one = flowBeam("-Xmx1g", input, "--output=" + single);
    assertThat("one run over all:\n" + one.output(), one.exitCode(), equalTo(0));

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

  /** The id of the job the cluster started last. */
  private static String newestJobId() throws Exception {
    String newest = null;
    long newestStart = Long.MIN_VALUE;
    for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
      if (job.path("start-time").asLong() > newestStart) {
        newestStart = job.path("start-time").asLong();
        newest = job.path("jid").asText();
      }
    }
    assertThat("a job on the cluster", newest, notNullValue());
    return newest;
  }

  /** Runs the fat jar with {@code jvmHeap} and {@code args} in a child JVM. */
  private static ChildProcess.Result flowBeam(String jvmHeap, String... args) throws Exception {
    return ChildProcess.run(
        ChildProcess.fatJar(jar, repo, jvmHeap, args),
        tmp.resolve("flowbeam-" + System.nanoTime() + ".out"),
        JOB_TIMEOUT);
  }

  /** The flows CSV shards' header once, then every data row, sorted: shard order is arbitrary. */
  private static List<String> sortedFlowRows(Path output) throws IOException {
    List<String> rows = new FlowBeamOutput(output).sortedCsvRows("flows");
    assertThat("flow CSV rows in " + output, rows, not(hasSize(0)));
    return rows;
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
}
