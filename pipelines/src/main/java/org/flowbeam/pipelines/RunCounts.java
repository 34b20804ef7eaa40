package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.transforms.LongVectorFn;

/**
 * Collects the named totals of a run (records read, packets, rejected, flows, ...) as one
 * collection of {@code KV<name, value>}, each total computed from the data itself.
 *
 * <p>Every source is mapped to {@code KV<"op|name", value>} and all of them are combined by one
 * {@code Combine.perKey} that keeps sum, minimum and maximum; the operation in the key picks the
 * result. Why one combine rather than one per total: each global combine is several steps, and on
 * Flink a job's start-up time grows with its number of steps. Sums and counts of an empty
 * collection are 0 (a zero is added for each); a minimum or maximum of one is absent.
 */
final class RunCounts {
  private static final String SUM = "sum";
  private static final String MIN = "min";
  private static final String MAX = "max";

  private final List<PCollection<KV<String, Long>>> parts = new ArrayList<>();
  private final List<KV<String, Long>> zeros = new ArrayList<>();

  /** Adds {@code name} = the number of elements of {@code c}. */
  <T> RunCounts count(String name, PCollection<T> c) {
    return add(SUM, name, c, x -> 1L);
  }

  /** Adds {@code name} = the sum of {@code f} over {@code c}. */
  <T> RunCounts sum(String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    return add(SUM, name, c, f);
  }

  /** Adds {@code name} = the minimum of {@code f} over {@code c} (absent if {@code c} is empty). */
  <T> RunCounts min(String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    return add(MIN, name, c, f);
  }

  /** Adds {@code name} = the maximum of {@code f} over {@code c} (absent if {@code c} is empty). */
  <T> RunCounts max(String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    return add(MAX, name, c, f);
  }

  private <T> RunCounts add(
      String op, String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    String key = op + "|" + name;
    parts.add(
        c.apply(
                "Value_" + name,
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                    .via((T x) -> KV.of(key, f.apply(x))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    if (op.equals(SUM)) {
      zeros.add(KV.of(key, 0L));
    }
    return this;
  }

  /** All totals added so far. */
  PCollection<KV<String, Long>> all() {
    KvCoder<String, Long> coder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    List<PCollection<KV<String, Long>>> all = new ArrayList<>(parts);
    all.add(parts.get(0).getPipeline().apply("Zeros", Create.of(zeros).withCoder(coder)));
    return PCollectionList.of(all)
        .apply("AllValues", Flatten.pCollections())
        .apply("Combine", Combine.perKey(new SumMinMaxFn()))
        .apply(
            "Pick",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(
                    (KV<String, long[]> kv) -> {
                      String key = kv.getKey();
                      int bar = key.indexOf('|');
                      String op = key.substring(0, bar);
                      long[] v = kv.getValue();
                      long value = op.equals(SUM) ? v[0] : op.equals(MIN) ? v[1] : v[2];
                      return KV.of(key.substring(bar + 1), value);
                    }))
        .setCoder(coder);
  }

  /** Sum, minimum and maximum of longs at once. */
  static final class SumMinMaxFn extends Combine.CombineFn<Long, long[], long[]> {
    @Override
    public long[] createAccumulator() {
      return new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE};
    }

    @Override
    public long[] addInput(long[] acc, Long v) {
      acc[0] += v;
      acc[1] = Math.min(acc[1], v);
      acc[2] = Math.max(acc[2], v);
      return acc;
    }

    @Override
    public long[] mergeAccumulators(Iterable<long[]> accs) {
      long[] m = createAccumulator();
      for (long[] a : accs) {
        m[0] += a[0];
        m[1] = Math.min(m[1], a[1]);
        m[2] = Math.max(m[2], a[2]);
      }
      return m;
    }

    @Override
    public long[] extractOutput(long[] acc) {
      return acc;
    }

    @Override
    public Coder<long[]> getAccumulatorCoder(CoderRegistry registry, Coder<Long> input) {
      return LongVectorFn.coder();
    }

    @Override
    public Coder<long[]> getDefaultOutputCoder(CoderRegistry registry, Coder<Long> input) {
      return LongVectorFn.coder();
    }
  }
}
