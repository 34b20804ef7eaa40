package org.flowbeam.io.sink;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;

/**
 * A {@link FileIO.Sink} writing records as an Avro container file of {@link GenericRecord}s, with
 * the schema of their {@link RecordFormat} (shipped in this jar) and the deflate codec.
 *
 * <p>Avro files normally carry a random 16-byte sync marker, so two runs over the same rows give
 * different bytes. This sink derives the marker from the schema (its MD5), so the same rows in the
 * same order give byte-identical files.
 *
 * <pre>{@code
 * flows.apply(FileIO.<FlowRecord>write().via(RecordFormats.FLOWS.avroSink())
 *     .to(dir).withPrefix("flows").withSuffix(".avro").withNumShards(4));
 * }</pre>
 *
 * @param <T> the record type
 */
public final class AvroSink<T> implements FileIO.Sink<T> {
  private static final long serialVersionUID = 1L;

  /** The deflate level written (zlib's default trade-off between size and speed). */
  public static final int DEFLATE_LEVEL = 6;

  private final RecordFormat<T> format;
  private transient Schema schema;
  private transient DataFileWriter<GenericRecord> writer;

  AvroSink(RecordFormat<T> format) {
    this.format = format;
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    schema = format.avroSchema();
    writer = new DataFileWriter<GenericRecord>(new GenericDatumWriter<>(schema));
    writer.setCodec(CodecFactory.deflateCodec(DEFLATE_LEVEL));
    writer.create(schema, Channels.newOutputStream(channel), syncMarker(schema));
  }

  @Override
  public void write(T element) throws IOException {
    writer.append(format.avroRecord(element));
  }

  @Override
  public void flush() throws IOException {
    // Writes the last block and flushes; FileIO closes the channel.
    writer.flush();
  }

  private static byte[] syncMarker(Schema schema) {
    try {
      return MessageDigest.getInstance("MD5")
          .digest(schema.toString().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is a required JDK algorithm", e);
    }
  }
}
