package org.flowbeam.io.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.fuzz.AllocationMeter;
import org.flowbeam.io.fuzz.ByteArrayChannel;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.Tunnel;

/**
 * Fuzzes the pcap and pcapng readers ({@link CaptureReader}, {@link PcapReader}, {@link
 * PcapngReader}) reading a whole file and a range starting at any offset, as {@link CaptureRecords}
 * opens them for a split file.
 *
 * <p>Input: byte 0 is the mode (bits 0–2: the buffer size, 64 bytes to 8 KiB, so that its growth
 * and refills are exercised; bit 3: the range reader shares a {@link PcapngCheckpoints} index with
 * a tiny spacing; bit 4: the file is also read gzip-compressed; bit 5: no decapsulation), bytes 1–2
 * the range start as a fraction of the file's length, the rest is the file. The seeds in {@code
 * CaptureReaderFuzzTestInputs/} are slices of the shared and test captures (src/fuzz/seeds.py).
 *
 * <p>The contract checked:
 *
 * <ul>
 *   <li>no exception: every record is a packet, a non-IP frame or an error record naming the file,
 *       the record's offset and a one-line reason, with at most {@value
 *       CaptureReader#MAX_DUMP_BYTES} bytes dumped; a packet's source offset is its record's;
 *   <li>records start at strictly increasing offsets inside the file, at most one per byte (so no
 *       loop), and a range's first record starts at or after the range start;
 *   <li>pcapng frames a range exactly as the sequential read does (from the file start or from
 *       recorded section states); pcap, which resynchronises by plausibility, agrees with the
 *       sequential read from the first record boundary the two share;
 *   <li>a gzip-compressed copy reads to the same records (or, for a file that is not a capture, to
 *       one error saying its gzip content is not one), and cannot be split; a corrupt or cut gzip
 *       file ends with one error record after the records before the fault;
 *   <li>allocation is in proportion to the file and the records, never to a length field: the
 *       sequential read's first run is measured, and re-measured warm only when it is over the
 *       bound ({@link AllocationMeter#checkWarm}), so that every input is measured at the cost of
 *       one counter read instead of three more reads.
 * </ul>
 */
class CaptureReaderFuzzTest {
  private static final String NAME = "fuzz.capture";

  /** One record as read: the fields compared between reads. */
  record Rec(long offset, RecordReader.Kind kind, Packet packet, Tunnel tunnel, String detail) {}

  @FuzzTest
  void readAtAnyOffset(byte[] input) throws Exception {
    if (input.length < 3) {
      return;
    }
    int mode = input[0] & 0xff;
    int bufferSize = 64 << (mode & 7);
    boolean shareCheckpoints = (mode & 8) != 0;
    boolean gzip = (mode & 16) != 0;
    boolean decapsulate = (mode & 32) == 0;
    byte[] file = Arrays.copyOfRange(input, 3, input.length);
    long start = (((input[1] & 0xffL) << 8 | (input[2] & 0xff)) * (file.length + 1)) >>> 16;

    CaptureFormat format = CaptureFormat.detect(Arrays.copyOf(file, Math.min(4, file.length)));
    // A gzip file's records lie at offsets of its decompressed bytes.
    long length = format == CaptureFormat.GZIP ? Long.MAX_VALUE - 1 : file.length;
    long before = AllocationMeter.allocated();
    List<Rec> all = read(file, 0, bufferSize, null, decapsulate);
    long firstRun = AllocationMeter.allocated() - before;
    checkRecords(all, 0, length);
    // A gzip input's bound is its decompressed size, with room for the fuzzer's own hooks on the
    // decompression path (a few MB under instrumentation where a plain JVM allocates 80 KB).
    boolean gz = format == CaptureFormat.GZIP;
    long extent = gz ? decompressedLength(file) : file.length;
    AllocationMeter.checkWarm(
        firstRun,
        (gz ? 4 : 1) * 1024 * 1024 + 4L * bufferSize + (gz ? 64 : 16) * extent + 8192L * all.size(),
        () -> read(file, 0, bufferSize, null, decapsulate),
        "reading a capture of " + extent + " bytes (" + all.size() + " records)");

    PcapngCheckpoints checkpoints =
        shareCheckpoints ? new PcapngCheckpoints(file.length, 64) : null;
    List<Rec> range = read(file, start, bufferSize, checkpoints, decapsulate);
    checkRecords(range, start, length);
    if (format == CaptureFormat.PCAPNG) {
      assertEquals(from(all, start), range, "a pcapng range framed unlike the sequential read");
      if (checkpoints != null) {
        assertEquals(
            range,
            read(file, start, bufferSize, checkpoints, decapsulate),
            "a pcapng range framed differently from recorded section states");
      }
    } else if (format == CaptureFormat.PCAP) {
      checkSameFromCommonBoundary(all, range);
    } else {
      assertTrue(range.isEmpty() || start == 0, "a file that is not a capture, or gzip, split");
    }

    if (gzip && format != CaptureFormat.GZIP) {
      byte[] z = gzip(file);
      List<Rec> unzipped = read(z, 0, bufferSize, null, decapsulate);
      if (format == CaptureFormat.UNKNOWN) {
        assertEquals(1, unzipped.size(), "gzip content that is not a capture");
        assertEquals("gzip content is not a PCAP or PCAPNG capture", reason(unzipped.get(0)));
      } else {
        assertEquals(all, unzipped, "gzip read differs");
      }
      if (start > 0) {
        assertEquals(List.of(), read(z, start, bufferSize, null, decapsulate));
      }
    }
  }

  /** Reads the records of {@code file} from {@code start} to its end. */
  static List<Rec> read(
      byte[] file, long start, int bufferSize, PcapngCheckpoints checkpoints, boolean decapsulate)
      throws IOException {
    List<Rec> out = new ArrayList<>();
    try (CaptureReader r =
        CaptureReader.open(
            NAME, new ByteArrayChannel(file), start, bufferSize, checkpoints, decapsulate)) {
      while (r.advance()) {
        switch (r.kind()) {
          case PACKET:
            assertEquals(r.offset(), r.packet().sourceOffset(), "packet source offset");
            out.add(new Rec(r.offset(), r.kind(), r.packet(), r.tunnel(), null));
            break;
          case NON_IP:
            out.add(new Rec(r.offset(), r.kind(), null, null, r.nonIpType()));
            break;
          default:
            RejectedRecord e = r.error();
            assertEquals(NAME, e.file());
            assertEquals(r.offset(), e.offset(), "error record offset");
            assertFalse(e.reason().isBlank());
            assertFalse(e.reason().contains("\n"), "a reason of more than one line");
            assertTrue(e.raw().length() <= 2 * CaptureReader.MAX_DUMP_BYTES, "raw dump too long");
            out.add(new Rec(r.offset(), r.kind(), null, null, e.reason() + " | " + e.raw()));
        }
        if (out.size() > 2 * (bufferSize + 1024L + 16L * 1024 * 1024)) {
          throw new AssertionError("no end to the records");
        }
      }
    }
    return out;
  }

  /** Offsets inside the file, strictly increasing, from {@code start}, at most one per byte. */
  private static void checkRecords(List<Rec> records, long start, long length) {
    assertTrue(records.size() <= length + 1, records.size() + " records in " + length + " bytes");
    long previous = -1;
    for (Rec r : records) {
      assertTrue(r.offset() >= start, "record at " + r.offset() + " before the start " + start);
      assertTrue(r.offset() > previous, "record offsets not increasing at " + r.offset());
      assertTrue(r.offset() <= length, "record at " + r.offset() + " past the end " + length);
      if (r.kind() == RecordReader.Kind.NON_IP) {
        assertFalse(r.detail() == null || r.detail().isBlank(), "a non-IP frame without a type");
      }
      previous = r.offset();
    }
  }

  /** Once a range read reaches a record the sequential read framed, the two read alike. */
  private static void checkSameFromCommonBoundary(List<Rec> all, List<Rec> range) {
    for (int i = 0; i < range.size(); i++) {
      long offset = range.get(i).offset();
      for (int j = 0; j < all.size(); j++) {
        if (all.get(j).offset() == offset) {
          assertEquals(
              all.subList(j, all.size()),
              range.subList(i, range.size()),
              "a pcap range disagrees with the sequential read after their common boundary "
                  + offset);
          return;
        }
      }
    }
  }

  private static String reason(Rec r) {
    return r.detail().substring(0, r.detail().indexOf(" | "));
  }

  private static List<Rec> from(List<Rec> records, long start) {
    return records.stream().filter(r -> r.offset() >= start).toList();
  }

  /** The bytes a gzip file decompresses to, up to where it turns out corrupt or cut. */
  private static long decompressedLength(byte[] gz) {
    long n = 0;
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      byte[] buf = new byte[8192];
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
      }
    } catch (IOException e) {
      // corrupt or cut: what came out before counts
    }
    return n;
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }
}
