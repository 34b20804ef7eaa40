package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager killed with SIGKILL while FlowBeam's job runs on the standalone cluster (two
 * TaskManagers of one slot): the restart strategy of {@code run-configs/flink/conf} restarts the
 * job, {@code start-taskmanager.sh} brings the TaskManager back under its number, the job finishes,
 * and its output equals an undisturbed run's on the same input — the same files, the same rows of
 * every CSV output, the same manifest counts, every manifest identity holding.
 *
 * <p>The input is a capture the generator writes into the test's temporary directory, long enough
 * that the kill lands while the job reads and assembles it. Every phase has its own time limit, and
 * the cluster is stopped by its PIDs in {@link #stopCluster()}, also when the test fails.
 */
class TaskManagerFailureIT {
  /** Packets of the generated capture: the job runs about half a minute on this 2-core machine. */
  private static final int PACKETS = 200_000;

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration GENERATE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

  /** From submission until the job reads its input, when the kill is sent. */
  private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(2);

  private static final Duration REPLACE_TIMEOUT = Duration.ofMinutes(2);

  /**
   * The outputs whose rows are compared (flag_stats is one row per flag, rejected may be empty).
   */
  private static final List<String> CSV_OUTPUTS =
      List.of("flows", "ip_stats", "time_bins", "flag_stats", "rejected");

  @TempDir static Path tmp;

  private static Path repo;
  private static Path jar;
  private static StandaloneFlinkCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    repo = ChildProcess.repoRoot();
    jar = ChildProcess.packagedJar();
    cluster = StandaloneFlinkCluster.start(repo, tmp, 2, START_TIMEOUT);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aTaskManagerKilledMidJobIsReplacedAndTheJobWritesWhatAnUndisturbedRunWrites()
      throws Exception {
    Path capture = tmp.resolve("generated.pcap");
    ChildProcess.Result generated =
        ChildProcess.run(
            ChildProcess.fatJar(
                jar,
                repo,
                "-Xmx256m",
                "generate",
                "--output=" + capture,
                "--packets=" + PACKETS,
                "--snaplen=128"),
            tmp.resolve("generate.out"),
            GENERATE_TIMEOUT);
    assertThat("generate:\n" + generated.output(), generated.exitCode(), equalTo(0));
    long truthFlows = Files.readAllLines(tmp.resolve("generated.pcap.truth.csv")).size() - 1L;

    Path undisturbed = tmp.resolve("out-undisturbed");
    long undisturbedStart = System.nanoTime();
    ChildProcess.Result first =
        ChildProcess.run(
            onCluster(capture, undisturbed), tmp.resolve("undisturbed.out"), JOB_TIMEOUT);
    assertThat("undisturbed run:\n" + first.output(), first.exitCode(), equalTo(0));
    Duration undisturbedTook = Duration.ofNanos(System.nanoTime() - undisturbedStart);

    Path disturbed = tmp.resolve("out-disturbed");
    Path clientLog = tmp.resolve("disturbed.out");
    Set<String> jobsBefore = jobIds();
    long disturbedStart = System.nanoTime();
    Process client = ChildProcess.start(onCluster(capture, disturbed), clientLog);
    String jobId;
    Duration killedAfter;
    Duration replacedIn;
    Duration disturbedTook;
    try {
      jobId = awaitReading(client, clientLog, jobsBefore);
      cluster.killTaskManager(2);
      long killed = System.nanoTime();
      killedAfter = Duration.ofNanos(killed - disturbedStart);
      assertThat(
          "the job ended before the kill landed: the input is too short",
          cluster.get("/jobs/" + jobId).path("state").asText(),
          not(equalTo("FINISHED")));

      ChildProcess.Result replaced = cluster.startTaskManager(2, REPLACE_TIMEOUT);
      assertThat("start-taskmanager.sh:\n" + replaced.output(), replaced.exitCode(), equalTo(0));
      replacedIn = Duration.ofNanos(System.nanoTime() - killed);

      ChildProcess.Result run = ChildProcess.await(client, clientLog, JOB_TIMEOUT);
      if (run.exitCode() != 0) {
        fail(
            "the job did not recover (exit "
                + run.exitCode()
                + "):\n"
                + run.output()
                + "\n--- JobManager log tail:\n"
                + cluster.logTail("jobmanager", 60));
      }
      assertThat(run.output(), containsString("flowbeam: done, "));
      disturbedTook = Duration.ofNanos(System.nanoTime() - disturbedStart);
    } finally {
      if (client.isAlive()) {
        ChildProcess.kill(client);
      }
    }

    // The job finished after a restart caused by the lost TaskManager, not before the kill.
    assertThat(cluster.endedJob(jobId).path("state").asText(), equalTo("FINISHED"));
    JsonNode failures = cluster.get("/jobs/" + jobId + "/exceptions").path("exceptionHistory");
    assertThat(failures.path("entries").size(), greaterThan(0));
    assertThat(failures.toString(), containsString("taskmanager-2"));
    // The figures README and BENCHMARKS.md quote (the failsafe report's output).
    System.out.printf(
        Locale.ROOT,
        "undisturbed run %.1f s; disturbed run %.1f s: killed taskmanager-2 after %.1f s, replaced"
            + " it in %.1f s, %d failure(s) in the job's exception history%n",
        undisturbedTook.toMillis() / 1000.0,
        disturbedTook.toMillis() / 1000.0,
        killedAfter.toMillis() / 1000.0,
        replacedIn.toMillis() / 1000.0,
        failures.path("entries").size());
    assertThat(cluster.taskManagerIds(), equalTo(List.of("taskmanager-1", "taskmanager-2")));

    FlowBeamOutput expected = new FlowBeamOutput(undisturbed);
    FlowBeamOutput actual = new FlowBeamOutput(disturbed);
    // No file more (a temporary file of the failed attempt) and none less.
    assertThat(actual.files(), equalTo(expected.files()));
    for (String output : CSV_OUTPUTS) {
      assertThat(output, actual.sortedCsvRows(output), equalTo(expected.sortedCsvRows(output)));
    }
    assertThat(actual.sortedCsvRows("flows"), hasSize(greaterThan(1000)));
    Map<String, Object> counts = actual.counts();
    assertThat(counts, equalTo(expected.counts()));
    assertThat(((Number) counts.get(RunManifest.PACKETS)).longValue(), equalTo((long) PACKETS));
    assertThat(((Number) counts.get(RunManifest.FLOWS)).longValue(), equalTo(truthFlows));
    assertThat(expected.reconciliation().values(), everyItem(equalTo(true)));
    assertThat(actual.reconciliation(), equalTo(expected.reconciliation()));
  }

  /** FlowBeam on the cluster: the fat jar with the cluster's run-config. */
  private static ProcessBuilder onCluster(Path input, Path output) {
    return ChildProcess.fatJar(
        jar,
        repo,
        "-Xmx1g",
        "@" + repo.resolve("run-configs/flink/flink-cluster.args"),
        "--flinkMaster=" + cluster.master(),
        "--input=" + input,
        "--output=" + output,
        "--progressSeconds=2");
  }

  private static Set<String> jobIds() throws Exception {
    Set<String> ids = new HashSet<>();
    for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
      ids.add(job.path("jid").asText());
    }
    return ids;
  }

  /**
   * Waits until the cluster runs a job not in {@code before} and that job's reading operator runs
   * (its tasks are deployed to both TaskManagers and read the input); returns the job's id.
   */
  private static String awaitReading(Process client, Path clientLog, Set<String> before)
      throws Exception {
    Instant deadline = Instant.now().plus(RUNNING_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!client.isAlive()) {
        fail("FlowBeam ended before its job ran:\n" + ChildProcess.tail(clientLog, 40));
      }
      for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
        String id = job.path("jid").asText();
        if (before.contains(id) || !job.path("state").asText().equals("RUNNING")) {
          continue;
        }
        for (JsonNode vertex : cluster.get("/jobs/" + id).path("vertices")) {
          if (vertex.path("name").asText().contains("Read ranges")
              && vertex.path("status").asText().equals("RUNNING")) {
            return id;
          }
        }
      }
      Thread.sleep(250);
    }
    fail(
        "no job of FlowBeam ran within "
            + RUNNING_TIMEOUT
            + ":\n"
            + ChildProcess.tail(clientLog, 40));
    return null;
  }
}
