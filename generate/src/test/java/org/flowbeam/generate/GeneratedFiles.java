package org.flowbeam.generate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;

/** Reads what the generator wrote back, for the tests. */
final class GeneratedFiles {
  private GeneratedFiles() {}

  /**
   * Generates with {@code config} into {@code dir/name}; the truth goes to {@code name.truth.csv}.
   */
  static TrafficGenerator.GenerationSummary generate(
      GeneratorConfig config, OutputFormat format, Path file) {
    try {
      return TrafficGenerator.generate(config, format, file, truthOf(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path truthOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".truth.csv");
  }

  static List<String> lines(Path file) {
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The packets of a generated CSV (source offset = row number, which keeps the file order). */
  static List<Packet> csvPackets(Path file) {
    List<String> lines = lines(file);
    if (!lines.get(0).equals(CsvPacketWriter.HEADER)) {
      throw new AssertionError("header " + lines.get(0));
    }
    return org.flowbeam.testing.SharedData.packets(lines);
  }

  /** The packets of a generated capture, read by FlowBeam's {@link CaptureReader}. */
  static List<Packet> capturePackets(Path file) {
    List<Packet> packets = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        CaptureReader r = CaptureReader.open(file.toString(), ch, 0)) {
      while (r.advance()) {
        if (r.kind() != CaptureReader.Kind.PACKET) {
          throw new AssertionError("record at " + r.offset() + " is " + r.kind());
        }
        packets.add(r.packet());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return packets;
  }

  /**
   * The packets of a generated capture read as FlowBeam's splits read it: one {@link CaptureReader}
   * per {@code step} bytes, opened at the range start (a pcap reader resynchronises there), each
   * taking the records whose header starts in its range. Every record must be a packet.
   */
  static List<Packet> capturePacketsInSplits(Path file, long step) {
    List<Packet> packets = new ArrayList<>();
    try {
      long size = Files.size(file);
      for (long start = 0; start < size; start += step) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            CaptureReader r = CaptureReader.open(file.toString(), ch, start)) {
          while (r.advance() && r.offset() < start + step) {
            if (r.kind() != CaptureReader.Kind.PACKET) {
              throw new AssertionError(
                  "split at " + start + ": record at " + r.offset() + " is " + r.kind());
            }
            packets.add(r.packet());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return packets;
  }

  /** A packet without its source offset (which differs between formats), as text. */
  static String content(Packet p) {
    return p.toString();
  }

  /** The truth rows of a generated file, without the header. */
  static List<String> truthRows(Path file) {
    List<String> lines = lines(truthOf(file));
    if (!lines.get(0).equals(TruthWriter.HEADER)) {
      throw new AssertionError("truth header " + lines.get(0));
    }
    return lines.subList(1, lines.size());
  }

  /** A FlowBeam flow in the truth file's columns. */
  static String truthRow(FlowRecord f) {
    return String.join(
        ",",
        f.initiatorIp(),
        Integer.toString(f.initiatorPort()),
        f.responderIp(),
        Integer.toString(f.responderPort()),
        Long.toString(f.startUs()),
        Long.toString(f.endUs()),
        Long.toString(f.packetCount()),
        Long.toString(f.byteCount()),
        Long.toString(f.packetsFwd()),
        Long.toString(f.packetsRev()),
        f.state().label(),
        f.closeReason().label());
  }
}
