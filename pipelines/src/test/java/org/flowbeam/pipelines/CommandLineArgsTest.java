package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's handling of run-configuration files and of input paths that a Flink
 * cluster's TaskManagers must find.
 */
class CommandLineArgsTest {
  private static final String CWD = Path.of("").toAbsolutePath().toString();

  @Test
  void optionsOnTheCommandLineReplaceTheFilesValue(@TempDir Path dir) throws IOException {
    Path args = dir.resolve("cluster.args");
    Files.writeString(
        args,
        "# a cluster\n--runner=FlinkRunner\n--flinkMaster=127.0.0.1:8081\n\n--parallelism=2\n");
    assertThat(
        FlowBeamMain.expandArgFiles(
            new String[] {"@" + args, "--flinkMaster=127.0.0.1:9081", "--input=x"}),
        contains(
            "--runner=FlinkRunner",
            "--parallelism=2",
            "--flinkMaster=127.0.0.1:9081",
            "--input=x"));
  }

  @Test
  void relativePathsAndGlobsBecomeAbsolute() {
    assertThat(
        FlowBeamMain.absolutePatterns("src/samples/a.csv, data/*.csv.gz"),
        equalTo(CWD + "/src/samples/a.csv," + CWD + "/data/*.csv.gz"));
  }

  @Test
  void absolutePathsAndSchemesAreKept() {
    assertThat(
        FlowBeamMain.absolutePatterns("/data/x.csv,gs://bucket/y-*.csv,,"),
        equalTo("/data/x.csv,gs://bucket/y-*.csv"));
  }
}
