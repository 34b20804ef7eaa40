package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.csv.CsvColumns.Column;
import org.flowbeam.io.csv.CsvColumns.Field;
import org.flowbeam.model.IcmpMessages;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;

/**
 * Turns one CSV row (a single line, without its terminator) into a {@link Packet}, or says why it
 * cannot.
 *
 * <p>Rules, beyond the column names that {@link CsvColumns} resolves:
 *
 * <ul>
 *   <li>Fields are split as {@link CSVFormat#DEFAULT} does (quoted fields allowed). A row is one
 *       line: a quoted field holding a line break is not supported, and shows up as an unterminated
 *       quote. A row must have exactly as many fields as the header.
 *   <li>{@code timestamp} is integer microseconds (negative allowed); {@code frame.time_epoch} is
 *       decimal seconds, converted exactly and rounded down to the microsecond. The millisecond
 *       event time must lie within Beam's timestamp range (the global window).
 *   <li>A row whose source and destination address fields are both empty (all their columns) is a
 *       frame without an IP packet, as tshark exports a frame it could not decode as IP: it is
 *       counted as a non-IP frame of type {@value #NO_ADDRESS_TYPE} (as a capture's ARP or LLDP
 *       frames are), not rejected, if its timestamp is valid; its other fields are not read. A row
 *       with one address field empty is rejected.
 *   <li>An address is an IPv4/IPv6 literal, or an id of digits only, looked up in the {@link
 *       IpMap}. An id without entry is rejected ("unmapped address id N"): FlowBeam keys flows by
 *       address bytes and cannot keep an id "as its number" without inventing an address. Source
 *       and destination must be of one family.
 *   <li>Ports (0–65535), flags (decimal or {@code 0x} hex), {@code seq_num} and {@code ack_num}
 *       (0–2³²−1) are 0 when their column is absent or the field empty, as tshark leaves TCP fields
 *       empty for other protocols. Flags are the twelve TCP flag bits, 0–4095 ({@link
 *       TcpFlags#ALL}) in any flags column, as tshark's {@code tcp.flags} exports them: {@code
 *       0x110} is AE+ACK.
 *   <li>{@code length} is required, 0 to {@link Integer#MAX_VALUE}.
 *   <li>An ICMP or ICMPv6 row whose ICMP type field is filled gets FlowBeam's ICMP ports: its type
 *       as the source port, the counterpart type or its code ({@code icmp_code}, 0 if empty) as the
 *       destination port, and its identifier ({@code icmp_id}) in the upper half of seq (see {@link
 *       Packet}). Without a type (the TimeArcs export has none; tshark's puts the quoted packet's
 *       ports in an error's port fields) the row's ports are kept as they are.
 *   <li>{@code protocol}: without a protocol column every row is TCP (6), as the TimeArcs export is
 *       TCP only. With the column, an empty field (tshark's {@code ip.proto} for an IPv6 packet) is
 *       ICMP (ICMPv6 for {@code icmpv6.type} or an IPv6 row's {@code icmp_type}) if an ICMP type is
 *       filled, UDP if a port came from a {@code udp.} column, TCP if the row has any other TCP
 *       field (port, flags, seq, ack) filled, and otherwise {@link #UNKNOWN_PROTOCOL}.
 * </ul>
 */
final class PacketCsvRowParser implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The non-IP frame type of a row without addresses, in the manifest's counts by type. */
  static final String NO_ADDRESS_TYPE = "CSV_ROW_WITHOUT_ADDRESSES";

  /** The protocol of a row whose protocol field is empty and that has no TCP field: IANA's 255. */
  static final int UNKNOWN_PROTOCOL = 255;

  private static final long MIN_EVENT_MILLIS = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
  private static final long MAX_EVENT_MILLIS = GlobalWindow.INSTANCE.maxTimestamp().getMillis();
  private static final long MAX_UINT32 = 0xffffffffL;

  private final CsvColumns columns;
  private final IpMap ipMap;

  PacketCsvRowParser(CsvColumns columns, IpMap ipMap) {
    this.columns = columns;
    this.ipMap = ipMap;
  }

  /**
   * Parses {@code row}, found at byte {@code offset} of its file.
   *
   * @return the packet, or null if the row is a frame without an IP packet: its timestamp is valid
   *     and both its address fields are empty, as tshark exports a frame it could not decode as IP
   *     (ARP, LLDP, ...); its other fields are not used
   * @throws RejectedRowException with a one-line reason if the row is not a usable packet
   */
  @Nullable Packet parse(String row, long offset) throws RejectedRowException {
    String[] f = split(row);
    if (f.length != columns.width()) {
      throw new RejectedRowException(
          "row has " + f.length + " fields, header has " + columns.width());
    }
    long ts = timestamp(f);
    if (pick(f, columns.get(Field.SRC)) < 0 && pick(f, columns.get(Field.DST)) < 0) {
      return null;
    }
    byte[] src = address(f, Field.SRC);
    byte[] dst = address(f, Field.DST);
    if (src.length != dst.length) {
      throw new RejectedRowException("mixed IPv4/IPv6 address pair");
    }
    int srcPort = (int) optionalNumber(f, Field.SRC_PORT, 65535);
    int dstPort = (int) optionalNumber(f, Field.DST_PORT, 65535);
    int flags = flags(f);
    long seq = optionalNumber(f, Field.SEQ, MAX_UINT32);
    long ack = optionalNumber(f, Field.ACK, MAX_UINT32);
    int length = length(f);
    int protocol = protocol(f, src.length == 16);
    try {
      Packet.Builder b =
          Packet.builder()
              .timestampMicros(ts)
              .srcIp(src)
              .dstIp(dst)
              .srcPort(srcPort)
              .dstPort(dstPort)
              .protocol(protocol)
              .flags(flags)
              .seq(seq)
              .ack(ack)
              .length(length)
              .sourceOffset(offset);
      if (IcmpMessages.isIcmp(protocol)) {
        icmp(f, b);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new RejectedRowException(e.getMessage());
    }
  }

  /** Splits a row into fields as {@link CSVFormat#DEFAULT} does. */
  static String[] split(String row) throws RejectedRowException {
    if (row.indexOf('"') < 0 && row.indexOf('\r') < 0) {
      // Fast path: without quotes or CR, CSVFormat.DEFAULT splits exactly at each comma.
      return row.split(",", -1);
    }
    try (CSVParser parser = CSVParser.parse(row, CSVFormat.DEFAULT)) {
      List<CSVRecord> records = parser.getRecords();
      if (records.size() != 1) {
        throw new RejectedRowException(
            "row contains a carriage return (rows must be single lines)");
      }
      return records.get(0).values();
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      throw new RejectedRowException(
          "unterminated quoted field (rows must be single lines; a quoted line break is not"
              + " supported)");
    }
  }

  /** The index in {@code cs} of the first column with a non-empty field in {@code f}, or -1. */
  private static int pick(String[] f, Column[] cs) {
    for (int i = 0; i < cs.length; i++) {
      if (!f[cs[i].index()].isBlank()) {
        return i;
      }
    }
    return -1;
  }

  /** The field's text, trimmed, and for tshark columns only its first occurrence. */
  private static String text(String[] f, Column c) {
    String s = f[c.index()].trim();
    if (c.tshark()) {
      int comma = s.indexOf(',');
      if (comma >= 0) {
        s = s.substring(0, comma).trim();
      }
    }
    return s;
  }

  private long timestamp(String[] f) throws RejectedRowException {
    Column[] cs = columns.get(Field.TIMESTAMP);
    int k = pick(f, cs);
    if (k < 0) {
      throw new RejectedRowException("missing timestamp");
    }
    Column c = cs[k];
    String s = text(f, c);
    long micros;
    if (c.tshark()) {
      if (!isPlainDecimal(s)) {
        throw new RejectedRowException("bad " + c.name() + " '" + s + "'");
      }
      try {
        micros =
            new BigDecimal(s).movePointRight(6).setScale(0, RoundingMode.FLOOR).longValueExact();
      } catch (ArithmeticException e) {
        throw new RejectedRowException(c.name() + " " + s + " out of range");
      }
    } else {
      try {
        micros = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new RejectedRowException(
            "bad " + c.name() + " '" + s + "' (integer microseconds expected)");
      }
    }
    long millis = Math.floorDiv(micros, 1000L);
    if (millis < MIN_EVENT_MILLIS || millis > MAX_EVENT_MILLIS) {
      throw new RejectedRowException(c.name() + " " + s + " is outside Beam's event-time range");
    }
    return micros;
  }

  private static boolean isPlainDecimal(String s) {
    int i = s.startsWith("-") ? 1 : 0;
    int digits = 0;
    int dots = 0;
    for (; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= '0' && ch <= '9') {
        digits++;
      } else if (ch == '.' && dots == 0) {
        dots++;
      } else {
        return false;
      }
    }
    return digits > 0;
  }

  private byte[] address(String[] f, Field field) throws RejectedRowException {
    Column[] cs = columns.get(field);
    int k = pick(f, cs);
    if (k < 0) {
      throw new RejectedRowException("missing " + field.canonical);
    }
    Column c = cs[k];
    String s = text(f, c);
    if (isDigits(s)) {
      if (ipMap.isEmpty()) {
        throw new RejectedRowException(
            c.name() + " is address id " + s + " but no IP map was given");
      }
      byte[] a = s.length() <= 10 ? lookup(Long.parseLong(s)) : null;
      if (a == null) {
        throw new RejectedRowException("unmapped address id " + s + " in " + c.name());
      }
      return a;
    }
    try {
      return IpAddresses.parse(s);
    } catch (IllegalArgumentException e) {
      throw new RejectedRowException(c.name() + ": " + e.getMessage());
    }
  }

  private byte[] lookup(long id) {
    return id <= Integer.MAX_VALUE ? ipMap.lookup((int) id) : null;
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return true;
  }

  private long optionalNumber(String[] f, Field field, long max) throws RejectedRowException {
    Column[] cs = columns.get(field);
    int k = pick(f, cs);
    return k < 0 ? 0 : unsigned(text(f, cs[k]), cs[k].name(), max);
  }

  /**
   * An ICMP row with a type column filled takes FlowBeam's ICMP ports from its type and code
   * ({@link Packet.Builder#icmp}) and its identifier, if a column gives one, into the upper half of
   * seq; without a type, its ports stay as the row gives them.
   */
  private void icmp(String[] f, Packet.Builder b) throws RejectedRowException {
    Column[] types = columns.get(Field.ICMP_TYPE);
    int k = pick(f, types);
    if (k < 0) {
      return;
    }
    int type = (int) unsigned(text(f, types[k]), types[k].name(), 255);
    int code = (int) optionalNumber(f, Field.ICMP_CODE, 255);
    b.icmp(type, code);
    Column[] ids = columns.get(Field.ICMP_ID);
    int i = pick(f, ids);
    if (i >= 0) {
      b.seq(unsigned(text(f, ids[i]), ids[i].name(), 65535) << 16);
    }
  }

  private int flags(String[] f) throws RejectedRowException {
    Column[] cs = columns.get(Field.FLAGS);
    int k = pick(f, cs);
    if (k < 0) {
      return 0;
    }
    Column c = cs[k];
    String s = text(f, c);
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return (int) hex(s, c.name(), TcpFlags.ALL);
    }
    return (int) unsigned(s, c.name(), TcpFlags.ALL);
  }

  private int length(String[] f) throws RejectedRowException {
    Column[] cs = columns.get(Field.LENGTH);
    int k = pick(f, cs);
    if (k < 0) {
      throw new RejectedRowException("missing length");
    }
    return (int) unsigned(text(f, cs[k]), cs[k].name(), Integer.MAX_VALUE);
  }

  private int protocol(String[] f, boolean ipv6) throws RejectedRowException {
    Column[] cs = columns.get(Field.PROTOCOL);
    if (cs.length == 0) {
      return IpProtocol.TCP;
    }
    int k = pick(f, cs);
    if (k >= 0) {
      return (int) unsigned(text(f, cs[k]), cs[k].name(), 255);
    }
    // An empty protocol field (tshark's ip.proto of an IPv6 packet): the filled fields tell.
    Column[] types = columns.get(Field.ICMP_TYPE);
    int icmp = pick(f, types);
    if (icmp >= 0) {
      boolean v6 = types[icmp].name().startsWith("icmpv6") || (ipv6 && !types[icmp].tshark());
      return v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP;
    }
    for (Field port : new Field[] {Field.SRC_PORT, Field.DST_PORT}) {
      Column[] ports = columns.get(port);
      int p = pick(f, ports);
      if (p >= 0 && ports[p].name().startsWith("udp.")) {
        return IpProtocol.UDP;
      }
    }
    for (Field tcp : new Field[] {Field.SRC_PORT, Field.DST_PORT, Field.FLAGS, Field.SEQ}) {
      if (pick(f, columns.get(tcp)) >= 0) {
        return IpProtocol.TCP;
      }
    }
    return pick(f, columns.get(Field.ACK)) >= 0 ? IpProtocol.TCP : UNKNOWN_PROTOCOL;
  }

  /** Parses decimal digits into 0..max; {@code name} names the column in the reason. */
  static long unsigned(String s, String name, long max) throws RejectedRowException {
    if (s.isEmpty()) {
      throw new RejectedRowException("bad " + name + " ''");
    }
    boolean negative = s.charAt(0) == '-' && s.length() > 1;
    long v = 0;
    boolean outside = negative;
    for (int i = negative ? 1 : 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new RejectedRowException("bad " + name + " '" + s + "'");
      }
      if (!outside) {
        v = v * 10 + (ch - '0');
        outside = v > max;
      }
    }
    if (outside) {
      throw new RejectedRowException(name + " " + s + " outside 0.." + max);
    }
    return v;
  }

  private static long hex(String s, String name, long max) throws RejectedRowException {
    if (s.length() == 2) {
      throw new RejectedRowException("bad " + name + " '" + s + "'");
    }
    long v = 0;
    boolean outside = false;
    for (int i = 2; i < s.length(); i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        throw new RejectedRowException("bad " + name + " '" + s + "'");
      }
      if (!outside) {
        v = v * 16 + d;
        outside = v > max;
      }
    }
    if (outside) {
      throw new RejectedRowException(name + " " + s + " outside 0.." + max);
    }
    return v;
  }
}
