package org.flowbeam.io.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.flowbeam.io.DecompressionGuard;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.fuzz.AllocationMeter;
import org.flowbeam.io.fuzz.ByteArrayChannel;
import org.flowbeam.model.IpAddresses;
import org.junit.jupiter.api.Test;

/**
 * Packet CSV inputs of hostile size (issue 15): each is refused in one line or as an error record,
 * or read in proportion to what it holds. (A 1 MiB row and a 64 KiB header: {@code
 * PacketCsvSplitTest}.)
 */
class HostileCsvSizesTest {
  private static final String HEADER = "timestamp,src_ip,dst_ip,length";

  @Test
  void aHeaderOfMillionsOfColumnsIsRefusedInOneLineWithoutReadingIt() throws Exception {
    StringBuilder header = new StringBuilder(HEADER);
    for (int i = 0; i < 2_000_000; i++) {
      header.append(",c");
    }
    byte[] file = (header + "\n1,10.0.0.1,10.0.0.2,60\n").getBytes(StandardCharsets.US_ASCII);
    long allocated =
        AllocationMeter.steady(
            () -> {
              PacketCsvFormatException e =
                  assertThrows(PacketCsvFormatException.class, () -> read(file, 1 << 20));
              assertThat(e.getMessage(), equalTo("wide.csv: header line longer than 65536 bytes"));
            });
    assertThat(allocated, lessThan(1L << 20)); // the 4 MB header is not held, nor split
  }

  @Test
  void aHeaderOfTwentyThousandColumnsWithinTheCapIsRead() throws Exception {
    StringBuilder header = new StringBuilder(HEADER);
    StringBuilder tail = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      header.append(",c").append(i % 10);
      tail.append(",x");
    }
    StringBuilder file = new StringBuilder(header).append('\n');
    for (int r = 0; r < 50; r++) {
      file.append(1_000_000 + r).append(",10.0.0.1,10.0.0.2,60").append(tail).append('\n');
    }
    List<String> records = read(file.toString().getBytes(StandardCharsets.US_ASCII), 1 << 20);
    assertThat(records.size(), equalTo(50));
    assertThat(records.stream().allMatch(r -> r.equals("PACKET")), equalTo(true));
  }

  @Test
  void anIpMapOfMillionsOfEntriesIsHeldCompactly() throws Exception {
    int n = 2_000_000;
    StringBuilder json = new StringBuilder(n * 22).append('{');
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",")
          .append("\"10.")
          .append(i >>> 16 & 255)
          .append('.')
          .append(i >>> 8 & 255)
          .append('.')
          .append(i & 255)
          .append("\":")
          .append(n - i);
    }
    IpMap map = IpMap.parseJson(json.append('}').toString(), "big.json");
    assertThat(map.size(), equalTo(n));
    assertThat(IpAddresses.format(map.lookup(n)), equalTo("10.0.0.0"));
    assertThat(IpAddresses.format(map.lookup(1)), equalTo("10.30.132.127"));
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(map);
    }
    // 8 bytes an entry, as the pipeline carries it to every worker (36 with a HashMap).
    assertThat((long) serialized.size(), lessThan(9L * n));
  }

  @Test
  void anIpMapOverTheEntryBoundIsRefusedInOneLine() {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i <= 1000; i++) {
      json.append(i == 0 ? "" : ",").append("\"10.0.").append(i >>> 8).append('.');
      json.append(i & 255).append("\":").append(i);
    }
    String text = json.append('}').toString();
    assertThat(IpMap.parseJson(text, "m.json", 1001).size(), equalTo(1001));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> IpMap.parseJson(text, "m.json", 1000));
    assertThat(e.getMessage(), equalTo("m.json: IP map has more than 1000 entries: refused"));
    assertThat(IpMap.MAX_ENTRIES, equalTo(1 << 24));
  }

  @Test
  void aGzipFileOverTheRatioBoundEndsWithOneErrorRecord() throws Exception {
    // A row, then 300 MiB of one byte value, some hundred times smaller in gzip.
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream gz =
        new GZIPOutputStream(z, 1 << 16) {
          {
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
          }
        }) {
      gz.write((HEADER + "\n1,10.0.0.1,10.0.0.2,60\n").getBytes(StandardCharsets.US_ASCII));
      byte[] block = new byte[1 << 20];
      java.util.Arrays.fill(block, (byte) '7');
      for (int i = 0; i < 300; i++) {
        gz.write(block);
      }
    }
    byte[] bomb = z.toByteArray();
    long before = AllocationMeter.allocated();
    DecompressionGuard.CountingStream raw =
        DecompressionGuard.counting(new ByteArrayInputStream(bomb));
    InputStream in = DecompressionGuard.guard(new GZIPInputStream(raw, 1 << 16), raw);
    List<String> records = new ArrayList<>();
    try (PacketCsvReader r = PacketCsvReader.open("bomb.csv.gz", IpMap.empty(), 1 << 20, in)) {
      while (r.advance()) {
        records.add(
            r.kind() == RecordReader.Kind.ERROR
                ? r.offset() + " " + r.error().reason()
                : r.kind().toString());
      }
    }
    assertThat(records.size(), equalTo(3));
    assertThat(records.get(0), equalTo("PACKET"));
    assertThat(records.get(1), equalTo("54 row longer than 1048576 bytes"));
    // Stopped within a read of the 256 MiB it may decompress freely.
    assertThat(records.get(2), startsWith("2684"));
    assertThat(records.get(2), containsString(" compressed input unreadable after 2684"));
    assertThat(records.get(2), containsString("refused as a decompression bomb"));
    // A fixed few buffers and the capped row, not the 256 MiB decompressed.
    assertThat(AllocationMeter.allocated() - before, lessThan(32L << 20));
  }

  private static List<String> read(byte[] file, int maxRowBytes) throws IOException {
    List<String> out = new ArrayList<>();
    try (PacketCsvReader r =
        PacketCsvReader.open(
            "wide.csv", IpMap.of(Map.of()), maxRowBytes, new ByteArrayChannel(file), 0)) {
      while (r.advance()) {
        out.add(r.kind() == RecordReader.Kind.ERROR ? "ERROR " + r.error().reason() : "PACKET");
      }
    }
    return out;
  }
}
