package org.flowbeam.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.Packet;
import org.junit.jupiter.api.Assumptions;

/**
 * Reads the shared real captures' tshark references ({@code ../shared/data/refs}): packets as
 * TimeArcs CSV, tshark's TCP streams and the {@code .info} counts. The location comes from the
 * {@code flowbeam.shared.data} system property, which the build sets; tests that need it are
 * skipped (not failed) where the folder is absent.
 *
 * <p>This is a deliberately naive reader of trusted reference files, independent of FlowBeam's own
 * CSV reader, so that tests compare against an independent view.
 */
public final class SharedData {
  private SharedData() {}

  /** The shared data folder; skips the calling test when it is missing. */
  public static Path root() {
    String dir = System.getProperty("flowbeam.shared.data", "../../shared/data");
    Path p = Paths.get(dir);
    Assumptions.assumeTrue(Files.isDirectory(p), "shared data not found at " + p);
    return p;
  }

  /** {@code refs/<folder>/<capture>.packets.csv} etc. */
  public static Path ref(String folder, String capture, String suffix) {
    return root().resolve("refs").resolve(folder).resolve(capture + suffix);
  }

  /** The capture names (e.g. {@code ports_reused.pcap}) that have references in {@code folder}. */
  public static List<String> capturesIn(String folder) {
    try (Stream<Path> files = Files.list(root().resolve("refs").resolve(folder))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".flows.csv"))
          .map(n -> n.substring(0, n.length() - ".flows.csv".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The packets of a reference packets.csv, with the row's line number as source offset. */
  public static List<Packet> packets(Path packetsCsv) {
    try {
      return packets(Files.readAllLines(packetsCsv));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The packets of TimeArcs packet CSV lines (header first, exactly the ten columns of the tshark
   * references), with each row's line number as source offset.
   */
  public static List<Packet> packets(List<String> lines) {
    String header = lines.get(0);
    if (!header.equals(
        "timestamp,src_ip,dst_ip,src_port,dst_port,flags,seq_num,ack_num,length,protocol")) {
      throw new IllegalStateException("unexpected header " + header);
    }
    List<Packet> out = new ArrayList<>(lines.size());
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",", -1);
      if (f.length != 10) {
        throw new IllegalStateException("row " + i + ": " + lines.get(i));
      }
      out.add(
          Packet.builder()
              .timestampMicros(Long.parseLong(f[0]))
              .srcIp(IpAddresses.parse(f[1]))
              .dstIp(IpAddresses.parse(f[2]))
              .srcPort(Integer.parseInt(f[3]))
              .dstPort(Integer.parseInt(f[4]))
              .flags(Integer.parseInt(f[5]))
              .seq(Long.parseLong(f[6]))
              .ack(Long.parseLong(f[7]))
              .length(Integer.parseInt(f[8]))
              .protocol(Integer.parseInt(f[9]))
              .sourceOffset(i)
              .build());
    }
    return out;
  }

  /**
   * One tshark TCP stream from a {@code .flows.csv}; a is the sender of its first packet. {@code
   * stream} is -1 for a row tshark left without a stream index (a malformed TCP header).
   */
  public record TsharkStream(
      int stream,
      long firstUs,
      long lastUs,
      String aIp,
      int aPort,
      String bIp,
      int bPort,
      long pktsAtoB,
      long pktsBtoA,
      long bytesAtoB,
      long bytesBtoA,
      int syn,
      int fin,
      int rst) {
    public long packets() {
      return pktsAtoB + pktsBtoA;
    }

    public long bytes() {
      return bytesAtoB + bytesBtoA;
    }
  }

  public static List<TsharkStream> streams(Path flowsCsv) {
    List<TsharkStream> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(flowsCsv)) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",", -1);
        out.add(
            new TsharkStream(
                // tshark lists a TCP header it found malformed without a stream index.
                f[0].isEmpty() ? -1 : Integer.parseInt(f[0]),
                micros(f[1]),
                micros(f[2]),
                IpAddresses.format(IpAddresses.parse(f[3])),
                Integer.parseInt(f[4]),
                IpAddresses.format(IpAddresses.parse(f[5])),
                Integer.parseInt(f[6]),
                Long.parseLong(f[7]),
                Long.parseLong(f[8]),
                Long.parseLong(f[9]),
                Long.parseLong(f[10]),
                Integer.parseInt(f[11]),
                Integer.parseInt(f[12]),
                Integer.parseInt(f[13])));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static long micros(String epochSeconds) {
    return new BigDecimal(epochSeconds).movePointRight(6).longValue();
  }

  /** A number from a {@code .info} file such as {@code ip_packets=240835 tcp_streams=20311}. */
  public static long info(String folder, String capture, String name) {
    try {
      String text = Files.readString(ref(folder, capture, ".info")).trim();
      for (String kv : text.split("\\s+")) {
        String[] p = kv.split("=");
        if (p[0].equals(name)) {
          return Long.parseLong(p[1]);
        }
      }
      throw new IllegalArgumentException(name + " not in " + text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
