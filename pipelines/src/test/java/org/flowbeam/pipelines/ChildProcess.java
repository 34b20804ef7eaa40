package org.flowbeam.pipelines;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes of the integration tests — the cluster scripts and the fat jar — each bounded in
 * time, with standard output and error in a log file, and killed with their descendants when the
 * time is up.
 */
final class ChildProcess {
  private ChildProcess() {}

  /** The repository's root directory: {@code flowbeam.repo.root}, which the build sets, else .. */
  static Path repoRoot() throws IOException {
    return Path.of(System.getProperty("flowbeam.repo.root", "..")).toRealPath();
  }

  /**
   * The packaged fat jar, absolute: {@code flowbeam.jar}, which the build sets, else {@code
   * target/flowbeam.jar}. Fails the test if it has not been built.
   */
  static Path packagedJar() {
    Path jar = Path.of(System.getProperty("flowbeam.jar", "target/flowbeam.jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      fail("the fat jar " + jar + " is missing: run `mvn package` before the integration tests");
    }
    return jar;
  }

  /** An ended (or timed-out, exit code -1) process and the last lines of its output. */
  record Result(int exitCode, String output) {}

  /** Starts {@code pb} with standard output and error into {@code log}, standard input closed. */
  static Process start(ProcessBuilder pb, Path log) throws IOException {
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = pb.start();
    process.getOutputStream().close();
    return process;
  }

  /** Waits up to {@code timeout} for {@code process}, then kills it and its descendants. */
  static Result await(Process process, Path log, Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(process);
      return new Result(-1, "timed out after " + timeout + "\n" + tail(log, 60));
    }
    return new Result(process.exitValue(), tail(log, 60));
  }

  /** Runs {@code pb} to its end, or for at most {@code timeout}. */
  static Result run(ProcessBuilder pb, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return await(start(pb, log), log, timeout);
  }

  /** Kills {@code process} and its descendants (SIGKILL) and waits for it. */
  static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly().waitFor();
  }

  /**
   * The command that runs the fat jar {@code jar} in a child JVM with {@code heap} (as {@code
   * -Xmx1g}) and {@code args}, in {@code workDir}: as a user runs FlowBeam.
   */
  static ProcessBuilder fatJar(Path jar, Path workDir, String heap, String... args) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add(heap);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(workDir.toFile());
  }

  /** The {@code java} launcher of the JVM running the tests. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The last {@code lines} lines of {@code file}, or a note that it does not exist. */
  static String tail(Path file, int lines) {
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
