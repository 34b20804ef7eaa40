package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.flowbeam.io.csv.IpMap;
import org.flowbeam.io.csv.PacketCsvFormat;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All twelve TCP flag bits reach FlowBeam from a capture and from tshark's CSV export of it.
 *
 * <p>{@code flag-bits.pcap} holds TCP frames over IPv4 and IPv6 with AE (0x100), each reserved bit
 * (0x200, 0x400, 0x800) and all twelve bits set, built with scapy ({@code make-flag-bits.py} beside
 * it); {@code flag-bits.tshark.csv} is tshark 4.0's field export of it, the oracle. Its {@code
 * tcp.flags} are read here by {@link Integer#decode}, independently of FlowBeam's CSV parser.
 */
class TcpFlagBitsTest {
  private static final String DIR = "/TcpFlagBitsTest/";

  private static Path capture;
  private static Path tsharkCsv;
  private static List<Integer> tsharkFlags;

  @BeforeAll
  static void readTheOracle() throws IOException, URISyntaxException {
    capture = resource("flag-bits.pcap");
    tsharkCsv = resource("flag-bits.tshark.csv");
    List<String> lines = Files.readAllLines(tsharkCsv);
    int column = List.of(lines.get(0).split(",")).indexOf("tcp.flags");
    tsharkFlags = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      tsharkFlags.add(Integer.decode(line.split(",")[column].replace("\"", "")));
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Paths.get(TcpFlagBitsTest.class.getResource(DIR + name).toURI());
  }

  @Test
  void theOracleHoldsAeAndEachReservedBit() {
    assertThat(tsharkFlags, hasSize(14));
    int union = 0;
    for (int f : tsharkFlags) {
      union |= f;
    }
    assertThat(union & ~0xff, equalTo(TcpFlags.AE | TcpFlags.RESERVED));
    assertThat(tsharkFlags.get(0), equalTo(0x110));
  }

  @Test
  void theCaptureReaderKeepsEveryFlagBit() throws IOException {
    assertThat(flags(readCapture()), equalTo(tsharkFlags));
  }

  @Test
  void theCsvReaderKeepsEveryFlagBitOfTsharksExport() throws IOException {
    assertThat(flags(readCsv()), equalTo(tsharkFlags));
  }

  @Test
  void bothReadersGiveTheSamePackets() throws IOException {
    assertThat(withoutOffsets(readCsv()), equalTo(withoutOffsets(readCapture())));
  }

  private static List<Packet> readCapture() throws IOException {
    try (CaptureReader r =
        CaptureReader.open(
            capture.toString(), FileChannel.open(capture, StandardOpenOption.READ), 0)) {
      return packets(r);
    }
  }

  private static List<Packet> readCsv() throws IOException {
    try (RecordReader r =
        new PacketCsvFormat(IpMap.empty())
            .open(
                FileSystems.matchSingleFileSpec(tsharkCsv.toString()),
                FileChannel.open(tsharkCsv, StandardOpenOption.READ),
                0)) {
      return packets(r);
    }
  }

  private static List<Packet> packets(RecordReader r) throws IOException {
    List<Packet> packets = new ArrayList<>();
    while (r.advance()) {
      assertThat(r.kind(), equalTo(RecordReader.Kind.PACKET));
      packets.add(r.packet());
    }
    return packets;
  }

  private static List<Packet> withoutOffsets(List<Packet> packets) {
    List<Packet> out = new ArrayList<>();
    // Packet CSV holds neither the source offset of the capture nor the IP and payload lengths.
    packets.forEach(
        p ->
            out.add(
                p.toBuilder()
                    .sourceOffset(0)
                    .ipLength(Packet.UNKNOWN)
                    .payloadLength(Packet.UNKNOWN)
                    .build()));
    return out;
  }

  private static List<Integer> flags(List<Packet> packets) {
    List<Integer> out = new ArrayList<>();
    packets.forEach(p -> out.add(p.flags()));
    return out;
  }
}
