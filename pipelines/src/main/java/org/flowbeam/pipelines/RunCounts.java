package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.Min;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Collects the named totals of a run (records read, packets, rejected, flows, ...) as one
 * collection of {@code KV<name, value>}, each total computed from the data itself by a combiner.
 */
final class RunCounts {
  private final List<PCollection<KV<String, Long>>> parts = new ArrayList<>();

  /** Adds {@code name} = the number of elements of {@code c}. */
  <T> RunCounts count(String name, PCollection<T> c) {
    return add(name, c.apply("Count_" + name, Count.globally()));
  }

  /** Adds {@code name} = the sum of {@code f} over {@code c}. */
  <T> RunCounts sum(String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    return add(
        name,
        c.apply("Value_" + name, MapElements.into(TypeDescriptors.longs()).via(f))
            .apply("Sum_" + name, Sum.longsGlobally()));
  }

  /** Adds {@code name} = the minimum of {@code f} over {@code c} (absent if {@code c} is empty). */
  <T> RunCounts min(String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    return add(
        name,
        c.apply("Value_" + name, MapElements.into(TypeDescriptors.longs()).via(f))
            .apply("Min_" + name, Combine.globally(Min.ofLongs()).withoutDefaults()));
  }

  /** Adds {@code name} = the maximum of {@code f} over {@code c} (absent if {@code c} is empty). */
  <T> RunCounts max(String name, PCollection<T> c, SerializableFunction<T, Long> f) {
    return add(
        name,
        c.apply("Value_" + name, MapElements.into(TypeDescriptors.longs()).via(f))
            .apply("Max_" + name, Combine.globally(Max.ofLongs()).withoutDefaults()));
  }

  private RunCounts add(String name, PCollection<Long> value) {
    parts.add(
        value
            .apply("Name_" + name, MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via((Long v) -> KV.of(name, v)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
    return this;
  }

  /** All totals added so far. */
  PCollection<KV<String, Long>> all() {
    return PCollectionList.of(parts).apply("AllCounts", Flatten.pCollections());
  }
}
