package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's handling of run-configuration files and of the default runner. */
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
  void noRunnerMeansFlinkEmbeddedOnEveryCore() {
    assertThat(
        FlowBeamMain.withDefaults(List.of("--input=x")),
        hasItems(
            "--runner=FlinkRunner",
            "--flinkMaster=[local]",
            "--parallelism=" + Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void embeddedFlinkGetsFlowBeamsConfigurationUnlessItHasOne() {
    assertThat(EmbeddedFlinkConf.applies(FlowBeamMain.withDefaults(List.of("--input=x"))), is(true));
    assertThat(
        EmbeddedFlinkConf.applies(List.of("--runner=FlinkRunner", "--flinkMaster=[auto]")),
        is(true));
    assertThat(
        EmbeddedFlinkConf.applies(List.of("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:8081")),
        is(false));
    assertThat(EmbeddedFlinkConf.applies(List.of("--runner=DirectRunner")), is(false));
    assertThat(
        EmbeddedFlinkConf.applies(
            FlowBeamMain.withDefaults(List.of("--input=x", "--flinkConfDir=/etc/flink"))),
        is(false));
  }

  @Test
  void flinkReadsTheEmbeddedConfigurationAsUncompressedShuffles() {
    Path dir = EmbeddedFlinkConf.write();
    Configuration conf = GlobalConfiguration.loadConfiguration(dir.toString());
    assertThat(
        conf.get(NettyShuffleEnvironmentOptions.BATCH_SHUFFLE_COMPRESSION_ENABLED), is(false));
  }
}
