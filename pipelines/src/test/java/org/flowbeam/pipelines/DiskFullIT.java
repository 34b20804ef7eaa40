package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills while the job writes: the fat jar, run as a user runs it, writes into a small
 * tmpfs that the test mounts (it needs the right to mount, which root has in CI; elsewhere the test
 * is skipped). The run must end with one line naming the output and exit code 1, leave the previous
 * output as it was and no staging directory behind.
 */
class DiskFullIT {
  /** Room for the previous output (15 files of a page each) and not for the sample's output. */
  private static final String TMPFS_SIZE = "160k";

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @TempDir Path tmp;
  private Path mount;
  private boolean mounted;

  @BeforeEach
  void mountSmallFileSystem() throws Exception {
    mount = Files.createDirectories(tmp.resolve("small-disk"));
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", "" + mount)
            .redirectErrorStream(true)
            .start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    mounted = p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
    Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here: " + said.trim());
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      Process p = new ProcessBuilder("umount", "" + mount).redirectErrorStream(true).start();
      String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat("umount " + mount + ": " + said, p.waitFor(), equalTo(0));
    }
  }

  @Test
  void aFullDiskEndsTheRunWithOneLineAndKeepsThePreviousOutput() throws Exception {
    Path small = tmp.resolve("small.csv");
    try (Stream<String> lines = Files.lines(Samples.loopbackCsv())) {
      Files.write(small, lines.limit(21).toList());
    }
    Path out = mount.resolve("out");
    FatJar.Result first = FatJar.run(TIMEOUT, "--input=" + small, "--output=" + out);
    assertThat(first.stderr(), first.exitCode(), is(0));
    Map<String, String> previous = contents(out);
    assertThat(previous.keySet(), not(hasSize(0)));

    // --quiet: no progress lines on standard error, which then holds the failure line alone.
    FatJar.Result full =
        FatJar.run(TIMEOUT, "--quiet", "--input=" + Samples.loopbackCsv(), "--output=" + out);

    assertThat(full.stderr(), full.exitCode(), is(1));
    List<String> lines = full.stderr().lines().toList();
    assertThat(full.stderr(), lines, hasSize(1));
    assertThat(lines.get(0), containsString("flowbeam: failed: the file system of " + out));
    assertThat(lines.get(0), containsString("No space left on device"));
    assertThat(contents(out), equalTo(previous));
    try (Stream<Path> left = Files.list(mount)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList(), equalTo(List.of("out")));
    }
  }

  /** Every file under {@code dir} by relative path, with its content. */
  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            dir.relativize(f).toString(),
            new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    return files;
  }

  /** The packaged fat jar, run in a child JVM as a user runs it. */
  static final class FatJar {
    record Result(int exitCode, String stdout, String stderr) {}

    private FatJar() {}

    static Result run(Duration timeout, String... args) throws Exception {
      Path jar = ChildProcess.packagedJar();
      ProcessBuilder command =
          ChildProcess.fatJar(jar, Path.of("").toAbsolutePath(), "-Xmx1g", args);
      Path stdout = Files.createTempFile("flowbeam-out", ".txt");
      Path stderr = Files.createTempFile("flowbeam-err", ".txt");
      try {
        Process process =
            command.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          ChildProcess.kill(process);
          fail("flowbeam timed out after " + timeout + ":\n" + Files.readString(stderr));
        }
        return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
      } finally {
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
      }
    }
  }
}
