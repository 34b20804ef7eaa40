package org.flowbeam.transforms;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.util.SerializableSupplier;

/**
 * The one combiner of FlowBeam's statistics: adds {@link PartialSum}s of one type into a fresh one,
 * with that type's deterministic coder for accumulators and outputs. Each partial-sum type gives
 * its own through a static {@code combineFn()}.
 *
 * <pre>{@code
 * PCollection<KV<String, IpTraffic>> sums = partials.apply(Combine.perKey(IpTraffic.combineFn()));
 * }</pre>
 *
 * @param <T> the partial-sum type
 */
public final class PartialSumFn<T extends PartialSum<T>>
    extends Combine.AccumulatingCombineFn<T, T, T> {
  private final PartialSumCoder<T> coder;

  private PartialSumFn(PartialSumCoder<T> coder) {
    this.coder = coder;
  }

  /** A combiner of the partial sums that {@code empty} creates (as the sum of nothing). */
  public static <T extends PartialSum<T>> PartialSumFn<T> of(SerializableSupplier<T> empty) {
    return new PartialSumFn<>(PartialSumCoder.of(empty));
  }

  @Override
  public T createAccumulator() {
    return coder.empty();
  }

  @Override
  public Coder<T> getAccumulatorCoder(CoderRegistry registry, Coder<T> inputCoder) {
    return coder;
  }

  @Override
  public Coder<T> getDefaultOutputCoder(CoderRegistry registry, Coder<T> inputCoder) {
    return coder;
  }
}
