package org.flowbeam.pipelines;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.flowbeam.io.pcap.CaptureFormat;
import org.flowbeam.pipelines.FlowBeamOptions.Format;

/**
 * The run's input files sorted by what they hold, judged from their first bytes (not their names):
 * packet captures (pcap, pcapng, gzip-compressed or not) and packet CSV. A file that is neither is
 * refused: alone, the run stops with a one-line error; among others, it is listed in the manifest
 * as rejected and the rest is processed.
 *
 * @param csv packet CSV files
 * @param captures pcap and pcapng files
 * @param rejected files that are neither, with the reason
 */
record InputFiles(List<String> csv, List<String> captures, List<Rejected> rejected) {
  /** An input file that was not read. */
  record Rejected(String file, String reason) {}

  /** Sorts {@code files} by format; {@code forced} other than AUTO skips the detection. */
  static InputFiles classify(List<String> files, Format forced) {
    List<String> csv = new ArrayList<>();
    List<String> captures = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    for (String file : files) {
      if (forced == Format.CSV) {
        csv.add(file);
        continue;
      }
      if (forced == Format.PCAP) {
        captures.add(file);
        continue;
      }
      byte[] head = head(file);
      CaptureFormat f = CaptureFormat.detect(head);
      if (f == CaptureFormat.PCAP || f == CaptureFormat.PCAPNG) {
        captures.add(file);
      } else if (looksLikeCsvHeader(head)) {
        csv.add(file);
      } else if (head.length == 0) {
        csv.add(file); // an empty file holds no rows; the CSV reader reads nothing from it
      } else {
        rejected.add(
            new Rejected(file, "not a pcap, pcapng or packet CSV file (unknown magic number)"));
      }
    }
    if (csv.isEmpty() && captures.isEmpty() && !rejected.isEmpty()) {
      Rejected r = rejected.get(0);
      throw new UsageException(r.file() + ": " + r.reason());
    }
    return new InputFiles(List.copyOf(csv), List.copyOf(captures), List.copyOf(rejected));
  }

  private static final int HEAD_BYTES = 64;

  /** The first bytes of {@code file}, decompressed if it is gzip. */
  private static byte[] head(String file) {
    try (ReadableByteChannel ch = FileSystems.open(FileSystems.matchNewResource(file, false));
        InputStream raw = new BufferedInputStream(Channels.newInputStream(ch))) {
      raw.mark(HEAD_BYTES);
      byte[] first = raw.readNBytes(HEAD_BYTES);
      if (CaptureFormat.detect(first) != CaptureFormat.GZIP) {
        return first;
      }
      raw.reset();
      return new GZIPInputStream(raw).readNBytes(HEAD_BYTES);
    } catch (IOException e) {
      throw new UsageException("cannot read input file " + file + ": " + e.getMessage());
    }
  }

  /** Printable text whose first line (as far as it was read) holds a comma. */
  private static boolean looksLikeCsvHeader(byte[] head) {
    boolean comma = false;
    for (int i = 0; i < head.length; i++) {
      int b = head[i] & 0xff;
      if (b == '\n' || b == '\r') {
        break;
      }
      if (b == ',') {
        comma = true;
      } else if (b < 0x20 && b != '\t') {
        return false;
      }
    }
    return comma;
  }
}
