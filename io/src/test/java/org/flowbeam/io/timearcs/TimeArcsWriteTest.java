package org.flowbeam.io.timearcs;

import static org.flowbeam.io.timearcs.TimeArcsLayoutWriterTest.OPTIONS;
import static org.flowbeam.io.timearcs.TimeArcsLayoutWriterTest.expected;
import static org.flowbeam.io.timearcs.TimeArcsLayoutWriterTest.read;
import static org.flowbeam.io.timearcs.TimeArcsLayoutWriterTest.resourceText;
import static org.flowbeam.io.timearcs.TimeArcsLayoutWriterTest.tree;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.FlowRecordCoder;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BeamTest
class TimeArcsWriteTest {
  @TempDir Path dir;

  private static PCollectionTuple input(TestPipeline p) {
    return TimeArcsWrite.inputOf(
        p.apply("Flows", Create.of(TimeArcsFixtures.flows()).withCoder(FlowRecordCoder.of())),
        p.apply("Packets", Create.of(TimeArcsFixtures.packets()).withCoder(PacketCoder.of())));
  }

  @Test
  void writesTheLayoutFromAPipeline(TestPipeline p) throws Exception {
    PCollection<String> keys = input(p).apply(FlowSinks.timeArcs(dir.toString(), OPTIONS));
    PAssert.thatSingleton(keys)
        .satisfies(
            json -> {
              try {
                assertThat(tree(ManifestWriter.parse(json)), equalTo(expected("manifest.json")));
              } catch (java.io.IOException e) {
                throw new AssertionError(e);
              }
              return null;
            });
    p.run().waitUntilFinish();

    assertThat(Files.readString(dir.resolve("packets.csv")), equalTo(resourceText("packets.csv")));
    assertThat(read(dir, "manifest.json"), equalTo(expected("manifest.json")));
    assertThat(read(dir, "flows/flows_index.json"), equalTo(expected("flows/flows_index.json")));
    assertThat(read(dir, "ips/ip_stats.json"), equalTo(expected("ips/ip_stats.json")));
    assertThat(read(dir, "ips/flag_stats.json"), equalTo(expected("ips/flag_stats.json")));
    assertThat(read(dir, "ips/unique_ips.json"), equalTo(expected("ips/unique_ips.json")));
    assertThat(read(dir, "flows/chunk_00001.json").get(0).get("id").asText(), equalTo("b"));
    assertThat(read(dir, "indices/bins.json").size(), equalTo(100));
  }

  @Test
  void pipelineCanMergeTheKeysIntoItsOwnManifest(TestPipeline p) throws Exception {
    input(p)
        .apply(FlowSinks.timeArcs(dir.toString(), OPTIONS.withWriteManifest(false)))
        .apply(
            "MergeManifest",
            org.apache.beam.sdk.transforms.ParDo.of(new MergeManifestFn(dir.toString())));
    p.run().waitUntilFinish();

    Map<String, Object> manifest =
        ManifestWriter.parse(Files.readString(dir.resolve("manifest.json")));
    assertThat(manifest.get("version"), equalTo("2.0"));
    assertThat(manifest.get("records_read"), equalTo(15));
    assertThat(manifest.get("total_flows"), equalTo(3));
  }

  @Test
  void emptyInputsGiveAnEmptyLayout(TestPipeline p) throws Exception {
    PCollectionTuple.of(TimeArcsWrite.FLOWS, p.apply("Flows", Create.empty(FlowRecordCoder.of())))
        .and(TimeArcsWrite.PACKETS, p.apply("Packets", Create.empty(PacketCoder.of())))
        .apply(FlowSinks.timeArcs(dir.toString(), OPTIONS));
    p.run().waitUntilFinish();
    assertThat(read(dir, "manifest.json").get("total_packets").asInt(), equalTo(0));
    assertThat(read(dir, "flows/flows_index.json").size(), equalTo(0));
  }

  /** What the pipeline's manifest step does: its own keys after the TimeArcs keys. */
  private static final class MergeManifestFn
      extends org.apache.beam.sdk.transforms.DoFn<String, Void> {
    private final String dir;

    MergeManifestFn(String dir) {
      this.dir = dir;
    }

    @ProcessElement
    public void process(@Element String timeArcsKeys) throws java.io.IOException {
      ManifestWriter.write(
          Path.of(dir),
          ManifestWriter.merge(ManifestWriter.parse(timeArcsKeys), Map.of("records_read", 15)));
    }
  }
}
