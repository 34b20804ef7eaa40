package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.io.carried.CarriedFlowsFile;
import org.flowbeam.io.carried.CarriedFlowsFileException;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.transforms.KeyAssemblyCoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CarriedFlows} writes a run's carried flows to one file and reads them back in the next
 * pipeline; no file is nothing carried.
 */
@BeamTest
class CarriedFlowsTest {
  private static final FlowRules RULES = FlowRules.defaults().withIdleTimeoutUs(10_000_000);

  @TempDir Path dir;

  private static Map<FlowKey, byte[]> carried() {
    return RunByRun.assemble(SampleTraffic.busyTraffic(), List.of(8_000_000L), RULES, 4)
        .get(0)
        .carried();
  }

  private static void write(Pipeline p, Map<FlowKey, byte[]> carried, long seriesEnd, Path to) {
    List<KV<FlowKey, KeyAssembly>> kvs = new ArrayList<>();
    carried.forEach((k, v) -> kvs.add(KV.of(k, RunByRun.decode(v))));
    PCollectionView<Long> end =
        p.apply("SeriesEnd", Create.of(seriesEnd).withCoder(VarLongCoder.of()))
            .apply(View.asSingleton());
    PCollection<String> written =
        p.apply(Create.of(kvs).withCoder(KvCoder.of(FlowKeyCoder.of(), KeyAssemblyCoder.of())))
            .apply(CarriedFlows.write(to.toString(), end));
    PAssert.that(written).containsInAnyOrder(to.toString());
    p.run().waitUntilFinish();
  }

  private static PCollection<KV<String, String>> asBytes(PCollection<KV<FlowKey, KeyAssembly>> c) {
    return c.apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via(kv -> KV.of(kv.getKey().toString(), base64(RunByRun.encode(kv.getValue())))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void whatOnePipelineWritesTheNextReads(TestPipeline p) throws IOException {
    Map<FlowKey, byte[]> carried = carried();
    Path file = dir.resolve("_flowbeam/carried/run-1.state");
    write(p, carried, 7_009_000, file);
    assertThat(
        CarriedFlows.inspect(file.toString()),
        equalTo(new CarriedFlowsFile.Summary(true, 7_009_000, 3, RULES)));
    assertThat(Files.list(file.getParent()).count(), equalTo(1L));

    TestPipeline next = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    List<KV<String, String>> expected = new ArrayList<>();
    carried.forEach((k, v) -> expected.add(KV.of(k.toString(), base64(v))));
    PAssert.that(asBytes(next.apply(CarriedFlows.read(file.toString()))))
        .containsInAnyOrder(expected);
    next.run().waitUntilFinish();
  }

  @Test
  void nothingCarriedStillWritesTheSeriesEndAndReplacesTheFile(TestPipeline p) throws IOException {
    Path file = dir.resolve("run.state");
    Files.writeString(file, "an older file");
    write(p, Map.of(), 42, file);
    assertThat(
        CarriedFlows.inspect(file.toString()),
        equalTo(new CarriedFlowsFile.Summary(true, 42, 0, null)));
  }

  @Test
  void noFileIsNothingCarried(TestPipeline p) throws IOException {
    String missing = dir.resolve("never-written.state").toString();
    assertThat(CarriedFlows.inspect(missing), equalTo(CarriedFlowsFile.Summary.NONE));
    PAssert.that(p.apply(CarriedFlows.read(missing))).empty();
    p.run().waitUntilFinish();
  }

  @Test
  void aCorruptFileIsOneLineBeforeAnyPipelineAndFailsTheRead(TestPipeline p) throws IOException {
    Path file = dir.resolve("run.state");
    write(TestPipeline.create().enableAbandonedNodeEnforcement(false), carried(), 1, file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));
    CarriedFlowsFileException e =
        assertThrows(CarriedFlowsFileException.class, () -> CarriedFlows.inspect(file.toString()));
    assertThat(e.getMessage().startsWith(file + " at byte "), equalTo(true));
    p.apply(CarriedFlows.read(file.toString()));
    Pipeline.PipelineExecutionException failed =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    assertThat(failed.getCause(), instanceOf(CarriedFlowsFileException.class));
  }
}
