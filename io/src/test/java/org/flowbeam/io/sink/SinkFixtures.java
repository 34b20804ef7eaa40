package org.flowbeam.io.sink;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.FlowTunnel;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.Tunnel;
import org.flowbeam.model.TunnelType;

/** Records to write and readers that read the written files back, for the sink tests. */
final class SinkFixtures {
  private SinkFixtures() {}

  /**
   * {@code n} distinct flows covering every state, invalid reason and close reason; the even ones
   * over IPv4, the odd ones over IPv6.
   */
  static List<FlowRecord> flows(int n) {
    List<FlowRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FlowState state = FlowState.values()[i % FlowState.values().length];
      InvalidReason invalid =
          state == FlowState.INVALID
              ? InvalidReason.values()[1 + i % (InvalidReason.values().length - 1)]
              : InvalidReason.NONE;
      out.add(
          new FlowRecord(
              "flow-" + i,
              i % 2 == 0 ? "10.0.0." + (i % 250) : "2001:db8::a:" + Integer.toHexString(i),
              40000 + i,
              i % 2 == 0 ? "192.168.1.1" : "2001:db8::1",
              443,
              6,
              1_700_000_000_000_000L + i * 1000L,
              1_700_000_000_000_000L + i * 1000L + 77 * i,
              3 + i,
              2 + i,
              (3 + i) * 60L,
              (2 + i) * 1500L,
              new FlagCounts(1, 2, i % 2, 3, 4 + i, 0, 0, 1),
              i % 3 != 0,
              state,
              invalid,
              CloseReason.values()[i % CloseReason.values().length],
              ConnSummary.UNKNOWN,
              i % 3 == 2
                  ? new FlowTunnel(
                      Tunnel.of(TunnelType.GTP_U, "172.16.0." + (i % 250), "172.16.1.1"), i / 3)
                  : FlowTunnel.NONE,
              List.of()));
    }
    return out;
  }

  /** The expected CSV text of each value (what Commons CSV reads back). */
  static List<String> asText(List<Object> values) {
    return values.stream().map(String::valueOf).collect(Collectors.toList());
  }

  /** The files of {@code dir} whose names end with {@code suffix}, sorted by name. */
  static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** A CSV file's header. */
  static List<String> csvHeader(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p = CSVFormat.DEFAULT.builder().setHeader().build().parse(r)) {
      return p.getHeaderNames();
    }
  }

  /** A CSV file's rows after the header. */
  static List<List<String>> csvRows(Path file) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p =
            CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
      for (CSVRecord rec : p) {
        rows.add(rec.toList());
      }
    }
    return rows;
  }

  /** An Avro file's records, as the text of each field, read with the schema from the jar. */
  static List<List<String>> avroRows(Path file, String schemaResource) throws IOException {
    Schema schema = RecordFormat.loadSchema(schemaResource);
    List<List<String>> rows = new ArrayList<>();
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(file.toFile(), new GenericDatumReader<>(schema))) {
      for (GenericRecord rec : reader) {
        List<String> row = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
          row.add(String.valueOf(rec.get(f.name())));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The codec an Avro file was written with. */
  static String avroCodec(Path file) throws IOException {
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      return reader.getMetaString("avro.codec");
    }
  }

  /**
   * The rows {@code sql} returns in an in-memory DuckDB, each column as the text of its value
   * ({@code null} as the text {@code "null"}): how users query the Parquet output.
   */
  static List<List<String>> duckDb(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(String.valueOf(rs.getString(i)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The Parquet rows of every {@code .parquet} file under {@code dir}, every column as text. */
  static List<List<String>> parquetRows(Path dir, List<String> columns) throws SQLException {
    StringBuilder select = new StringBuilder();
    for (String c : columns) {
      select
          .append(select.length() == 0 ? "" : ", ")
          .append("CAST(\"")
          .append(c)
          .append("\" AS VARCHAR)");
    }
    return duckDb("SELECT " + select + " FROM read_parquet('" + dir + "/*.parquet')");
  }
}
