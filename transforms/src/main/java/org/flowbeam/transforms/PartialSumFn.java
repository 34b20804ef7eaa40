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
  private final SerializableSupplier<T> empty;
  private final Coder<T> coder;

  private PartialSumFn(SerializableSupplier<T> empty, Coder<T> coder) {
    this.empty = empty;
    this.coder = coder;
  }

  /** A combiner starting from {@code empty} (the sum of nothing), encoding with {@code coder}. */
  public static <T extends PartialSum<T>> PartialSumFn<T> of(
      SerializableSupplier<T> empty, Coder<T> coder) {
    return new PartialSumFn<>(empty, coder);
  }

  @Override
  public T createAccumulator() {
    return empty.get();
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
