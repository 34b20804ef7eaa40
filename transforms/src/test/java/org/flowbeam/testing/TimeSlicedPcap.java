package org.flowbeam.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a classic pcap file into files by capture time, as a capture rotated every so often would
 * be: each slice holds the global header and, in file order, the records from one cut time up to,
 * not including, the next. Test data only: a trusted file, read whole.
 *
 * <pre>{@code
 * List<Long> cuts = TimeSlicedPcap.equalCuts(pcap, 7);
 * List<Path> slices = TimeSlicedPcap.cut(pcap, cuts, dir);   // 8 files
 * }</pre>
 */
public final class TimeSlicedPcap {
  private static final int GLOBAL_HEADER = 24;
  private static final int RECORD_HEADER = 16;

  private final ByteBuffer file;
  private final boolean nanos;

  private TimeSlicedPcap(Path pcap) throws IOException {
    file = ByteBuffer.wrap(Files.readAllBytes(pcap));
    int magic = file.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      file.order(ByteOrder.BIG_ENDIAN);
      magic = file.getInt(0);
    }
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IOException(pcap + " is not a classic pcap file");
    }
    nanos = magic == 0xa1b23c4d;
  }

  /** The {@code n - 1} times, µs, that cut the capture's time span into {@code n} equal parts. */
  public static List<Long> equalCuts(Path pcap, int n) throws IOException {
    TimeSlicedPcap f = new TimeSlicedPcap(pcap);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int at = GLOBAL_HEADER; at < f.file.limit(); at += f.recordLength(at)) {
      first = Math.min(first, f.micros(at));
      last = Math.max(last, f.micros(at));
    }
    List<Long> cuts = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      cuts.add(first + (last - first + 1) * i / n);
    }
    return cuts;
  }

  /** Writes {@code dir/slice-<i>.pcap}, one more than there are cuts, and returns their paths. */
  public static List<Path> cut(Path pcap, List<Long> cuts, Path dir) throws IOException {
    TimeSlicedPcap f = new TimeSlicedPcap(pcap);
    Files.createDirectories(dir);
    List<Path> slices = new ArrayList<>();
    List<OutputStream> outs = new ArrayList<>();
    for (int i = 0; i <= cuts.size(); i++) {
      Path slice = dir.resolve("slice-" + i + ".pcap");
      slices.add(slice);
      OutputStream out = Files.newOutputStream(slice);
      out.write(f.file.array(), 0, GLOBAL_HEADER);
      outs.add(out);
    }
    for (int at = GLOBAL_HEADER; at < f.file.limit(); at += f.recordLength(at)) {
      long us = f.micros(at);
      int slice = 0;
      while (slice < cuts.size() && cuts.get(slice) <= us) {
        slice++;
      }
      outs.get(slice).write(f.file.array(), at, f.recordLength(at));
    }
    for (OutputStream out : outs) {
      out.close();
    }
    return slices;
  }

  private int recordLength(int at) {
    return RECORD_HEADER + file.getInt(at + 8);
  }

  private long micros(int at) {
    long seconds = file.getInt(at) & 0xffffffffL;
    long fraction = file.getInt(at + 4) & 0xffffffffL;
    return seconds * 1_000_000 + (nanos ? fraction / 1000 : fraction);
  }
}
