package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hourly wrapper ({@code run-configs/schedule/flowbeam-hourly.sh}) with an {@code hdfs://}
 * root, run with a stand-in {@code java} that records its arguments: its own lock and logs go to
 * the local {@code FLOWBEAM_LOG_DIR}, the root goes to FlowBeam untouched, and nothing named after
 * the URI is created on the local disk. The wrapper with a real run is {@code HourlyScheduleIT}.
 */
class HourlyWrapperTest {
  @TempDir Path tmp;
  Path wrapper;
  Path fakeJava;
  Path argsSeen;

  @BeforeEach
  void setUp() throws IOException {
    wrapper = Path.of("..", "run-configs", "schedule", "flowbeam-hourly.sh").toAbsolutePath();
    argsSeen = tmp.resolve("java-args");
    fakeJava = tmp.resolve("java");
    Files.writeString(
        fakeJava,
        "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '"
            + argsSeen
            + "'\necho 'flowbeam: run 1 read 1 files'\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(tmp.resolve("flowbeam.jar"), "not read by the stand-in");
  }

  private record Run(int exitCode, String stderr) {}

  private Run wrapper(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", wrapper.toString()).directory(tmp.toFile());
    pb.environment().put("FLOWBEAM_JAR", tmp.resolve("flowbeam.jar").toString());
    pb.environment().put("FLOWBEAM_INPUT", "hdfs://nn:8020/captures/cap-*.pcap");
    pb.environment().put("JAVA", fakeJava.toString());
    pb.environment().remove("FLOWBEAM_LOG_DIR");
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the wrapper did not end");
    }
    return new Run(p.exitValue(), err);
  }

  @Test
  void aRootOnHdfsKeepsTheWrappersLockAndLogsInTheLocalLogDirectory() throws Exception {
    Path logs = tmp.resolve("logs");
    Run run =
        wrapper(
            Map.of(
                "FLOWBEAM_ROOT", "hdfs://nn:8020/flowbeam", "FLOWBEAM_LOG_DIR", logs.toString()));

    assertThat(run.stderr(), run.exitCode(), equalTo(0));
    List<String> args = Files.readAllLines(argsSeen);
    assertThat(args, hasItem("--output=hdfs://nn:8020/flowbeam"));
    assertThat(args, hasItem("--input=hdfs://nn:8020/captures/cap-*.pcap"));
    assertThat(Files.exists(logs.resolve("schedule.lock")), equalTo(true));
    try (Stream<Path> files = Files.list(logs)) {
      assertThat(
          files.filter(f -> f.getFileName().toString().startsWith("run-")).toList(), hasSize(1));
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          equalTo(List.of("flowbeam.jar", "java", "java-args", "logs")));
    }
  }

  @Test
  void aRootOnHdfsWithoutALocalLogDirectoryIsOneLineAndExitCodeTwo() throws Exception {
    Run run = wrapper(Map.of("FLOWBEAM_ROOT", "hdfs://nn:8020/flowbeam"));

    assertThat(run.exitCode(), equalTo(2));
    assertThat(run.stderr().lines().toList(), hasSize(1));
    assertThat(run.stderr(), containsString("FLOWBEAM_LOG_DIR must name a local directory"));
    assertThat(Files.exists(argsSeen), equalTo(false));
  }
}
