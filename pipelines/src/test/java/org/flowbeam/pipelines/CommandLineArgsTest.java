package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  @Test
  void aMissingOptionsFileIsAUsageErrorNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("missing.args");
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> FlowBeamMain.expandArgFiles(new String[] {"@" + missing, "--input=x"}));
    assertThat(e.getMessage(), equalTo("cannot read options file " + missing + ": " + missing));
  }

  @Test
  void anOptionsFileOverItsLimitIsRefusedUnread(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.args");
    Files.write(big, new byte[FlowBeamMain.MAX_OPTIONS_FILE_BYTES + 1]);
    UsageException e =
        assertThrows(
            UsageException.class, () -> FlowBeamMain.expandArgFiles(new String[] {"@" + big}));
    assertThat(
        e.getMessage(),
        equalTo(
            "options file " + big + " is over " + FlowBeamMain.MAX_OPTIONS_FILE_BYTES + " bytes"));
  }

  @Test
  void anHdfsOptionsFileWithABadHdfsConfigurationIsAUsageError() {
    UsageException e =
        assertThrows(
            UsageException.class,
            () ->
                FlowBeamMain.expandArgFiles(
                    new String[] {"@hdfs://127.0.0.1:1/job.args", "--hdfsConfiguration=[{}, {}]"}));
    assertThat(
        e.getMessage(),
        equalTo("--hdfsConfiguration holds 2 configurations; give one (a JSON list of one map)"));
  }
}
