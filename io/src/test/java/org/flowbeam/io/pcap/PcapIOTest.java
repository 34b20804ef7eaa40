package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.flowbeam.io.PacketReadResult;
import org.flowbeam.io.PcapIO;
import org.flowbeam.io.ReaderMetrics;
import org.flowbeam.model.IcmpMessages;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PcapIO#read()} on the Direct Runner, with ranges far smaller than the file: outputs and
 * the reader's metrics, which it counts once per range.
 */
@BeamTest
class PcapIOTest {
  /** tcp-edge/abrupt_fin2.pcap from aboutsip/pkts (MIT): 9 IP packets per tshark. */
  private static final String CLEAN = "abrupt_fin2.pcap";

  @TempDir Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    return Paths.get(PcapIOTest.class.getResource("/PcapIOTest/" + name).toURI());
  }

  @Test
  void readsACleanCaptureInTinyRanges(TestPipeline p) throws Exception {
    PacketReadResult r = p.apply(PcapIO.read().from(fixture(CLEAN).toString()).withSplitSize(100));
    PAssert.thatSingleton(r.getOutput().apply("Count packets", Count.globally())).isEqualTo(9L);
    PAssert.that(r.getErrors()).empty();
    PAssert.thatSingleton(
            r.getRecordsRead()
                .apply("Record counts", Values.create())
                .apply("Sum records", Sum.longsGlobally()))
        .isEqualTo(9L);
    PAssert.thatSingleton(PcapIO.summaries(r).apply("Summaries", Values.create()))
        .satisfies(
            s -> {
              assertThat(s.packets(), equalTo(9L));
              assertThat(s.records(), equalTo(9L));
              assertThat(s.format(), equalTo(CaptureFormat.PCAP));
              return null;
            });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(ReaderMetrics.counter(result, "records"), equalTo(9L));
    assertThat(ReaderMetrics.counter(result, "packets"), equalTo(9L));
    assertThat(ReaderMetrics.counter(result, "errors"), equalTo(0L));
  }

  /**
   * Pcapng captures read in ranges far smaller than their blocks give every IP packet once, as
   * tshark lists them: a range owns the blocks whose first byte lies in it, and the ranges learn
   * their section's interfaces (link type, timestamp resolution) from the shared checkpoints.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "wireshark/dhcp.pcapng",
        "wireshark/dhcp-nanosecond.pcapng",
        "drill/sniff.pcapng",
        "drill/example.pcapng"
      })
  void readsAPcapngInTinyRangesAsTsharkDoes(String capture, TestPipeline p) {
    Path file = SharedCaptures.capture(capture);
    String folder = capture.substring(0, capture.indexOf('/'));
    String name = capture.substring(folder.length() + 1);
    List<String> expected = new ArrayList<>();
    for (Packet t : SharedData.packets(SharedData.ref(folder, name, ".packets.csv"))) {
      expected.add(seenByTshark(t));
    }
    PacketReadResult r = p.apply(PcapIO.read().from(file.toString()).withSplitSize(97));
    PAssert.that(r.getErrors()).empty();
    PAssert.that(r.getOutput())
        .satisfies(
            packets -> {
              List<String> got = new ArrayList<>();
              Set<Long> offsets = new HashSet<>();
              for (Packet pk : packets) {
                assertThat(
                    capture + ": offset read twice", offsets.add(pk.sourceOffset()), equalTo(true));
                got.add(seenByTshark(pk));
              }
              assertThat(capture, got, containsInAnyOrder(expected.toArray()));
              return null;
            });
    p.run().waitUntilFinish();
  }

  /**
   * What both FlowBeam and tshark's packets.csv say of a packet. Not the protocol: after IPv6
   * extension headers FlowBeam gives the upper layer's, tshark the first next header (see {@code
   * PcapReferenceTest}). Nor an ICMP packet's ports: FlowBeam's are its type and its counterpart
   * type or code ({@code IcmpDecodeTest}), packets.csv's are 0 or an error's quoted ports.
   */
  private static String seenByTshark(Packet p) {
    if (IcmpMessages.isIcmp(p.protocol())) {
      p = p.toBuilder().srcPort(0).dstPort(0).build();
    }
    return p.timestampMicros()
        + " "
        + p.srcIpText()
        + " > "
        + p.dstIpText()
        + " ports "
        + p.srcPort()
        + ">"
        + p.dstPort()
        + " len "
        + p.length();
  }

  @Test
  void reportsACorruptRecord(TestPipeline p) throws Exception {
    byte[] bytes = Files.readAllBytes(fixture(CLEAN));
    // Overwrite the first record's captured length with 4 GB.
    bytes[24 + 8] = (byte) 0xff;
    bytes[24 + 9] = (byte) 0xff;
    bytes[24 + 10] = (byte) 0xff;
    bytes[24 + 11] = (byte) 0x7f;
    Path corrupt = dir.resolve("corrupt.pcap");
    Files.write(corrupt, bytes);
    PacketReadResult r = p.apply(PcapIO.read().from(corrupt.toString()).withSplitSize(150));
    PAssert.thatSingleton(r.getErrors().apply("Count errors", Count.globally())).isEqualTo(1L);
    PAssert.thatSingleton(r.getOutput().apply("Count packets", Count.globally())).isEqualTo(8L);
    PAssert.thatSingleton(
            r.getRecordsRead()
                .apply("Record counts", Values.create())
                .apply("Sum records", Sum.longsGlobally()))
        .isEqualTo(9L);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(ReaderMetrics.counter(result, "records"), equalTo(9L));
    assertThat(ReaderMetrics.counter(result, "packets"), equalTo(8L));
    assertThat(ReaderMetrics.counter(result, "errors"), equalTo(1L));
  }
}
