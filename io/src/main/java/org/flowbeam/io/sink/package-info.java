/**
 * FlowBeam's own sharded outputs: {@link org.apache.beam.sdk.io.FileIO.Sink}s writing CSV (Apache
 * Commons CSV, a header row in every shard), Avro (deflate, schemas shipped in the jar under {@code
 * avro/}) and Parquet (Beam's {@code ParquetIO.sink} on the same Avro schemas, Snappy), the row
 * layout of each output in {@link org.flowbeam.io.sink.RecordFormats}, and the Hive-style partition
 * paths of the recurring job in {@link org.flowbeam.io.sink.HivePartitions}.
 *
 * <p>The sinks are used through {@link org.flowbeam.io.FlowSinks}, which writes each output in the
 * {@link org.flowbeam.io.sink.FileFormat}s asked for with {@code FileIO.write()}, or {@code
 * FileIO.writeDynamic()} into partitions. Shards are named as FileIO names them, {@code
 * prefix-SSSSS-of-NNNNN.suffix}; rows within a shard are in the order the runner delivered them,
 * which is not specified.
 */
package org.flowbeam.io.sink;
