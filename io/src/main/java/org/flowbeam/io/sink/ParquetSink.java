package org.flowbeam.io.sink;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * A {@link FileIO.Sink} writing records as a Parquet file: each record becomes a {@code
 * GenericRecord} of its {@link RecordFormat}'s Avro schema, which Beam's {@code ParquetIO.sink}
 * (parquet-avro) writes, Snappy-compressed. The Parquet columns are the CSV columns, with the Avro
 * types ({@code string}, {@code int}, {@code long}, {@code boolean}), so DuckDB, Spark or pandas
 * read them typed:
 *
 * <pre>{@code
 * flows.apply(FileIO.<FlowRecord>write().via(RecordFormats.FLOWS.parquetSink())
 *     .to(dir).withPrefix("flows").withSuffix(".parquet").withNumShards(4));
 * }</pre>
 *
 * <p>A Parquet writer holds a row group in memory until it is full; {@link #ROW_GROUP_BYTES} keeps
 * that at 32 MiB per open file rather than parquet-mr's 128 MiB, since a job writes several outputs
 * (and with partitions, several files per output) at once.
 *
 * @param <T> the record type
 */
public final class ParquetSink<T> implements FileIO.Sink<T> {
  private static final long serialVersionUID = 1L;

  /** The row-group size written, bytes. */
  public static final int ROW_GROUP_BYTES = 32 << 20;

  /** The compression of every column chunk. */
  public static final CompressionCodecName CODEC = CompressionCodecName.SNAPPY;

  private final RecordFormat<T> format;
  private final ParquetIO.Sink parquet;

  ParquetSink(RecordFormat<T> format) {
    this.format = format;
    this.parquet =
        ParquetIO.sink(format.avroSchema())
            .withCompressionCodec(CODEC)
            .withRowGroupSize(ROW_GROUP_BYTES);
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    parquet.open(channel);
  }

  @Override
  public void write(T element) throws IOException {
    parquet.write(format.avroRecord(element));
  }

  @Override
  public void flush() throws IOException {
    // ParquetIO's flush closes its writer, which writes the footer; FileIO closes the channel.
    parquet.flush();
  }
}
