package org.flowbeam.io.sink;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * How one kind of FlowBeam output record becomes a row: its column names, the typed column values
 * of a record, and the Avro schema (a resource in this jar) whose fields are the same columns.
 *
 * <p>One definition feeds {@link CsvSink}, {@link AvroSink} and {@link ParquetSink}, so the CSV
 * header and the Avro and Parquet field names cannot drift apart: the constructor checks that the
 * schema's fields are exactly the columns, in order. Column values are {@link String}, {@link
 * Integer}, {@link Long} or {@link Boolean}, matching the Avro types {@code string}, {@code int},
 * {@code long}, {@code boolean}.
 *
 * <pre>{@code
 * RecordFormat<FlowRecord> f = RecordFormats.FLOWS;
 * List<Object> row = f.values(flow); // in f.columns() order
 * }</pre>
 *
 * @param <T> the record type
 */
public final class RecordFormat<T> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

  private final String name;
  private final List<String> columns;
  private final SerializableFunction<T, List<Object>> toValues;
  private final String avroSchemaResource;

  /**
   * Creates a format.
   *
   * @param name the output's name, used as directory and file prefix (e.g. {@code flows})
   * @param columns the column names, in order
   * @param toValues a record's column values, in the order of {@code columns}
   * @param avroSchemaResource class-path resource of the Avro schema (e.g. {@code /avro/flow.avsc})
   * @throws IllegalArgumentException if the schema's fields are not exactly {@code columns}
   */
  public RecordFormat(
      String name,
      List<String> columns,
      SerializableFunction<T, List<Object>> toValues,
      String avroSchemaResource) {
    this.name = name;
    this.columns = List.copyOf(columns);
    this.toValues = toValues;
    this.avroSchemaResource = avroSchemaResource;
    List<String> fields = new ArrayList<>();
    for (Schema.Field f : avroSchema().getFields()) {
      fields.add(f.name());
    }
    if (!fields.equals(this.columns)) {
      throw new IllegalArgumentException(
          avroSchemaResource + " has fields " + fields + " but the columns are " + this.columns);
    }
  }

  /** The output's name: its directory under the output directory and its file prefix. */
  public String name() {
    return name;
  }

  /** The column names, in order (the CSV header and the Avro field names). */
  public List<String> columns() {
    return columns;
  }

  /** The column values of {@code record}, in {@link #columns()} order. */
  public List<Object> values(T record) {
    List<Object> v = toValues.apply(record);
    if (v.size() != columns.size()) {
      throw new IllegalStateException(
          name + ": " + v.size() + " values for " + columns.size() + " columns");
    }
    return v;
  }

  /** {@code record} as a {@link GenericRecord} of {@link #avroSchema()}, its fields in order. */
  public GenericRecord avroRecord(T record) {
    List<Object> v = values(record);
    GenericData.Record r = new GenericData.Record(avroSchema());
    for (int i = 0; i < v.size(); i++) {
      r.put(i, v.get(i));
    }
    return r;
  }

  /** The class-path resource holding the Avro schema. */
  public String avroSchemaResource() {
    return avroSchemaResource;
  }

  /** The Avro schema, parsed once per JVM from {@link #avroSchemaResource()}. */
  public Schema avroSchema() {
    return SCHEMAS.computeIfAbsent(avroSchemaResource, RecordFormat::loadSchema);
  }

  /** Parses the Avro schema held in class-path resource {@code resource}. */
  public static Schema loadSchema(String resource) {
    try (InputStream in = RecordFormat.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no Avro schema resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Avro schema " + resource, e);
    }
  }

  /** A {@link CsvSink} writing this format. */
  public CsvSink<T> csvSink() {
    return new CsvSink<>(this);
  }

  /** An {@link AvroSink} writing this format (deflate codec). */
  public AvroSink<T> avroSink() {
    return new AvroSink<>(this);
  }

  /** A {@link ParquetSink} writing this format (Snappy). */
  public ParquetSink<T> parquetSink() {
    return new ParquetSink<>(this);
  }
}
