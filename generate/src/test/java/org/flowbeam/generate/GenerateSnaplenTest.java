package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --snaplen}: each record is the whole frame's first N bytes with the original length kept,
 * the file header says N, and FlowBeam's {@link CaptureReader} reads the same packets (timestamps,
 * wire lengths, flags, sequence numbers) from the cut capture as from the whole one, from which its
 * flow assembly finds the ground truth.
 */
class GenerateSnaplenTest {
  @TempDir Path dir;

  /** Dense traffic with 30 % IPv6, SYN options and payloads up to 1,460 bytes. */
  private static GeneratorConfig.Builder config() {
    return GeneratedTrafficTruthTest.denseConfig(5_000).seed(3);
  }

  /** One capture record as written: timestamp, original length, captured bytes. */
  record Rec(long timestampUs, int originalLength, byte[] data) {}

  @ParameterizedTest
  @CsvSource({"PCAP, 74", "PCAP, 128", "PCAP, 1000", "PCAPNG, 74", "PCAPNG, 128"})
  void recordsAreTheWholeFramesCutToTheSnaplen(OutputFormat format, int snaplen) {
    Path whole = generate(config().build(), format, "whole");
    Path cut = generate(config().snaplen(snaplen).build(), format, "cut");
    List<Rec> w = records(whole, format);
    List<Rec> c = records(cut, format);
    assertThat(c.size(), is(w.size()));
    int cutFrames = 0;
    for (int i = 0; i < w.size(); i++) {
      Rec a = w.get(i);
      Rec b = c.get(i);
      assertThat(a.data().length, is(a.originalLength()));
      assertThat(b.timestampUs(), is(a.timestampUs()));
      assertThat(b.originalLength(), is(a.originalLength()));
      assertThat(b.data().length, is(Math.min(a.originalLength(), snaplen)));
      assertThat("record " + i, b.data(), equalTo(Arrays.copyOf(a.data(), b.data().length)));
      if (b.data().length < a.originalLength()) {
        cutFrames++;
      }
    }
    assertThat(cutFrames, greaterThan(w.size() / 10));
  }

  @Test
  void fileHeadersCarryTheSnaplen() throws IOException {
    for (OutputFormat format : new OutputFormat[] {OutputFormat.PCAP, OutputFormat.PCAPNG}) {
      Path whole = generate(config().build(), format, "whole");
      Path cut = generate(config().snaplen(96).build(), format, "cut");
      assertThat(format.label(), headerSnaplen(whole, format), is(65535L));
      assertThat(format.label(), headerSnaplen(cut, format), is(96L));
      assertThat(readerSnaplen(cut), is(96L));
      assertThat(Files.size(cut), lessThan(Files.size(whole) / 3));
    }
  }

  @Test
  void cutCapturesReadBackAsTheSamePacketsAndTheTruthFlows() {
    Path csv = generate(config().build(), OutputFormat.CSV, "whole");
    List<String> expected = contents(GeneratedFiles.csvPackets(csv));
    for (OutputFormat format : new OutputFormat[] {OutputFormat.PCAP, OutputFormat.PCAPNG}) {
      for (int snaplen : new int[] {GeneratorConfig.MIN_SNAPLEN_IPV6, 128}) {
        Path cut = generate(config().snaplen(snaplen).build(), format, "cut");
        List<Packet> packets = GeneratedFiles.capturePackets(cut);
        // toString: time, addresses, ports, protocol, flags, seq, ack and length.
        assertThat(format + " " + snaplen, contents(packets), equalTo(expected));
        assertThat(packets.stream().filter(p -> p.length() > snaplen).count(), greaterThan(1_000L));
        assertThat(GeneratedFiles.truthRows(cut), equalTo(GeneratedFiles.truthRows(csv)));
        List<String> flows =
            FlowAssembler.assemble(packets, FlowRules.defaults()).stream()
                .map(GeneratedFiles::truthRow)
                .sorted()
                .toList();
        assertThat(flows, equalTo(GeneratedFiles.truthRows(cut).stream().sorted().toList()));
      }
    }
  }

  @Test
  void theSmallestSnaplenKeepsEveryIpv4Field() {
    GeneratorConfig.Builder v4 = config().ipv6Fraction(0);
    Path whole = generate(v4.build(), OutputFormat.PCAP, "whole");
    Path cut = generate(v4.snaplen(GeneratorConfig.MIN_SNAPLEN).build(), OutputFormat.PCAP, "cut");
    assertThat(
        contents(GeneratedFiles.capturePackets(cut)),
        equalTo(contents(GeneratedFiles.capturePackets(whole))));
  }

  @Test
  void splitsOfACutPcapReadAsTheWholeFile() {
    Path cut = generate(config().snaplen(80).build(), OutputFormat.PCAP, "cut");
    List<String> whole = contents(GeneratedFiles.capturePackets(cut));
    for (long step : new long[] {997, 4_093, 65_537}) {
      assertThat(
          "split every " + step + " bytes",
          contents(GeneratedFiles.capturePacketsInSplits(cut, step)),
          equalTo(whole));
    }
  }

  @Test
  void sizeBudgetCountsTheCutBytes() throws IOException {
    long size = 1L << 20;
    Path cut = dir.resolve("s.pcap");
    TrafficGenerator.GenerationSummary s =
        GeneratedFiles.generate(
            GeneratorConfig.builder().maxBytes(size).snaplen(128).build(), OutputFormat.PCAP, cut);
    assertThat(Files.size(cut), equalTo(s.bytes()));
    assertThat(Files.size(cut), greaterThanOrEqualTo(size));
    assertThat(Files.size(cut), lessThan(size + 16 + 128));
  }

  private Path generate(GeneratorConfig config, OutputFormat format, String name) {
    Path file = dir.resolve(name + "-" + config.snaplen() + "." + format.label());
    GeneratedFiles.generate(config, format, file);
    return file;
  }

  private static List<String> contents(List<Packet> packets) {
    return packets.stream().map(GeneratedFiles::content).toList();
  }

  private static long readerSnaplen(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        CaptureReader r = CaptureReader.open(file.toString(), ch, 0)) {
      r.advance();
      return r.snaplen();
    }
  }

  /** The snaplen field of the pcap file header, or of the pcapng file's first IDB. */
  private static long headerSnaplen(Path file, OutputFormat format) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (format == OutputFormat.PCAP) {
      return b.getInt(16) & 0xffffffffL;
    }
    int idb = b.getInt(4); // the IDB follows the section header block
    assertThat(b.getInt(idb), is(1));
    return b.getInt(idb + 12) & 0xffffffffL;
  }

  /** The records of a generated little-endian pcap, or the Enhanced Packet Blocks of a pcapng. */
  private static List<Rec> records(Path file, OutputFormat format) {
    ByteBuffer b;
    try {
      b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Rec> out = new ArrayList<>();
    if (format == OutputFormat.PCAP) {
      for (int p = 24; p < b.limit(); ) {
        long ts = (b.getInt(p) & 0xffffffffL) * 1_000_000L + b.getInt(p + 4);
        int cap = b.getInt(p + 8);
        int orig = b.getInt(p + 12);
        out.add(new Rec(ts, orig, Arrays.copyOfRange(b.array(), p + 16, p + 16 + cap)));
        p += 16 + cap;
      }
      return out;
    }
    for (int p = 0; p < b.limit(); ) {
      int type = b.getInt(p);
      int total = b.getInt(p + 4);
      assertThat(b.getInt(p + total - 4), is(total));
      if (type == 6) {
        long ts = ((b.getInt(p + 12) & 0xffffffffL) << 32) | (b.getInt(p + 16) & 0xffffffffL);
        int cap = b.getInt(p + 20);
        int orig = b.getInt(p + 24);
        assertThat(total, is(32 + ((cap + 3) & ~3)));
        for (int i = p + 28 + cap; i < p + total - 4; i++) {
          assertThat("padding", b.get(i), is((byte) 0));
        }
        out.add(new Rec(ts, orig, Arrays.copyOfRange(b.array(), p + 28, p + 28 + cap)));
      }
      p += total;
    }
    return out;
  }
}
