package org.flowbeam.io.zeek;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.Digests;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;

/**
 * A flow as a row of Zeek's {@code conn.log}: the fields, their Zeek types, and how each is written
 * in Zeek's tab-separated ASCII log ({@code LogAscii}) and in its JSON lines ({@code
 * LogAscii::use_json}). Pure functions; {@link ConnLogSink} writes the files. Field by field, what
 * FlowBeam derives and what it leaves unset is in {@code src/docs/zeek.md}.
 *
 * <pre>{@code
 * List<Object> row = ZeekConnLog.values(flow, CommunityId.DEFAULT); // null = unset
 * String line = ZeekConnLog.tsvRow(row);
 * }</pre>
 */
public final class ZeekConnLog {
  /** The field names, in order: Zeek's conn.log columns (with {@code community_id} last). */
  public static final List<String> FIELDS =
      List.of(
          "ts",
          "uid",
          "id.orig_h",
          "id.orig_p",
          "id.resp_h",
          "id.resp_p",
          "proto",
          "service",
          "duration",
          "orig_bytes",
          "resp_bytes",
          "conn_state",
          "local_orig",
          "local_resp",
          "missed_bytes",
          "history",
          "orig_pkts",
          "orig_ip_bytes",
          "resp_pkts",
          "resp_ip_bytes",
          "community_id");

  /** Zeek's type of each field of {@link #FIELDS}. */
  public static final List<String> TYPES =
      List.of(
          "time",
          "string",
          "addr",
          "port",
          "addr",
          "port",
          "enum",
          "string",
          "interval",
          "count",
          "count",
          "string",
          "bool",
          "bool",
          "count",
          "string",
          "count",
          "count",
          "count",
          "count",
          "string");

  /** Zeek's default separators and placeholders, as its ASCII writer declares them. */
  public static final String SEPARATOR = "\t";

  public static final String SET_SEPARATOR = ",";
  public static final String EMPTY_FIELD = "(empty)";
  public static final String UNSET_FIELD = "-";

  /** The time format of {@code #open} and {@code #close} (Zeek's, here in UTC). */
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  /** Base-62 digits of a 96-bit number. */
  private static final int UID_DIGITS = 17;

  private ZeekConnLog() {}

  /**
   * The field values of {@code flow}, in {@link #FIELDS} order; null where the field is unset. A
   * {@code time} or {@code interval} is a {@link Double} of seconds (as Zeek holds it), a {@code
   * count} or {@code port} a {@link Long}, the others {@link String}s.
   */
  public static List<Object> values(FlowRecord flow, CommunityId communityId) {
    ConnSummary c = flow.conn();
    double start = seconds(flow.startUs());
    long activeEnd = c.activeEndUs() == Long.MIN_VALUE ? flow.endUs() : c.activeEndUs();
    // Zeek's duration is last_time - start_time in double seconds; it and the payload sizes are
    // logged only when it is above 0.
    double duration = seconds(activeEnd) - start;
    boolean lasted = duration > 0;
    boolean tcp = flow.protocol() == IpProtocol.TCP;
    Object[] v = new Object[FIELDS.size()];
    v[0] = start;
    v[1] = uid(flow.flowId());
    v[2] = flow.initiatorIp();
    v[3] = (long) flow.initiatorPort();
    v[4] = flow.responderIp();
    v[5] = (long) flow.responderPort();
    v[6] = proto(flow.protocol());
    v[7] = null; // service: FlowBeam detects no application protocol
    v[8] = lasted ? duration : null;
    v[9] = lasted ? count(c.origBytes()) : null;
    v[10] = lasted ? count(c.respBytes()) : null;
    v[11] = c.state().name();
    v[12] = null; // local_orig: unset, as Zeek without Site::local_nets
    v[13] = null; // local_resp
    v[14] = tcp ? null : 0L; // missed_bytes: FlowBeam does not look for TCP content gaps
    v[15] = c.history().isEmpty() ? null : c.history();
    v[16] = flow.packetsFwd();
    v[17] = count(c.origIpBytes());
    v[18] = flow.packetsRev();
    v[19] = count(c.respIpBytes());
    v[20] = communityId.of(flow);
    return Arrays.asList(v);
  }

  /** Zeek's seconds of a time in µs, computed as Zeek does from a pcap's seconds and µs. */
  static double seconds(long us) {
    return Math.floorDiv(us, 1_000_000L) + Math.floorMod(us, 1_000_000L) / 1e6;
  }

  private static Long count(long v) {
    return v < 0 ? null : v;
  }

  /** Zeek's {@code transport_proto} name: ICMPv6 is {@code icmp} as well. */
  static String proto(int protocol) {
    switch (protocol) {
      case IpProtocol.TCP:
        return "tcp";
      case IpProtocol.UDP:
        return "udp";
      case IpProtocol.ICMP:
      case IpProtocol.ICMPV6:
        return "icmp";
      default:
        return "unknown_transport";
    }
  }

  /**
   * The flow's Zeek-style uid: {@code C} and 17 base-62 digits of 96 bits of SHA-256 of the flow
   * id, so the same flow has the same uid on every run and runner (Zeek's own are random).
   */
  public static String uid(String flowId) {
    byte[] h = Digests.sha256(flowId.getBytes(StandardCharsets.UTF_8));
    BigInteger n = new BigInteger(1, Arrays.copyOf(h, 12));
    char[] out = new char[UID_DIGITS];
    BigInteger base = BigInteger.valueOf(62);
    for (int i = UID_DIGITS - 1; i >= 0; i--) {
      BigInteger[] qr = n.divideAndRemainder(base);
      out[i] = BASE62[qr[1].intValue()];
      n = qr[0];
    }
    return "C" + new String(out);
  }

  /** The header lines of a conn.log opened at {@code open}, each ending in a newline. */
  public static String tsvHeader(Instant open) {
    StringBuilder b = new StringBuilder();
    b.append("#separator \\x09\n");
    b.append("#set_separator").append(SEPARATOR).append(SET_SEPARATOR).append('\n');
    b.append("#empty_field").append(SEPARATOR).append(EMPTY_FIELD).append('\n');
    b.append("#unset_field").append(SEPARATOR).append(UNSET_FIELD).append('\n');
    b.append("#path").append(SEPARATOR).append("conn").append('\n');
    b.append("#open").append(SEPARATOR).append(LOG_TIME.format(open)).append('\n');
    b.append("#fields").append(SEPARATOR).append(String.join(SEPARATOR, FIELDS)).append('\n');
    b.append("#types").append(SEPARATOR).append(String.join(SEPARATOR, TYPES)).append('\n');
    return b.toString();
  }

  /** The last line of a conn.log closed at {@code close}. */
  public static String tsvClose(Instant close) {
    return "#close" + SEPARATOR + LOG_TIME.format(close) + "\n";
  }

  /** One row of values ({@link #values}) as a TSV line, with its newline. */
  public static String tsvRow(List<Object> values) {
    List<String> cells = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      cells.add(tsvValue(TYPES.get(i), values.get(i)));
    }
    return String.join(SEPARATOR, cells) + "\n";
  }

  private static String tsvValue(String type, Object v) {
    if (v == null) {
      return UNSET_FIELD;
    }
    switch (type) {
      case "time":
      case "interval":
        // Zeek writes times and intervals with 6 decimals.
        return String.format(Locale.ROOT, "%.6f", (Double) v);
      case "bool":
        return ((Boolean) v) ? "T" : "F";
      case "string":
        return escape((String) v);
      default:
        return v.toString();
    }
  }

  /**
   * A string field as Zeek's ASCII writer escapes it: empty is {@code (empty)}; a value equal to
   * the unset placeholder {@code -} has its first byte escaped; the separator, backslash and
   * control characters become {@code \xNN}, so a field never holds a tab or a line end.
   */
  public static String escape(String s) {
    if (s.isEmpty()) {
      return EMPTY_FIELD;
    }
    if (s.equals(UNSET_FIELD)) {
      return "\\x2d";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\t' || c == '\\' || c < 0x20 || c == 0x7f) {
        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        // Other text, non-ASCII included, is written as UTF-8, as Zeek writes valid UTF-8.
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * One row of values as Zeek's JSON writer writes it: the fields in order, unset ones left out,
   * times and intervals as numbers of seconds, counts and ports as integers.
   */
  public static void jsonRow(List<Object> values, JsonGenerator g) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i);
      if (v == null) {
        continue;
      }
      g.writeFieldName(FIELDS.get(i));
      if (v instanceof Double d) {
        g.writeNumber(jsonDouble(d));
      } else if (v instanceof Long l) {
        g.writeNumber(l);
      } else if (v instanceof Boolean b) {
        g.writeBoolean(b);
      } else {
        g.writeString((String) v);
      }
    }
    g.writeEndObject();
  }

  /** A double in plain notation that reads back as the same double ({@code 1591367999.305988}). */
  static String jsonDouble(double d) {
    String plain = new BigDecimal(Double.toString(d)).toPlainString();
    return plain.indexOf('.') < 0 ? plain + ".0" : plain;
  }
}
