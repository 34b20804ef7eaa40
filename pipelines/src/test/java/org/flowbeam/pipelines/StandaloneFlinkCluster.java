package org.flowbeam.pipelines;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster for an integration test: a JobManager and {@code N}
 * TaskManager JVMs started by {@code run-configs/flink/start-cluster.sh} on free loopback ports in
 * a state dir of the test's own, its REST API, and the TaskManagers' PIDs to kill one.
 *
 * <p>{@link #close()} runs {@code stop-cluster.sh} and then kills, by PID, every JVM a PID file of
 * the state dir still names, so that no cluster process outlives the test, whatever failed.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long {@link #endedJob} waits for the REST API to show a job's end. */
  private static final Duration ENDED_JOB_TIMEOUT = Duration.ofSeconds(30);

  /** Flink's terminal job states. */
  private static final Set<String> ENDED_STATES = Set.of("FINISHED", "FAILED", "CANCELED");

  private final Path repo;
  private final Path state;
  private final Path logDir;
  private final int restPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private StandaloneFlinkCluster(Path repo, Path state, Path logDir, int restPort) {
    this.repo = repo;
    this.state = state;
    this.logDir = logDir;
    this.restPort = restPort;
  }

  /**
   * Starts a cluster of {@code taskManagers} TaskManagers of one slot each (the scripts' default)
   * with the configuration of {@code run-configs/flink/conf}, its state in {@code dir}. Returns
   * once every TaskManager has registered; a failed start has already stopped what it started.
   */
  static StandaloneFlinkCluster start(Path repo, Path dir, int taskManagers, Duration timeout)
      throws Exception {
    int restPort = freeLoopbackPort();
    int rpcPort = freeLoopbackPort();
    while (rpcPort == restPort) {
      rpcPort = freeLoopbackPort();
    }
    Path state = dir.resolve("flink-state");
    StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(repo, state, dir, restPort);
    ProcessBuilder start = cluster.script("start-cluster.sh");
    Map<String, String> env = start.environment();
    env.put("FLOWBEAM_FLINK_REST_PORT", Integer.toString(restPort));
    env.put("FLOWBEAM_FLINK_RPC_PORT", Integer.toString(rpcPort));
    env.put("FLOWBEAM_FLINK_TASKMANAGERS", Integer.toString(taskManagers));
    env.put("FLOWBEAM_FLINK_START_TIMEOUT", Long.toString(timeout.toSeconds()));
    ChildProcess.Result started =
        ChildProcess.run(start, dir.resolve("start-cluster.out"), timeout.plusSeconds(30));
    if (started.exitCode() != 0) {
      cluster.close();
      throw new IllegalStateException(
          "start-cluster.sh failed (exit " + started.exitCode() + "):\n" + started.output());
    }
    return cluster;
  }

  /** The {@code --flinkMaster} of this cluster. */
  String master() {
    return "127.0.0.1:" + restPort;
  }

  /** The body of a successful GET of {@code path} on the REST API, parsed. */
  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + response.statusCode() + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * The details of job {@code jobId} ({@code /jobs/<id>}) once they show it ended, waiting up to
   * {@link #ENDED_JOB_TIMEOUT}; after that, the details as they are. The client learns that its job
   * ended from the Dispatcher, while {@code /jobs/<id>} answers from a cache that keeps an answer
   * for the web refresh interval (3 s by default): a poll while the job ran (FlowBeam's progress
   * line polls every 2 s) may still be served as {@code RUNNING} after the client is done.
   */
  JsonNode endedJob(String jobId) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(ENDED_JOB_TIMEOUT);
    JsonNode job = get("/jobs/" + jobId);
    while (!ENDED_STATES.contains(job.path("state").asText()) && Instant.now().isBefore(deadline)) {
      Thread.sleep(250);
      job = get("/jobs/" + jobId);
    }
    return job;
  }

  /** The number of jobs the cluster has finished, from its REST overview. */
  long finishedJobs() throws IOException, InterruptedException {
    return get("/overview").path("jobs-finished").asLong();
  }

  /** The ids of the TaskManagers registered now ({@code taskmanager-1}, ...), sorted. */
  List<String> taskManagerIds() throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
      ids.add(tm.path("id").asText());
    }
    ids.sort(null);
    return ids;
  }

  /** The PID of TaskManager {@code n}'s JVM, from its PID file. */
  long taskManagerPid(int n) throws IOException {
    return Long.parseLong(Files.readString(state.resolve("taskmanager-" + n + ".pid")).trim());
  }

  /**
   * Kills TaskManager {@code n} with SIGKILL, as the kernel's OOM killer or a lost machine would,
   * and waits until its JVM is gone.
   */
  void killTaskManager(int n) throws Exception {
    ProcessHandle jvm =
        ProcessHandle.of(taskManagerPid(n))
            .filter(ProcessHandle::isAlive)
            .orElseThrow(() -> new IllegalStateException("taskmanager-" + n + " is not running"));
    jvm.destroyForcibly();
    jvm.onExit().get(30, TimeUnit.SECONDS);
  }

  /** Starts TaskManager {@code n} again with {@code start-taskmanager.sh}, until it registered. */
  ChildProcess.Result startTaskManager(int n, Duration timeout) throws Exception {
    ProcessBuilder start = script("start-taskmanager.sh", Integer.toString(n));
    start.environment().put("FLOWBEAM_FLINK_START_TIMEOUT", Long.toString(timeout.toSeconds()));
    return ChildProcess.run(
        start, logDir.resolve("start-taskmanager-" + n + ".out"), timeout.plusSeconds(30));
  }

  /**
   * Fails the test if {@code run}, a FlowBeam job submitted to this cluster, exited non-zero, with
   * its output and the tails of the TaskManagers' logs, where a failed task tells why.
   */
  void assertJobSucceeded(ChildProcess.Result run) throws IOException {
    if (run.exitCode() == 0) {
      return;
    }
    StringBuilder message =
        new StringBuilder("FlowBeam on the cluster failed (exit ")
            .append(run.exitCode())
            .append("):\n")
            .append(run.output())
            .append("\n--- TaskManager logs' tails:");
    try (DirectoryStream<Path> logs =
        Files.newDirectoryStream(state.resolve("log"), "flink-taskmanager-*.log")) {
      for (Path log : logs) {
        message.append('\n').append(ChildProcess.tail(log, 40));
      }
    }
    fail(message.toString());
  }

  /** The last {@code lines} lines of the log of {@code role} (jobmanager, taskmanager-1, ...). */
  String logTail(String role, int lines) {
    return ChildProcess.tail(state.resolve("log/flink-" + role + ".log"), lines);
  }

  /**
   * Stops the cluster with {@code stop-cluster.sh}, then kills every cluster JVM that a PID file
   * still names; fails if the script failed (after the kills).
   */
  @Override
  public void close() throws Exception {
    ChildProcess.Result stopped =
        ChildProcess.run(
            script("stop-cluster.sh"), logDir.resolve("stop-cluster.out"), Duration.ofMinutes(2));
    List<Path> pidFiles = new ArrayList<>();
    if (Files.isDirectory(state)) {
      try (Stream<Path> files = Files.list(state)) {
        files.filter(f -> f.toString().endsWith(".pid")).forEach(pidFiles::add);
      }
    }
    for (Path pidFile : pidFiles) {
      Optional<ProcessHandle> jvm =
          ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
      if (jvm.isPresent()
          && jvm.get().info().commandLine().orElse("").contains("org.apache.flink.runtime")) {
        jvm.get().destroyForcibly();
        jvm.get().onExit().get(30, TimeUnit.SECONDS);
      }
    }
    if (stopped.exitCode() != 0) {
      throw new IllegalStateException("stop-cluster.sh failed:\n" + stopped.output());
    }
  }

  private ProcessBuilder script(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(repo.resolve("run-configs/flink/" + name).toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("FLOWBEAM_FLINK_STATE", state.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb;
  }

  /** A port on 127.0.0.1 that was free a moment ago (the scripts fail clearly if it is not). */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
