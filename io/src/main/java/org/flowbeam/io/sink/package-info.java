/**
 * FlowBeam's own sharded outputs: {@link org.apache.beam.sdk.io.FileIO.Sink}s writing CSV (Apache
 * Commons CSV, a header row in every shard) and Avro (deflate, schemas shipped in the jar under
 * {@code avro/}), and the row layout of each output in {@link org.flowbeam.io.sink.RecordFormats}.
 *
 * <p>The sinks are used through {@link org.flowbeam.io.FlowSinks}, which writes each output in both
 * formats with {@code FileIO.write()}. Shards are named as FileIO names them, {@code
 * prefix-SSSSS-of-NNNNN.suffix}; rows within a shard are in the order the runner delivered them,
 * which is not specified.
 */
package org.flowbeam.io.sink;
