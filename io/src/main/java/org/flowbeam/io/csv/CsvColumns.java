package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Where each packet field is in a CSV file's rows, worked out from its header line.
 *
 * <p>Columns are found by name (trimmed, case-insensitive, a UTF-8 byte order mark ignored), in any
 * order; other columns are ignored. Each field accepts its TimeArcs name and the tshark field
 * names:
 *
 * <table>
 *   <caption>Accepted column names</caption>
 *   <tr><th>field</th><th>TimeArcs</th><th>tshark</th></tr>
 *   <tr><td>timestamp (required)</td><td>{@code timestamp} (integer µs)</td>
 *       <td>{@code frame.time_epoch} (decimal seconds)</td></tr>
 *   <tr><td>source (required)</td><td>{@code src_ip}</td>
 *       <td>{@code ip.src}, {@code ipv6.src}</td></tr>
 *   <tr><td>destination (required)</td><td>{@code dst_ip}</td>
 *       <td>{@code ip.dst}, {@code ipv6.dst}</td></tr>
 *   <tr><td>ports</td><td>{@code src_port}, {@code dst_port}</td>
 *       <td>{@code tcp.srcport}, {@code tcp.dstport}, {@code udp.srcport}, {@code
 *       udp.dstport}</td></tr>
 *   <tr><td>flags</td><td>{@code flags}</td>
 *       <td>{@code tcp.flags} (hex {@code 0x0012} or decimal)</td></tr>
 *   <tr><td>sequence numbers</td><td>{@code seq_num}, {@code ack_num}</td>
 *       <td>{@code tcp.seq_raw}, {@code tcp.ack_raw}</td></tr>
 *   <tr><td>length (required)</td><td>{@code length}</td><td>{@code frame.len}</td></tr>
 *   <tr><td>protocol</td><td>{@code protocol}</td><td>{@code ip.proto}, {@code ipv6.nxt}</td></tr>
 *   <tr><td>ICMP type, code, identifier</td><td>{@code icmp_type}, {@code icmp_code}, {@code
 *       icmp_id}</td><td>{@code icmp.type}, {@code icmpv6.type}, {@code icmp.code}, {@code
 *       icmpv6.code}, {@code icmp.ident}, {@code icmpv6.echo.identifier}</td></tr>
 * </table>
 *
 * <p>A field may be found in several columns (tshark leaves {@code ip.src} empty and fills {@code
 * ipv6.src} for an IPv6 packet): a row takes the first non-empty one in the order above.
 */
final class CsvColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The packet fields a row can carry. */
  enum Field {
    TIMESTAMP("timestamp", true, "timestamp", "frame.time_epoch"),
    SRC("src_ip", true, "src_ip", "ip.src", "ipv6.src"),
    DST("dst_ip", true, "dst_ip", "ip.dst", "ipv6.dst"),
    SRC_PORT("src_port", false, "src_port", "tcp.srcport", "udp.srcport"),
    DST_PORT("dst_port", false, "dst_port", "tcp.dstport", "udp.dstport"),
    FLAGS("flags", false, "flags", "tcp.flags"),
    SEQ("seq_num", false, "seq_num", "tcp.seq_raw"),
    ACK("ack_num", false, "ack_num", "tcp.ack_raw"),
    LENGTH("length", true, "length", "frame.len"),
    PROTOCOL("protocol", false, "protocol", "ip.proto", "ipv6.nxt"),
    ICMP_TYPE("icmp_type", false, "icmp_type", "icmp.type", "icmpv6.type"),
    ICMP_CODE("icmp_code", false, "icmp_code", "icmp.code", "icmpv6.code"),
    ICMP_ID("icmp_id", false, "icmp_id", "icmp.ident", "icmpv6.echo.identifier");

    final String canonical;
    final boolean required;
    final List<String> names;

    Field(String canonical, boolean required, String... names) {
      this.canonical = canonical;
      this.required = required;
      this.names = List.of(names);
    }
  }

  /** The longest header line accepted, in bytes. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private static final Map<String, Field> BY_NAME = new LinkedHashMap<>();

  static {
    for (Field f : Field.values()) {
      for (String n : f.names) {
        BY_NAME.put(n, f);
      }
    }
  }

  /**
   * One column holding a field.
   *
   * @param index the column's position in a row
   * @param name the column's name as the header spells it (lower-cased), used in reasons
   * @param tshark true for a tshark field name: the value may be a list of occurrences ("1,6" for
   *     an ICMP error quoting a TCP header) of which the first counts; a {@code frame.time_epoch}
   *     is in seconds
   */
  record Column(int index, String name, boolean tshark) implements Serializable {}

  private final int width;
  private final EnumMap<Field, Column[]> columns;

  private CsvColumns(int width, EnumMap<Field, Column[]> columns) {
    this.width = width;
    this.columns = columns;
  }

  /**
   * The layout described by {@code headerLine} (without its line terminator).
   *
   * @throws PacketCsvFormatException if a required field has no column, a column name appears
   *     twice, or the line is not valid CSV
   */
  static CsvColumns fromHeader(String file, String headerLine) {
    String line = headerLine.startsWith("\uFEFF") ? headerLine.substring(1) : headerLine;
    List<String> names;
    try (CSVParser parser = CSVParser.parse(line, CSVFormat.DEFAULT)) {
      List<CSVRecord> records = parser.getRecords();
      names = new ArrayList<>();
      if (records.size() > 1) {
        throw new PacketCsvFormatException(file + ": the header line is not one CSV record");
      }
      if (records.size() == 1) {
        records.get(0).forEach(names::add);
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      throw new PacketCsvFormatException(
          file + ": unreadable header line: " + RejectedRowException.oneLine(e.getMessage()));
    }
    EnumMap<Field, List<Column>> found = new EnumMap<>(Field.class);
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).trim().toLowerCase(Locale.ROOT);
      Field f = BY_NAME.get(name);
      if (f == null) {
        continue;
      }
      if (seen.put(name, i) != null) {
        throw new PacketCsvFormatException(
            file + ": column '" + RejectedRowException.oneLine(name) + "' appears twice");
      }
      found
          .computeIfAbsent(f, k -> new ArrayList<>())
          .add(new Column(i, name, name.indexOf('.') >= 0));
    }
    List<String> missing = new ArrayList<>();
    EnumMap<Field, Column[]> columns = new EnumMap<>(Field.class);
    for (Field f : Field.values()) {
      List<Column> cs = new ArrayList<>(found.getOrDefault(f, List.of()));
      if (cs.isEmpty() && f.required) {
        missing.add(f.canonical);
      }
      // Alias priority, not header order, decides which non-empty column a row uses.
      cs.sort((a, b) -> Integer.compare(f.names.indexOf(a.name()), f.names.indexOf(b.name())));
      columns.put(f, cs.toArray(new Column[0]));
    }
    if (!missing.isEmpty()) {
      throw new PacketCsvFormatException(
          file
              + ": missing required column"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + " (header: "
              + abbreviate(line)
              + ")");
    }
    return new CsvColumns(names.size(), columns);
  }

  private static String abbreviate(String s) {
    return RejectedRowException.oneLine(s.length() <= 200 ? s : s.substring(0, 200) + "...");
  }

  /** The number of columns the header names; every row must have as many fields. */
  int width() {
    return width;
  }

  /** The columns holding {@code f}, in the order a row looks at them (may be empty). */
  Column[] get(Field f) {
    return columns.get(f);
  }

  /** True if some column holds {@code f}. */
  boolean has(Field f) {
    return columns.get(f).length > 0;
  }
}
