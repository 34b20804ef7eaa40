package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.transforms.Combine;

/**
 * A statistic's partial sum: a small mutable value that a reader fills packet by packet and that
 * {@link PartialSumFn} combines with the partial sums of other bundles, in the manner of the {@code
 * CountSum} accumulator of Beam's {@code Mean}. Inputs, accumulators and outputs are all of the one
 * type, so each statistic's fields are declared once, in its class, with their encoding beside
 * them. Serializable because a global combine's default output (the sum of nothing) travels with
 * its step.
 *
 * <pre>{@code
 * IpTraffic a = new IpTraffic();
 * a.addSent(60, 1_000);
 * a.add(otherBundlesPartial); // the combiner's merge
 * }</pre>
 *
 * @param <T> the implementing type
 */
public interface PartialSum<T extends PartialSum<T>>
    extends Combine.AccumulatingCombineFn.Accumulator<T, T, T>, Serializable {

  /** Adds everything {@code other} holds into this partial sum; {@code other} is unchanged. */
  void add(T other);

  /** An independent copy of this partial sum. */
  T copy();

  /** Writes the fields, for {@link PartialSumCoder}. */
  void encodeFields(OutputStream out) throws IOException;

  /** Reads the fields that {@link #encodeFields} wrote into this (empty) partial sum. */
  void decodeFields(InputStream in) throws IOException;

  @Override
  default void addInput(T input) {
    add(input);
  }

  @Override
  default void mergeAccumulator(T other) {
    add(other);
  }

  /** A copy, so that no later use of the accumulator can change an output already given. */
  @Override
  default T extractOutput() {
    return copy();
  }
}
