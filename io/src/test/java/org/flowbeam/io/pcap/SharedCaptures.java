package org.flowbeam.io.pcap;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.Tunnel;
import org.junit.jupiter.api.Assumptions;

/** The shared real captures and a plain-Java range reader over them, for tests. */
final class SharedCaptures {
  private SharedCaptures() {}

  /** The shared data directory; skips the calling test when it is absent. */
  static Path sharedData() {
    String dir = System.getProperty("flowbeam.shared.data");
    Assumptions.assumeTrue(dir != null, "flowbeam.shared.data not set");
    Path p = Paths.get(dir);
    Assumptions.assumeTrue(Files.isDirectory(p.resolve("captures")), "no shared captures");
    return p;
  }

  /** Every capture file under {@code captures/}, as {@code folder/name}. */
  static List<String> captures() throws IOException {
    Path root = sharedData().resolve("captures");
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().endsWith(".txt"))
          .sorted()
          .forEach(f -> out.add(root.relativize(f).toString()));
    }
    return out;
  }

  static Path capture(String name) {
    return sharedData().resolve("captures").resolve(name);
  }

  /** What reading a range gave. */
  static final class Result {
    final List<Packet> packets = new ArrayList<>();

    /** Per packet, its outermost tunnel ({@link CaptureReader#tunnel()}), or null. */
    final List<Tunnel> tunnels = new ArrayList<>();

    final List<RejectedRecord> errors = new ArrayList<>();
    long nonIp;
    long records;
  }

  /** Reads the records whose header starts in {@code [start, end)}. */
  static Result readRange(Path file, long start, long end, int bufferSize) throws IOException {
    return readRange(file, start, end, bufferSize, null);
  }

  /** As {@link #readRange(Path, long, long, int)}, a pcapng reader sharing {@code checkpoints}. */
  static Result readRange(
      Path file, long start, long end, int bufferSize, PcapngCheckpoints checkpoints)
      throws IOException {
    Result r = new Result();
    try (CaptureReader reader =
        CaptureReader.open(
            file.toString(),
            FileChannel.open(file, StandardOpenOption.READ),
            start,
            bufferSize,
            checkpoints)) {
      while (reader.advance() && reader.offset() < end) {
        r.records++;
        switch (reader.kind()) {
          case PACKET:
            r.packets.add(reader.packet());
            r.tunnels.add(reader.tunnel());
            break;
          case NON_IP:
            r.nonIp++;
            break;
          default:
            r.errors.add(reader.error());
        }
      }
    }
    return r;
  }

  static Result readAll(Path file) throws IOException {
    return readRange(file, 0, Long.MAX_VALUE, CaptureInput.DEFAULT_BUFFER);
  }

  /** tshark's reference file {@code NAME.suffix} of a capture (a gzipped one's by its name). */
  static Path reference(String name, String suffix) {
    Path refs = sharedData().resolve("refs");
    Path file = refs.resolve(name + "." + suffix);
    if (!Files.exists(file) && name.endsWith(".gz")) {
      file = refs.resolve(name.substring(0, name.length() - 3) + "." + suffix);
    }
    return file;
  }

  /** The {@code ip_packets} count tshark reports for a capture. */
  static long referenceIpPackets(String name) throws IOException {
    Path refs = sharedData().resolve("refs");
    Path file = refs.resolve(name + ".info");
    if (!Files.exists(file) && name.endsWith(".gz")) {
      file = refs.resolve(name.substring(0, name.length() - 3) + ".info");
    }
    String info = Files.readString(file).trim();
    for (String part : info.split("\\s+")) {
      if (part.startsWith("ip_packets=")) {
        return Long.parseLong(part.substring("ip_packets=".length()));
      }
    }
    throw new IOException("no ip_packets in " + name + ".info");
  }
}
