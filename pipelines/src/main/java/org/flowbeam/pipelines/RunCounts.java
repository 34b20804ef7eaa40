package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.transforms.SumMinMax;

/**
 * Collects the named totals of a run (records read, packets, rejected, flows, ...) as one
 * collection of {@code KV<name, value>}, each total computed from the data itself.
 *
 * <p>Every source is mapped to {@code KV<"op|name", SumMinMax.of(value)>} and all of them are
 * combined by one {@code Combine.perKey} of {@link SumMinMax}; the operation in the key picks the
 * result. Why one combine rather than one per total: each global combine is several steps, and on
 * Flink a job's start-up time grows with its number of steps. Sums and counts of an empty
 * collection are 0 (an empty sum is added for each); a minimum or maximum of one is absent.
 */
final class RunCounts {
  private static final String SUM = "sum";
  private static final String MIN = "min";
  private static final String MAX = "max";
  private static final KvCoder<String, SumMinMax> CODER =
      KvCoder.of(StringUtf8Coder.of(), SumMinMax.coder());

  private final List<PCollection<KV<String, SumMinMax>>> parts = new ArrayList<>();
  private final List<KV<String, SumMinMax>> zeros = new ArrayList<>();

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

  /**
   * Adds the totals {@code names}, each the sum over {@code c} of the value {@code f} gives it (a
   * name {@code f} leaves out adds nothing for that element), in one step: several totals of one
   * collection cost one step, not one each.
   */
  <T> RunCounts sums(
      String step,
      PCollection<T> c,
      List<String> names,
      SerializableFunction<T, Map<String, Long>> f) {
    parts.add(
        c.apply(
                "Values_" + step,
                FlatMapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(SumMinMax.class)))
                    .via(
                        (T x) -> {
                          List<KV<String, SumMinMax>> out = new ArrayList<>();
                          f.apply(x)
                              .forEach(
                                  (name, v) -> out.add(KV.of(SUM + "|" + name, SumMinMax.of(v))));
                          return out;
                        }))
            .setCoder(CODER));
    for (String name : names) {
      zeros.add(KV.of(SUM + "|" + name, new SumMinMax()));
    }
    return this;
  }

  private <T> RunCounts add(
      String op, String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    String key = op + "|" + name;
    parts.add(
        c.apply(
                "Value_" + name,
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(SumMinMax.class)))
                    .via((T x) -> KV.of(key, SumMinMax.of(f.apply(x)))))
            .setCoder(CODER));
    if (op.equals(SUM)) {
      zeros.add(KV.of(key, new SumMinMax()));
    }
    return this;
  }

  /** All totals added so far. */
  PCollection<KV<String, Long>> all() {
    List<PCollection<KV<String, SumMinMax>>> all = new ArrayList<>(parts);
    all.add(parts.get(0).getPipeline().apply("Zeros", Create.of(zeros).withCoder(CODER)));
    return PCollectionList.of(all)
        .apply("AllValues", Flatten.pCollections())
        .apply("Combine", Combine.perKey(SumMinMax.combineFn()))
        .apply(
            "Pick",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(
                    (KV<String, SumMinMax> kv) -> {
                      String key = kv.getKey();
                      int bar = key.indexOf('|');
                      String op = key.substring(0, bar);
                      SumMinMax v = kv.getValue();
                      long value = op.equals(SUM) ? v.sum() : op.equals(MIN) ? v.min() : v.max();
                      return KV.of(key.substring(bar + 1), value);
                    }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }
}
