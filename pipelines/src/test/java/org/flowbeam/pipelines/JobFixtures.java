package org.flowbeam.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.Packet;

/** Writes job inputs and runs {@link FlowBeamMain} in-process, capturing its output. */
final class JobFixtures {
  static final String HEADER =
      "timestamp,src_ip,dst_ip,src_port,dst_port,flags,seq_num,ack_num,length,protocol";

  private JobFixtures() {}

  /** What a run printed and returned. */
  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        FlowBeamMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** One TimeArcs packet CSV row. */
  static String row(Packet p) {
    return String.join(
        ",",
        Long.toString(p.timestampMicros()),
        p.srcIpText(),
        p.dstIpText(),
        Integer.toString(p.srcPort()),
        Integer.toString(p.dstPort()),
        Integer.toString(p.flags()),
        Long.toString(p.seq()),
        Long.toString(p.ack()),
        Integer.toString(p.length()),
        Integer.toString(p.protocol()));
  }

  static Path writeCsv(Path file, List<Packet> packets, String... extraRows) {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    packets.forEach(p -> lines.add(row(p)));
    lines.addAll(List.of(extraRows));
    try {
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The data a {@code report.html} embeds, as the page's script reads it. */
  static JsonNode reportData(Path reportHtml) {
    try {
      String html = Files.readString(reportHtml);
      String open = "<script type=\"application/json\" id=\"report-data\">";
      int start = html.indexOf(open) + open.length();
      return new ObjectMapper().readTree(html.substring(start, html.indexOf("</script>", start)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> counts(Path outputDir) {
    return (Map<String, Object>) manifest(outputDir).get("counts");
  }

  static Map<String, Object> manifest(Path outputDir) {
    try {
      return ManifestWriter.parse(Files.readString(outputDir.resolve("manifest.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data rows of every CSV shard under {@code dir/name}, sorted; the header checked equal. */
  static List<String> csvRows(Path outputDir, String name) {
    Path dir = outputDir.resolve(name);
    List<String> rows = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return rows;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        rows.addAll(lines.subList(1, lines.size()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.sort(null);
    return rows;
  }

  /** The data rows of every CSV file under {@code dir}, at any depth (Hive partitions), sorted. */
  static List<String> csvRowsUnder(Path dir) {
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        rows.addAll(lines.subList(1, lines.size()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.sort(null);
    return rows;
  }

  static long number(Map<String, Object> map, String key) {
    return ((Number) map.get(key)).longValue();
  }

  /**
   * The rows {@code sql} returns in an in-memory DuckDB, each value as its text ({@code "null"} for
   * SQL NULL).
   */
  static List<List<String>> duckDb(String sql) {
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
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
    return rows;
  }
}
