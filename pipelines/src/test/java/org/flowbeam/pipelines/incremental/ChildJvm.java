package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Starts {@link IncrementalTestMain} in a child JVM with the test class path. */
final class ChildJvm {
  private ChildJvm() {}

  /** The finished child's exit code and output. */
  record Finished(int exitCode, String out, String err) {}

  /** Starts the child; {@code env} is added to its environment. */
  static Process start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(IncrementalTestMain.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove(Failpoint.ENV);
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs the child to its end. */
  static Finished run(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Process p = start(env, args);
    p.getOutputStream().close();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    return new Finished(
        code,
        new String(out, StandardCharsets.UTF_8),
        new String(err.join(), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
