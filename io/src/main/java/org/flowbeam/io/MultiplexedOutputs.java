package org.flowbeam.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.transforms.DoFn.OutputReceiver;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;

/**
 * Carries all but one of a multi-output step's outputs as a single stream, and splits it back into
 * those outputs in a step of its own.
 *
 * <p>Why: Beam's Flink batch translation turns every output of a multi-output {@code ParDo} into a
 * consumer of the step's whole output, which decodes each element, of every output, and keeps the
 * ones of its own output. A reader that digests its packets has one large output (the flow
 * fragments) and nine small ones (records read, per-range sums, capture summaries, ...): with ten
 * consumers, every fragment was encoded, compressed into a shuffle partition and decoded ten times:
 * about a third of the job's CPU on a 100M-packet capture (BENCHMARKS.md). Multiplexed, the step
 * declares two outputs, its main one and {@link #MUXED} (the others, each value wrapped in Beam's
 * {@link RawUnionValue} with its output's index), and the splitting step only handles the small
 * outputs.
 *
 * <pre>{@code
 * MultiplexedOutputs mux = MultiplexedOutputs.of(MAIN, Map.of(ERRORS, errorCoder, COUNTS, countCoder));
 * PCollectionTuple step =
 *     input.apply("Read", ParDo.of(new ReadFn(mux)).withOutputTags(MAIN, mux.additionalTags()));
 * PCollectionTuple all = mux.demultiplex(step, "Split outputs"); // MAIN, ERRORS and COUNTS
 * // and in ReadFn's @ProcessElement: out = mux.wrap(out); out.get(ERRORS).output(...);
 * }</pre>
 *
 * <p>Values keep their timestamps: a value output with a timestamp travels in an element with that
 * timestamp, and the splitting step outputs it with the element's.
 */
public final class MultiplexedOutputs implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The one output that carries all multiplexed outputs. */
  public static final TupleTag<RawUnionValue> MUXED = new TupleTag<RawUnionValue>() {};

  private final TupleTag<?> main;
  private final List<TupleTag<?>> muxed;
  private final List<Coder<?>> coders;
  private transient Map<TupleTag<?>, Integer> indexes;

  private MultiplexedOutputs(TupleTag<?> main, List<TupleTag<?>> muxed, List<Coder<?>> coders) {
    this.main = main;
    this.muxed = muxed;
    this.coders = coders;
  }

  /**
   * @param main the output left as it is (the step's main output)
   * @param others the outputs to multiplex, with their coders, in a fixed order
   * @throws IllegalArgumentException if {@code others} is empty or holds {@code main}
   */
  public static MultiplexedOutputs of(TupleTag<?> main, Map<TupleTag<?>, Coder<?>> others) {
    if (others.isEmpty() || others.containsKey(main)) {
      throw new IllegalArgumentException("multiplex one or more outputs other than the main one");
    }
    return new MultiplexedOutputs(
        main, new ArrayList<>(others.keySet()), new ArrayList<>(others.values()));
  }

  /** What the step declares after its main output: {@link #MUXED} only. */
  public TupleTagList additionalTags() {
    return TupleTagList.of(MUXED);
  }

  /**
   * The receiver a step's {@code @ProcessElement} writes to: the main output goes straight to
   * {@code out}, every multiplexed output into {@link #MUXED}. Each output's receiver is made once
   * per call of this method, however often the step asks for it.
   */
  public MultiOutputReceiver wrap(MultiOutputReceiver out) {
    OutputReceiver<RawUnionValue> union = out.get(MUXED);
    OutputReceiver<?>[] receivers = new OutputReceiver<?>[muxed.size()];
    return new MultiOutputReceiver() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> OutputReceiver<T> get(TupleTag<T> tag) {
        if (tag.equals(main)) {
          return out.get(tag);
        }
        int index = indexOf(tag);
        if (receivers[index] == null) {
          receivers[index] = tagged(union, index);
        }
        return (OutputReceiver<T>) receivers[index];
      }

      @Override
      public <T> OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
        throw new UnsupportedOperationException("multiplexed outputs carry no rows");
      }
    };
  }

  /** A receiver that wraps each value with union tag {@code index} into {@code union}. */
  private static <T> OutputReceiver<T> tagged(OutputReceiver<RawUnionValue> union, int index) {
    return new OutputReceiver<T>() {
      @Override
      public void output(T value) {
        union.output(new RawUnionValue(index, value));
      }

      @Override
      public void outputWithTimestamp(T value, Instant timestamp) {
        union.outputWithTimestamp(new RawUnionValue(index, value), timestamp);
      }
    };
  }

  /**
   * Sets the coders of a step's outputs and splits {@link #MUXED} into the multiplexed outputs, in
   * a step named {@code name}: the result holds the main output and every multiplexed one.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public PCollectionTuple demultiplex(PCollectionTuple step, String name) {
    PCollection<RawUnionValue> union = step.get(MUXED).setCoder(UnionCoder.of(coders));
    TupleTagList rest = TupleTagList.empty();
    for (TupleTag<?> t : muxed.subList(1, muxed.size())) {
      rest = rest.and(t);
    }
    ParDo.MultiOutput<RawUnionValue, Object> split =
        ParDo.of(new SplitFn(muxed)).withOutputTags((TupleTag<Object>) muxed.get(0), rest);
    PCollectionTuple parts = union.apply(name, split);
    PCollectionTuple all = PCollectionTuple.of((TupleTag) main, step.get(main));
    for (int i = 0; i < muxed.size(); i++) {
      PCollection part = parts.get(muxed.get(i));
      part.setCoder(coders.get(i));
      all = all.and((TupleTag) muxed.get(i), part);
    }
    return all;
  }

  private int indexOf(TupleTag<?> tag) {
    if (indexes == null) {
      Map<TupleTag<?>, Integer> m = new HashMap<>();
      for (int i = 0; i < muxed.size(); i++) {
        m.put(muxed.get(i), i);
      }
      indexes = m;
    }
    Integer i = indexes.get(tag);
    if (i == null) {
      throw new IllegalArgumentException("output " + tag + " is not declared");
    }
    return i;
  }

  /** Outputs each multiplexed value to its own output, with the element's timestamp. */
  private static final class SplitFn extends DoFn<RawUnionValue, Object> {
    private final List<TupleTag<?>> tags;

    SplitFn(List<TupleTag<?>> tags) {
      this.tags = tags;
    }

    @ProcessElement
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void process(@Element RawUnionValue v, MultiOutputReceiver out) {
      out.get((TupleTag) tags.get(v.getUnionTag())).output(v.getValue());
    }
  }
}
