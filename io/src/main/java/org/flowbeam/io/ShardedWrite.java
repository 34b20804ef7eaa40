package org.flowbeam.io;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.sink.HivePartitions;

/**
 * One {@code FileIO} write of FlowBeam's outputs: shards named {@code
 * <prefix>-SSSSS-of-NNNNN<suffix>} in one directory, or, with a partition function, {@code
 * FileIO.writeDynamic()} into {@code <partition>/<prefix>-SSSSS-of-NNNNN<suffix>} (Hive {@code
 * key=value} directories, checked by {@link HivePartitions#checkPartition}). The flows, statistics
 * and conn.log writes all go through it, so their files are named and sharded alike.
 *
 * <pre>{@code
 * PCollection<String> names = ShardedWrite.apply(flows, "WriteCsv", sink, dir + "/flows",
 *     "flows", ".csv", dir + "/flows/.temp-beam-csv", 4, null);
 * }</pre>
 */
final class ShardedWrite {
  private ShardedWrite() {}

  /**
   * Applies the write as step {@code step}; the output is the names of the files written.
   *
   * @param numShards shards per directory; 0 lets the runner choose
   * @param partitioning the partition of each record, or null to write into {@code directory}
   */
  static <T> PCollection<String> apply(
      PCollection<T> input,
      String step,
      FileIO.Sink<T> sink,
      String directory,
      String prefix,
      String suffix,
      String tempDirectory,
      int numShards,
      @Nullable SerializableFunction<T, String> partitioning) {
    if (partitioning == null) {
      return applied(
          input,
          step,
          FileIO.<T>write()
              .via(sink)
              .to(directory)
              .withPrefix(prefix)
              .withSuffix(suffix)
              .withTempDirectory(tempDirectory),
          numShards);
    }
    return applied(
        input,
        step,
        FileIO.<String, T>writeDynamic()
            .by(record -> HivePartitions.checkPartition(partitioning.apply(record)))
            .withDestinationCoder(StringUtf8Coder.of())
            .via(sink)
            .to(directory)
            .withNaming(
                partition ->
                    FileIO.Write.defaultNaming(
                        HivePartitions.checkPartition(partition) + "/" + prefix, suffix))
            .withTempDirectory(tempDirectory),
        numShards);
  }

  private static <D, T> PCollection<String> applied(
      PCollection<T> input, String step, FileIO.Write<D, T> write, int numShards) {
    FileIO.Write<D, T> sharded = numShards > 0 ? write.withNumShards(numShards) : write;
    return input
        .apply(step, sharded)
        .getPerDestinationOutputFilenames()
        .apply(step + "Names", Values.create());
  }
}
