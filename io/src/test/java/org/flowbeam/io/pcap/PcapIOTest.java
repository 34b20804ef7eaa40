package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.flowbeam.io.PacketReadResult;
import org.flowbeam.io.PcapIO;
import org.flowbeam.io.ReaderMetrics;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
