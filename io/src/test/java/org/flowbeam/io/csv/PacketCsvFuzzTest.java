package org.flowbeam.io.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.fuzz.AllocationMeter;
import org.flowbeam.io.fuzz.ByteArrayChannel;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * Fuzzes the packet CSV reader: the row parser ({@link PacketCsvRowParser} under a header's {@link
 * CsvColumns}) and the range reader ({@link PacketCsvReader}) split at any offset.
 *
 * <p>{@link #parseRow} input: a header line, {@code \n}, one row. {@link #readRange} input: byte 0
 * is the mode (bits 0–1: the row cap, 64 bytes to 1 MiB; bit 2: the file is also read as a gzip
 * stream), bytes 1–2 the split point as a fraction of the file's length, the rest is the file. The
 * seeds in {@code PacketCsvFuzzTestInputs/} are the repository's CSV fixtures and the shared
 * reference CSV files (src/fuzz/seeds.py). Ids 1–3 are mapped ({@link #MAP}).
 *
 * <p>The contract checked:
 *
 * <ul>
 *   <li>a header is a layout or a one-line {@link PacketCsvFormatException} naming the file; a row
 *       is a packet, a frame without addresses or a one-line {@link RejectedRowException}; nothing
 *       else is thrown;
 *   <li>a packet written back as a canonical TimeArcs row parses to the same packet;
 *   <li>a file split at any offset reads, range by range, exactly the records of the sequential
 *       read (TextSource's rule: a row belongs to the range its first byte is in); a file whose
 *       header is bad fails every range with the same message; a gzip copy reads alike;
 *   <li>records start at strictly increasing offsets, no more of them than lines; an error record
 *       names the file, its offset and a one-line reason;
 *   <li>allocation is in proportion to the input (the row parser's measured warm; the range
 *       reader's sequential read measured on its first run and re-measured warm only when that is
 *       over the bound, {@link AllocationMeter#checkWarm}, which spares three reads per input).
 * </ul>
 */
class PacketCsvFuzzTest {
  static final IpMap MAP = IpMap.of(Map.of(1, "10.0.0.1", 2, "10.0.0.2", 3, "2001:db8::3"));
  private static final String NAME = "fuzz.csv";
  private static final String CANONICAL =
      "timestamp,src_ip,dst_ip,src_port,dst_port,flags,seq_num,ack_num,length,protocol";
  private static final int[] ROW_CAPS = {64, 256, 4096, PacketCsvReader.DEFAULT_MAX_ROW_BYTES};

  @FuzzTest
  void parseRow(byte[] input) throws Exception {
    String text = new String(input, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String header = nl < 0 ? text : text.substring(0, nl);
    // A row is one line, as the reader frames it: up to the next newline.
    String row = nl < 0 ? "" : text.substring(nl + 1).split("\n", -1)[0];
    CsvColumns columns;
    try {
      columns = CsvColumns.fromHeader(NAME, header);
    } catch (PacketCsvFormatException e) {
      checkOneLine(e.getMessage());
      assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
      return;
    }
    PacketCsvRowParser parser = new PacketCsvRowParser(columns, MAP);
    Packet p;
    try {
      p = parser.parse(row, 77);
    } catch (RejectedRowException e) {
      checkOneLine(e.reason());
      return;
    }
    AllocationMeter.check(
        AllocationMeter.steady(() -> parse(parser, row)),
        64 * 1024 + 64L * row.length(),
        "parsing a row of " + row.length() + " chars");
    if (p == null) {
      return;
    }
    assertEquals(77, p.sourceOffset());
    Packet again =
        new PacketCsvRowParser(CsvColumns.fromHeader(NAME, CANONICAL), MAP).parse(canonical(p), 77);
    assertEquals(p, again, "the packet written back as a canonical row parses differently");
  }

  @FuzzTest
  void readRange(byte[] input) throws Exception {
    if (input.length < 3) {
      return;
    }
    int maxRowBytes = ROW_CAPS[input[0] & 3];
    boolean gzip = (input[0] & 4) != 0;
    byte[] file = Arrays.copyOfRange(input, 3, input.length);
    long split = (((input[1] & 0xffL) << 8 | (input[2] & 0xff)) * (file.length + 1)) >>> 16;

    List<Rec> all;
    long before = AllocationMeter.allocated();
    try {
      all = read(file, 0, maxRowBytes);
    } catch (PacketCsvFormatException e) {
      checkOneLine(e.getMessage());
      assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
      PacketCsvFormatException again =
          assertThrows(PacketCsvFormatException.class, () -> read(file, split, maxRowBytes));
      assertEquals(e.getMessage(), again.getMessage());
      return;
    }
    long firstRun = AllocationMeter.allocated() - before;
    long lines = 1;
    for (byte b : file) {
      lines += b == '\n' ? 1 : 0;
    }
    assertTrue(all.size() <= lines, all.size() + " records from " + lines + " lines");
    long previous = -1;
    for (Rec r : all) {
      assertTrue(r.offset() > previous && r.offset() < file.length, "offset " + r.offset());
      previous = r.offset();
    }
    // Per line a constant: commons-csv's parser, with its 8 KiB buffer, splits each quoted row.
    AllocationMeter.checkWarm(
        firstRun,
        1024 * 1024 + 32L * file.length + 32 * 1024L * lines,
        () -> read(file, 0, maxRowBytes),
        "reading a CSV file of " + file.length + " bytes (" + lines + " lines)");

    List<Rec> first = all.stream().filter(r -> r.offset() < split).toList();
    List<Rec> rest = read(file, split, maxRowBytes);
    List<Rec> joined = new ArrayList<>(first);
    joined.addAll(rest);
    assertEquals(all, joined, "split at " + split + " reads other records than the whole file");

    if (gzip) {
      assertEquals(all, readGzip(file, maxRowBytes), "the gzip copy reads differently");
    }
  }

  /** One record as read. */
  record Rec(long offset, RecordReader.Kind kind, Packet packet, String reason) {}

  private static void parse(PacketCsvRowParser parser, String row) {
    try {
      parser.parse(row, 77);
    } catch (RejectedRowException e) {
      // measured all the same
    }
  }

  private static List<Rec> read(byte[] file, long from, int maxRowBytes) throws IOException {
    try (PacketCsvReader r =
        PacketCsvReader.open(NAME, MAP, maxRowBytes, new ByteArrayChannel(file), from)) {
      return records(r);
    }
  }

  private static List<Rec> readGzip(byte[] file, int maxRowBytes) throws IOException {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
      gz.write(file);
    }
    try (PacketCsvReader r =
        PacketCsvReader.open(
            NAME,
            MAP,
            maxRowBytes,
            new java.util.zip.GZIPInputStream(new ByteArrayInputStream(z.toByteArray())))) {
      return records(r);
    }
  }

  private static List<Rec> records(PacketCsvReader r) throws IOException {
    List<Rec> out = new ArrayList<>();
    while (r.advance()) {
      switch (r.kind()) {
        case PACKET:
          assertEquals(r.offset(), r.packet().sourceOffset());
          out.add(new Rec(r.offset(), r.kind(), r.packet(), null));
          break;
        case NON_IP:
          assertNotNull(r.nonIpType());
          out.add(new Rec(r.offset(), r.kind(), null, r.nonIpType()));
          break;
        default:
          RejectedRecord e = r.error();
          assertEquals(NAME, e.file());
          assertEquals(r.offset(), e.offset());
          checkOneLine(e.reason());
          out.add(new Rec(r.offset(), r.kind(), null, e.reason()));
      }
    }
    return out;
  }

  /** The packet as a row under {@link #CANONICAL}. */
  private static String canonical(Packet p) {
    return String.join(
        ",",
        Long.toString(p.timestampMicros()),
        IpAddresses.format(p.srcIp()),
        IpAddresses.format(p.dstIp()),
        Integer.toString(p.srcPort()),
        Integer.toString(p.dstPort()),
        Integer.toString(p.flags()),
        Long.toString(p.seq()),
        Long.toString(p.ack()),
        Integer.toString(p.length()),
        Integer.toString(p.protocol()));
  }

  private static void checkOneLine(String message) {
    assertNotNull(message);
    assertFalse(message.isBlank(), "a blank message");
    assertFalse(message.contains("\n") || message.contains("\r"), "not one line: " + message);
  }
}
