package org.flowbeam.pipelines;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an input file into consecutive slices, as a capture process that rotates its files would
 * have written it: packet CSV by rows (the header repeated in each slice), libpcap by records (the
 * global header repeated). Slices hold about equal numbers of records, in file order.
 */
final class TimeSlices {
  private TimeSlices() {}

  /** Writes {@code n} CSV slices of {@code csv} into {@code dir} as {@code prefix-<i>.csv}. */
  static List<Path> csv(Path csv, int n, Path dir, String prefix) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String header = lines.get(0);
    List<String> rows = lines.subList(1, lines.size());
    List<Path> slices = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> slice = new ArrayList<>();
      slice.add(header);
      slice.addAll(rows.subList(rows.size() * i / n, rows.size() * (i + 1) / n));
      slices.add(Files.write(dir.resolve(String.format("%s-%02d.csv", prefix, i)), slice));
    }
    return slices;
  }

  /** Writes {@code n} pcap slices of {@code pcap} into {@code dir} as {@code prefix-<i>.pcap}. */
  static List<Path> pcap(Path pcap, int n, Path dir, String prefix) throws IOException {
    List<byte[]> records = new ArrayList<>();
    byte[] header;
    try (InputStream in = Files.newInputStream(pcap);
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in))) {
      header = data.readNBytes(24);
      int magic = ByteBuffer.wrap(header, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
      ByteOrder order =
          magic == 0xa1b2c3d4 || magic == 0xa1b23c4d
              ? ByteOrder.BIG_ENDIAN
              : ByteOrder.LITTLE_ENDIAN;
      while (true) {
        byte[] recordHeader = data.readNBytes(16);
        if (recordHeader.length < 16) {
          break;
        }
        int caplen = ByteBuffer.wrap(recordHeader, 8, 4).order(order).getInt();
        byte[] record = new byte[16 + caplen];
        System.arraycopy(recordHeader, 0, record, 0, 16);
        data.readFully(record, 16, caplen);
        records.add(record);
      }
    }
    List<Path> slices = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path slice = dir.resolve(String.format("%s-%02d.pcap", prefix, i));
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(slice))) {
        out.write(header);
        for (byte[] r : records.subList(records.size() * i / n, records.size() * (i + 1) / n)) {
          out.write(r);
        }
      }
      slices.add(slice);
    }
    return slices;
  }
}
