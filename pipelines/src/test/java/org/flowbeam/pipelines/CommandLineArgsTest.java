package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's handling of run-configuration files. */
class CommandLineArgsTest {
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
}
