package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.transforms.PacketDigest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every read's reading step declares two outputs, its main one (packets, or fragments when it
 * digests) and the multiplexed rest: on Flink every declared output decodes all of the step's
 * elements (see {@link MultiplexedOutputs}), so a reader that declared each of its outputs again
 * would be several times slower with the same results. Checked on the pipeline graph, without
 * running it, for every format and mode; the step has the same name for every format.
 */
class ReaderStepOutputsTest {
  private static final PacketDigest DIGEST = PacketDigest.withBinSizeUs(1_000_000);

  private static PacketFileRead<?> read(String format) {
    return format.equals("pcap")
        ? PcapIO.read().from("/no/such/capture.pcap")
        : PacketCsvIO.read().from("/no/such/packets.csv");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcap", "csv"})
  void aReadDeclaresPacketsAndOneMultiplexedOutput(String format) {
    assertThat(
        readStepOutputs(read(format)),
        containsInAnyOrder(ReadResult.PACKETS, MultiplexedOutputs.MUXED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcap", "csv"})
  void aDigestingReadDeclaresFragmentsAndOneMultiplexedOutput(String format) {
    assertThat(
        readStepOutputs(read(format).withDigest(DIGEST)),
        containsInAnyOrder(PacketDigest.KEYED, MultiplexedOutputs.MUXED));
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcap", "csv"})
  void aDigestingReadThatKeepsPacketsStillDeclaresTwoOutputs(String format) {
    assertThat(
        readStepOutputs(read(format).withDigest(DIGEST).withPackets()),
        containsInAnyOrder(PacketDigest.KEYED, MultiplexedOutputs.MUXED));
  }

  /** The output tags of the reading step ({@link ReadFiles#READ_STEP}) of {@code read}. */
  private static List<TupleTag<?>> readStepOutputs(PTransform<PBegin, ? extends POutput> read) {
    Pipeline p = Pipeline.create();
    p.apply(read);
    List<TupleTag<?>> tags = new ArrayList<>();
    p.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            collect(node);
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            collect(node);
          }

          private void collect(TransformHierarchy.Node node) {
            if (node.getFullName().endsWith("/" + ReadFiles.READ_STEP)) {
              tags.addAll(node.getOutputs().keySet());
            }
          }
        });
    return tags;
  }
}
