package org.flowbeam.pipelines.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.FileFormat;

/**
 * Reads back the rows of one of FlowBeam's sharded outputs ({@code flows}, {@code ip_stats}, ...)
 * from an output directory, in whichever format the run wrote: Avro if there is any (typed, no
 * parsing), else CSV. Shards are read one after the other, also under Hive partitions ({@code
 * flows/date=…/hour=…/}), so memory does not depend on the output's size.
 *
 * <pre>{@code
 * OutputRows.forEach(dir, "flows", row -> total += row.longValue("packets"));
 * }</pre>
 */
public final class OutputRows {
  private OutputRows() {}

  /** One row of an output, its columns by name ({@code RecordFormats}' column names). */
  public interface Row {
    /** The column's text; empty for an empty or absent value. */
    String string(String column);

    /** The column as a number; 0 for an empty or absent value. */
    long longValue(String column);
  }

  /** The formats the report can read back, in the order it prefers them. */
  static final List<FileFormat> READABLE = List.of(FileFormat.AVRO, FileFormat.CSV);

  /**
   * The format {@code output}'s shards under {@code dir} are read in, or null if it has no shard in
   * a readable format (an output that received no record writes no shard).
   */
  static FileFormat formatOf(Location dir, String output) throws IOException {
    for (FileFormat f : READABLE) {
      if (!shards(dir, output, f).isEmpty()) {
        return f;
      }
    }
    return null;
  }

  /**
   * Whether {@code output} under {@code dir} has shards, but only in formats the report does not
   * read (a run with {@code --formats=parquet}).
   */
  static boolean onlyUnreadable(Location dir, String output) throws IOException {
    return formatOf(dir, output) == null && !shards(dir, output, FileFormat.PARQUET).isEmpty();
  }

  /** Gives every row of {@code output} under {@code dir} to {@code sink}; none if it has none. */
  public static void forEach(Path dir, String output, Consumer<Row> sink) throws IOException {
    forEach(dir, output, null, sink);
  }

  /** Gives every row of {@code output} under {@code dir}, local or on HDFS, to {@code sink}. */
  public static void forEach(Location dir, String output, Consumer<Row> sink) throws IOException {
    forEach(dir, output, null, sink);
  }

  /**
   * Gives every row of {@code output} under {@code dir} to {@code sink}, with at least the columns
   * {@code columns} (all if null): Avro decodes only those, which makes reading the flows several
   * times faster.
   */
  public static void forEach(Path dir, String output, Set<String> columns, Consumer<Row> sink)
      throws IOException {
    forEach(Location.local(dir), output, columns, sink);
  }

  /** Gives every row as {@link #forEach(Path, String, Set, Consumer)} does, local or on HDFS. */
  public static void forEach(Location dir, String output, Set<String> columns, Consumer<Row> sink)
      throws IOException {
    FileFormat format = formatOf(dir, output);
    if (format == null) {
      return;
    }
    for (Location shard : shards(dir, output, format)) {
      if (format == FileFormat.AVRO) {
        readAvro(shard, columns, sink);
      } else {
        readCsv(shard, sink);
      }
    }
  }

  /** The shards of {@code output} in {@code format}, sorted by path. */
  static List<Location> shards(Location dir, String output, FileFormat format) throws IOException {
    Location root = dir.resolve(output);
    List<Location> shards = new ArrayList<>();
    for (String rel : root.filesUnder()) {
      if (visible(rel) && rel.endsWith(format.suffix())) {
        Location shard = root;
        for (String part : rel.split("/")) {
          shard = shard.resolve(part);
        }
        shards.add(shard);
      }
    }
    return shards;
  }

  /** Whether no part of {@code rel} begins with {@code .} or {@code _} (temporary, bookkeeping). */
  private static boolean visible(String rel) {
    for (String part : rel.split("/")) {
      if (part.startsWith(".") || part.startsWith("_")) {
        return false;
      }
    }
    return true;
  }

  private static void readAvro(Location shard, Set<String> columns, Consumer<Row> sink)
      throws IOException {
    GenericDatumReader<GenericRecord> datumReader = new GenericDatumReader<>();
    try (InputStream in = shard.open();
        DataFileStream<GenericRecord> reader = new DataFileStream<>(in, datumReader)) {
      if (columns != null) {
        datumReader.setExpected(projection(reader.getSchema(), columns));
      }
      GenericRecord record = null;
      while (reader.hasNext()) {
        record = reader.next(record);
        sink.accept(new AvroRow(record));
      }
    }
  }

  /** {@code schema} with only the fields named in {@code columns}. */
  static Schema projection(Schema schema, Set<String> columns) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      if (columns.contains(f.name())) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), schema.isError(), fields);
  }

  private static void readCsv(Location shard, Consumer<Row> sink) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(shard.open(), StandardCharsets.UTF_8));
        CSVParser parser = CSVParser.parse(in, format)) {
      Map<String, Integer> header = parser.getHeaderMap();
      for (CSVRecord record : parser) {
        sink.accept(new CsvRow(record, header));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private record AvroRow(GenericRecord record) implements Row {
    @Override
    public String string(String column) {
      Object v = record.hasField(column) ? record.get(column) : null;
      return v == null ? "" : v.toString();
    }

    @Override
    public long longValue(String column) {
      Object v = record.hasField(column) ? record.get(column) : null;
      if (v instanceof Number n) {
        return n.longValue();
      }
      return v == null ? 0 : parseLong(v.toString(), column);
    }
  }

  private record CsvRow(CSVRecord record, Map<String, Integer> header) implements Row {
    @Override
    public String string(String column) {
      Integer i = header.get(column);
      return i == null || i >= record.size() ? "" : record.get(i);
    }

    @Override
    public long longValue(String column) {
      return parseLong(string(column), column);
    }
  }

  private static long parseLong(String s, String column) {
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("column " + column + " holds '" + s + "', not a number", e);
    }
  }
}
