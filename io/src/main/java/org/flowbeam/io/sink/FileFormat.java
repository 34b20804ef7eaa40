package org.flowbeam.io.sink;

import java.util.Locale;
import org.apache.beam.sdk.io.FileIO;

/**
 * The file formats FlowBeam writes its sharded outputs in, each with its file-name suffix and its
 * {@link FileIO.Sink}. Every format writes the same rows: the columns of the output's {@link
 * RecordFormat}.
 *
 * <pre>{@code
 * FileIO.Sink<FlowRecord> sink = FileFormat.PARQUET.sink(RecordFormats.FLOWS); // ".parquet"
 * }</pre>
 */
public enum FileFormat {
  /** CSV with a header row in every shard ({@link CsvSink}). */
  CSV(".csv"),
  /** Avro container files, deflate ({@link AvroSink}). */
  AVRO(".avro"),
  /** Parquet, Snappy-compressed, written by Beam's {@code ParquetIO.sink} ({@link ParquetSink}). */
  PARQUET(".parquet");

  private final String suffix;

  FileFormat(String suffix) {
    this.suffix = suffix;
  }

  /** The file-name suffix, with its dot: {@code .csv}, {@code .avro}, {@code .parquet}. */
  public String suffix() {
    return suffix;
  }

  /** The lower-case name: {@code csv}, {@code avro}, {@code parquet}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A sink writing records of {@code format} in this file format. */
  public <T> FileIO.Sink<T> sink(RecordFormat<T> format) {
    switch (this) {
      case CSV:
        return format.csvSink();
      case AVRO:
        return format.avroSink();
      case PARQUET:
        return format.parquetSink();
      default:
        throw new AssertionError(this);
    }
  }
}
