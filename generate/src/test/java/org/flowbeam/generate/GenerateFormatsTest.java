package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.nio.file.Path;
import java.util.List;
import org.flowbeam.model.Packet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three formats carry the same packets: the CSV's rows equal what FlowBeam's {@code
 * CaptureReader} reads from the pcap and the pcapng made with the same config, and the truth does
 * not depend on the format.
 */
class GenerateFormatsTest {
  @TempDir static Path dir;
  static final GeneratorConfig CONFIG =
      GeneratedTrafficTruthTest.denseConfig(5_000).seed(3).build();
  static List<String> csv;

  @BeforeAll
  static void generateCsv() {
    Path file = dir.resolve("t.csv");
    GeneratedFiles.generate(CONFIG, OutputFormat.CSV, file);
    csv = GeneratedFiles.csvPackets(file).stream().map(GeneratedFiles::content).toList();
  }

  @Test
  void csvHasTheHeaderAndOneSortedRowPerPacket() {
    Path file = dir.resolve("t.csv");
    List<String> lines = GeneratedFiles.lines(file);
    assertThat(lines.get(0), equalTo(CsvPacketWriter.HEADER));
    assertThat(lines.size(), is(5_001));
    List<Packet> packets = GeneratedFiles.csvPackets(file);
    for (int i = 1; i < packets.size(); i++) {
      assertThat(
          packets.get(i - 1).timestampMicros(),
          lessThanOrEqualTo(packets.get(i).timestampMicros()));
    }
    assertThat(packets.stream().map(Packet::length).toList(), everyItem(lessThanOrEqualTo(1514)));
  }

  @Test
  void pcapReadsBackAsTheCsvPackets() {
    Path file = dir.resolve("t.pcap");
    GeneratedFiles.generate(CONFIG, OutputFormat.PCAP, file);
    assertThat(contents(GeneratedFiles.capturePackets(file)), equalTo(csv));
    assertThat(
        GeneratedFiles.truthRows(file), equalTo(GeneratedFiles.truthRows(dir.resolve("t.csv"))));
  }

  @Test
  void pcapSplitsReadAsTheWholeFile() {
    // A split reader resynchronises on plausible record headers; the generated frames must not
    // make a plausible chain 4 bytes off the real one (see Hosts#mac).
    Path file = dir.resolve("split.pcap");
    GeneratedFiles.generate(CONFIG, OutputFormat.PCAP, file);
    for (long step : new long[] {1_009, 4_093, 65_537}) {
      assertThat(
          "split every " + step + " bytes",
          contents(GeneratedFiles.capturePacketsInSplits(file, step)),
          equalTo(csv));
    }
  }

  @Test
  void pcapngReadsBackAsTheCsvPackets() {
    Path file = dir.resolve("t.pcapng");
    GeneratedFiles.generate(CONFIG, OutputFormat.PCAPNG, file);
    assertThat(contents(GeneratedFiles.capturePackets(file)), equalTo(csv));
    assertThat(
        GeneratedFiles.truthRows(file), equalTo(GeneratedFiles.truthRows(dir.resolve("t.csv"))));
  }

  @Test
  void gzipOutputsReadBackAsThePlainOnes() {
    Path csvGz = dir.resolve("t.csv.gz");
    GeneratedFiles.generate(CONFIG, OutputFormat.CSV, csvGz);
    assertThat(contents(GeneratedFiles.csvPackets(csvGz)), equalTo(csv));
    Path pcapGz = dir.resolve("t.pcap.gz");
    GeneratedFiles.generate(CONFIG, OutputFormat.PCAP, pcapGz);
    assertThat(contents(GeneratedFiles.capturePackets(pcapGz)), equalTo(csv));
  }

  private static List<String> contents(List<Packet> packets) {
    return packets.stream().map(GeneratedFiles::content).toList();
  }
}
