package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same input gives the same outputs on the Direct Runner and on Flink embedded, and both give
 * the flows of the plain-Java reference (which {@code TsharkAgreementTest} holds against tshark).
 * Input: every tcp-edge reference CSV, as one dataset.
 */
class RunnerAgreementTest {
  @TempDir static Path dir;
  static Path inputs;
  static List<Packet> packets = new ArrayList<>();

  @BeforeAll
  static void copyInputs() throws IOException {
    inputs = Files.createDirectories(dir.resolve("in"));
    for (String capture : SharedData.capturesIn("tcp-edge")) {
      Path src = SharedData.ref("tcp-edge", capture, ".packets.csv");
      Files.copy(src, inputs.resolve(capture + ".csv"));
      packets.addAll(SharedData.packets(src));
    }
  }

  private static Path runOn(String runner, String name) {
    Path out = dir.resolve(name);
    JobFixtures.Run r =
        run(
            "--runner=" + runner,
            "--input=" + inputs + "/*.csv",
            "--output=" + out,
            "--splitSizeMb=1",
            "--parallelism=2");
    assertThat(r.err(), r.exitCode(), is(0));
    return out;
  }

  @Test
  void directAndFlinkEmbeddedWriteTheSameFlowsAndStatistics() {
    Path direct = runOn("DirectRunner", "direct");
    Path flink = runOn("FlinkRunner", "flink");
    for (String output : List.of("flows", "ip_stats", "flag_stats", "time_bins")) {
      assertThat(output, csvRows(flink, output), equalTo(csvRows(direct, output)));
    }
    Map<String, Object> directCounts = JobFixtures.counts(direct);
    assertThat(JobFixtures.counts(flink), equalTo(directCounts));

    List<FlowRecord> reference = FlowAssembler.assemble(packets, FlowRules.defaults());
    assertThat(JobFixtures.number(directCounts, "flows"), equalTo((long) reference.size()));
    List<String> referenceIds = new ArrayList<>();
    reference.forEach(
        f ->
            referenceIds.add(
                f.flowId()
                    + ","
                    + f.packetCount()
                    + ","
                    + f.byteCount()
                    + ","
                    + f.closeReason().label()));
    referenceIds.sort(null);
    List<String> pipelineIds = new ArrayList<>();
    for (String row : csvRows(direct, "flows")) {
      String[] f = row.split(",", -1);
      pipelineIds.add(f[0] + "," + f[9] + "," + f[10] + "," + f[26]);
    }
    pipelineIds.sort(null);
    assertThat(pipelineIds, equalTo(referenceIds));
  }
}
