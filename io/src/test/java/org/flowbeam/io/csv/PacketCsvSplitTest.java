package org.flowbeam.io.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.flowbeam.io.RecordReader;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proves the split rule: for many split points, the rows read from the ranges of a split file are
 * exactly the rows of a whole-file read, none lost or duplicated.
 */
class PacketCsvSplitTest {
  /** A row cap small enough for the fixtures' long rows to exceed. */
  private static final int CAP = 128;

  /** What a range read produced, in order. */
  private record Result(List<String> items, long framed) {}

  private static Path fixture(String name) {
    try {
      return Paths.get(PacketCsvSplitTest.class.getResource("/PacketCsvSplitTest/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the rows starting in [from, to) as the shell does: skipping rows before {@code from}
   * (only a stream has them) and stopping at the first row at or past {@code to}.
   */
  private static Result read(PacketCsvReader reader, long from, long to) throws IOException {
    List<String> items = new ArrayList<>();
    long framed = 0;
    try (reader) {
      while (reader.advance() && reader.offset() < to) {
        if (reader.offset() < from) {
          continue;
        }
        framed++;
        if (reader.kind() == RecordReader.Kind.PACKET) {
          Packet p = reader.packet();
          items.add(p.sourceOffset() + " packet " + p);
        } else {
          RejectedRecord r = reader.error();
          items.add(r.offset() + " rejected " + r.reason() + " | " + r.raw());
        }
      }
    }
    return new Result(items, framed);
  }

  /** Reads [from, to) by seeking. */
  private static Result readSeekable(Path file, long from, long to, int cap) {
    try {
      SeekableByteChannel ch = Files.newByteChannel(file);
      return read(PacketCsvReader.open(file.toString(), IpMap.empty(), cap, ch, from), from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads [from, to) of a stream from offset 0 (as a gzip file is read). */
  private static Result readStream(byte[] bytes, String name, long from, long to, int cap) {
    try {
      InputStream in = new ByteArrayInputStream(bytes);
      return read(PacketCsvReader.open(name, IpMap.empty(), cap, in), from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertSplitsEqualWhole(Path file, int cap) throws IOException {
    long size = Files.size(file);
    Result whole = readSeekable(file, 0, size, cap);
    assertThat(whole.items(), hasSize((int) whole.framed()));
    // Every single cut point.
    for (long c = 0; c <= size; c++) {
      assertUnion(file, whole, cap, 0, c, size);
    }
    // Every pair of cut points (three ranges) for small files, every 7th pair otherwise.
    long step = size <= 320 ? 1 : 7;
    for (long a = 1; a < size; a += step) {
      for (long b = a; b < size; b += step) {
        assertUnion(file, whole, cap, 0, a, b, size);
      }
    }
  }

  private static void assertUnion(Path file, Result whole, int cap, long... cuts) {
    List<String> union = new ArrayList<>();
    long framed = 0;
    for (int i = 0; i + 1 < cuts.length; i++) {
      Result r = readSeekable(file, cuts[i], cuts[i + 1], cap);
      union.addAll(r.items());
      framed += r.framed();
    }
    String where = file.getFileName() + " cut at " + java.util.Arrays.toString(cuts);
    assertThat(where, union, equalTo(whole.items()));
    assertThat(where, framed, equalTo(whole.framed()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "crlf.csv",
        "no-final-newline.csv",
        "quoted.csv",
        "header-only.csv",
        "header-only-no-newline.csv",
        "empty.csv",
        "utf8.csv",
        "tshark.csv",
        "long-row.csv"
      })
  void everySplitReadsEveryRowOnce(String name) throws IOException {
    assertSplitsEqualWhole(fixture(name), CAP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"crlf.csv", "no-final-newline.csv", "quoted.csv", "utf8.csv"})
  void gzipResidualsReadEveryRowOnce(String name) throws IOException {
    byte[] plain = Files.readAllBytes(fixture(name));
    Result whole = readSeekable(fixture(name), 0, plain.length, CAP);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(plain);
    }
    Result stream = readStream(plain, fixture(name).toString(), 0, Long.MAX_VALUE, CAP);
    assertThat(stream, equalTo(whole));
    for (long c = 0; c <= plain.length + 1; c++) {
      List<String> union = new ArrayList<>();
      Result first = readStream(plain, fixture(name).toString(), 0, c, CAP);
      Result rest = readStream(plain, fixture(name).toString(), c, Long.MAX_VALUE, CAP);
      union.addAll(first.items());
      union.addAll(rest.items());
      assertThat(name + " checkpoint at " + c, union, equalTo(whole.items()));
      assertThat(first.framed() + rest.framed(), equalTo(whole.framed()));
    }
  }

  @Test
  void wholeReadsOfTheFixtures() {
    assertThat(readSeekable(fixture("empty.csv"), 0, 0, CAP).items(), empty());
    assertThat(readSeekable(fixture("header-only.csv"), 0, 80, CAP).framed(), equalTo(0L));

    List<String> crlf = readSeekable(fixture("crlf.csv"), 0, 306, CAP).items();
    assertThat(crlf, hasSize(5));
    assertThat(crlf.get(3), containsString("rejected bad src_port 'x' | 4,10.0.0.1"));
    assertThat("CR is not part of the last field", crlf.get(4), containsString("len=52"));

    List<String> quoted = readSeekable(fixture("quoted.csv"), 0, 209, CAP).items();
    assertThat(quoted, hasSize(5));
    assertThat(quoted.get(1), containsString("len=61"));
    assertThat(quoted.get(3), containsString("unterminated quoted field"));

    List<String> utf8 = readSeekable(fixture("utf8.csv"), 0, 173, CAP).items();
    assertThat(utf8, hasSize(4));
    assertThat(utf8.get(2), containsString("bad length '6€' | 🙂,3"));
    assertThat(utf8.get(3), containsString("2001:db8::1"));

    List<String> tshark = readSeekable(fixture("tshark.csv"), 0, 356, CAP).items();
    assertThat(tshark, hasSize(3));
    assertThat(tshark.get(1), containsString("1356038392886550 2001:db8::1:389 > 2001:db8::2"));
    assertThat(tshark.get(2), containsString("proto=17"));

    List<String> longRow = readSeekable(fixture("long-row.csv"), 0, 563, CAP).items();
    assertThat(longRow, hasSize(4));
    assertThat(longRow.get(1), containsString("rejected row longer than 128 bytes"));
    assertThat(longRow.get(2), containsString("rejected row longer than 128 bytes"));
    assertThat(longRow.get(3), containsString("len=60"));
  }

  @Test
  void rowLongerThanOneMebibyteIsRejectedAndReadingGoesOn(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("big.csv");
    String big = "2,10.0.0.1,10.0.0.2,60," + "z".repeat(3 << 20) + "\n";
    Files.writeString(
        file,
        "timestamp,src_ip,dst_ip,length,pad\n1,10.0.0.1,10.0.0.2,60,a\n"
            + big
            + "3,10.0.0.1,10.0.0.2,60,b\n");
    long size = Files.size(file);
    int cap = PacketCsvReader.DEFAULT_MAX_ROW_BYTES;
    Result whole = readSeekable(file, 0, size, cap);
    assertThat(whole.items(), hasSize(3));
    assertThat(whole.items().get(1), containsString("rejected row longer than 1048576 bytes"));
    assertThat("raw text is cut", whole.items().get(1), endsWith("z..."));
    for (long c : new long[] {1, 36, 37, 60, 61, 62, 1 << 20, size - 26, size - 25, size - 24}) {
      assertUnion(file, whole, cap, 0, c, size);
    }
  }

  @Test
  void headerLongerThan64KibFailsWithTheFileName(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("wide.csv");
    Files.writeString(
        file, "timestamp,src_ip,dst_ip,length," + "x".repeat(70_000) + "\n1,1,1,1,1\n");
    PacketCsvFormatException e =
        assertThrows(
            PacketCsvFormatException.class, () -> readSeekable(file, 100, Files.size(file), CAP));
    assertThat(e.getMessage(), equalTo(file + ": header line longer than 65536 bytes"));
  }

  @Test
  void everyRangeOfAFileWithABadHeaderFails() throws IOException {
    Path file = Files.createTempFile("noheader", ".csv");
    try {
      Files.write(file, "time,src,dst\n1,2,3\n4,5,6\n".getBytes(StandardCharsets.UTF_8));
      for (long from : new long[] {0, 5, 15}) {
        PacketCsvFormatException e =
            assertThrows(PacketCsvFormatException.class, () -> readSeekable(file, from, 26, CAP));
        assertThat(e.getMessage(), containsString(file + ": missing required columns"));
      }
    } finally {
      Files.delete(file);
    }
  }
}
