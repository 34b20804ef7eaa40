package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.testing.BeamTest;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** A step's outputs, multiplexed and split again, arrive as if the step had declared them all. */
@BeamTest
class MultiplexedOutputsTest {
  static final TupleTag<String> WORDS = new TupleTag<String>() {};
  static final TupleTag<Long> LENGTHS = new TupleTag<Long>() {};
  static final TupleTag<String> UPPER = new TupleTag<String>() {};
  static final TupleTag<Long> UNDECLARED = new TupleTag<Long>() {};

  private static MultiplexedOutputs mux() {
    Map<TupleTag<?>, Coder<?>> others = new LinkedHashMap<>();
    others.put(LENGTHS, VarLongCoder.of());
    others.put(UPPER, StringUtf8Coder.of());
    return MultiplexedOutputs.of(WORDS, others);
  }

  /** Outputs each word, its length at time = length, and its upper case when it has an 'a'. */
  static final class SplitWordsFn extends DoFn<String, String> {
    private final MultiplexedOutputs outputs;

    SplitWordsFn(MultiplexedOutputs outputs) {
      this.outputs = outputs;
    }

    @ProcessElement
    public void process(@Element String w, MultiOutputReceiver receiver) {
      MultiOutputReceiver out = outputs.wrap(receiver);
      out.get(WORDS).output(w);
      out.get(LENGTHS).outputWithTimestamp((long) w.length(), new Instant(w.length()));
      if (w.contains("a")) {
        out.get(UPPER).output(w.toUpperCase());
      }
    }
  }

  @Test
  void everyValueReachesItsOwnOutputWithItsTimestamp(TestPipeline p) {
    MultiplexedOutputs mux = mux();
    PCollectionTuple step =
        p.apply(
                Create.timestamped(
                    TimestampedValue.of("flow", new Instant(0)),
                    TimestampedValue.of("packet", new Instant(0)),
                    TimestampedValue.of("ab", new Instant(0))))
            .apply(
                "Split",
                ParDo.of(new SplitWordsFn(mux)).withOutputTags(WORDS, mux.additionalTags()));
    PCollectionTuple all = mux.demultiplex(step, "Demultiplex");

    PAssert.that(all.get(WORDS)).containsInAnyOrder("flow", "packet", "ab");
    PAssert.that(all.get(UPPER)).containsInAnyOrder("PACKET", "AB");
    PCollection<TimestampedValue<Long>> lengths = all.get(LENGTHS).apply(Reify.timestamps());
    PAssert.that(lengths)
        .containsInAnyOrder(
            TimestampedValue.of(4L, new Instant(4)),
            TimestampedValue.of(6L, new Instant(6)),
            TimestampedValue.of(2L, new Instant(2)));
    p.run().waitUntilFinish();
  }

  @Test
  void anUndeclaredOutputIsRefusedByName() {
    DoFn.MultiOutputReceiver nowhere =
        new DoFn.MultiOutputReceiver() {
          @Override
          public <T> DoFn.OutputReceiver<T> get(TupleTag<T> tag) {
            return null;
          }

          @Override
          public <T> DoFn.OutputReceiver<org.apache.beam.sdk.values.Row> getRowReceiver(
              TupleTag<T> tag) {
            return null;
          }
        };
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> mux().wrap(nowhere).get(UNDECLARED));
    assertThat(e.getMessage(), containsString("not declared"));
  }

  @Test
  void theMainOutputCannotAlsoBeMultiplexed() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MultiplexedOutputs.of(WORDS, Map.of(WORDS, StringUtf8Coder.of())));
  }
}
