package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.io.csv.PacketCsvFormatException;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@BeamTest
class PacketCsvIOTest {
  private static Path fixture(String name) {
    try {
      return Paths.get(PacketCsvIOTest.class.getResource("/PacketCsvIOTest/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The byte offset of each line of a small uncompressed file. */
  private static List<Long> lineOffsets(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    List<Long> out = new ArrayList<>();
    out.add(0L);
    for (int i = 0; i < b.length - 1; i++) {
      if (b[i] == '\n') {
        out.add((long) i + 1);
      }
    }
    return out;
  }

  /**
   * Asserts records read (summed over ranges) = packets + rejected + non-IP rows = {@code
   * expected}.
   */
  private static void assertReconciles(PacketReadResult r, long expected) {
    PAssert.thatSingleton(
            "RecordsRead",
            r.getRecordsRead()
                .apply("Counts", Values.create())
                .apply("SumCounts", Sum.longsGlobally()))
        .isEqualTo(expected);
    PCollection<Long> packets = r.getOutput().apply("CountPackets", Count.globally());
    PCollection<Long> errors = r.getErrors().apply("CountErrors", Count.globally());
    PCollection<Long> nonIp = r.getNonIpCounts().apply("NonIpCounts", Values.create());
    PAssert.thatSingleton(
            "PacketsPlusErrorsPlusNonIp",
            PCollectionList.of(packets)
                .and(errors)
                .and(nonIp)
                .apply("All", Flatten.pCollections())
                .apply("SumAll", Sum.longsGlobally()))
        .isEqualTo(expected);
  }

  @Test
  void readsACleanFile(TestPipeline p) throws IOException {
    Path file = fixture("clean.csv");
    List<Long> at = lineOffsets(file);
    PacketReadResult r = p.apply("Read", PacketCsvIO.read().from(file.toString()));

    Packet.Builder syn =
        Packet.builder().src("10.0.0.1", 40000).dst("10.0.0.2", 80).protocol(IpProtocol.TCP);
    PAssert.that(r.getOutput())
        .containsInAnyOrder(
            syn.timestampMicros(1700000000000001L)
                .flags(TcpFlags.SYN)
                .seq(100)
                .ack(0)
                .length(60)
                .sourceOffset(at.get(1))
                .build(),
            Packet.builder()
                .timestampMicros(1700000000001002L)
                .src("10.0.0.2", 80)
                .dst("10.0.0.1", 40000)
                .protocol(6)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .seq(500)
                .ack(101)
                .length(60)
                .sourceOffset(at.get(2))
                .build(),
            syn.timestampMicros(1700000000002003L)
                .flags(TcpFlags.ACK)
                .seq(101)
                .ack(501)
                .length(52)
                .sourceOffset(at.get(3))
                .build());
    PAssert.that(r.getErrors()).empty();
    PAssert.that(r.getRecordsRead())
        .containsInAnyOrder(org.apache.beam.sdk.values.KV.of(file.toString(), 3L));
    PAssert.that(
            r.getOutput()
                .apply("Reify", Reify.timestamps())
                .apply(
                    "EventMillis",
                    MapElements.into(TypeDescriptors.longs())
                        .via((TimestampedValue<Packet> t) -> t.getTimestamp().getMillis())))
        .containsInAnyOrder(1700000000000L, 1700000000001L, 1700000000002L);
    assertReconciles(r, 3);
    p.run().waitUntilFinish();
  }

  @Test
  void rejectsBadRowsWithFileOffsetTextAndReason(TestPipeline p) throws IOException {
    Path file = fixture("mixed.csv");
    String f = file.toString();
    List<Long> at = lineOffsets(file);
    PacketReadResult r = p.apply("Read", PacketCsvIO.read().from(f));

    PAssert.that(
            r.getOutput()
                .apply(
                    "Offsets", MapElements.into(TypeDescriptors.longs()).via(Packet::sourceOffset)))
        .containsInAnyOrder(at.get(1), at.get(6));
    PAssert.that(r.getErrors())
        .containsInAnyOrder(
            new RejectedRecord(f, at.get(2), "10.0.0.2,10.0.0.1,,60,2", "missing timestamp"),
            new RejectedRecord(
                f, at.get(3), "10.0.0.2,::1,1700000000000002,60,2", "mixed IPv4/IPv6 address pair"),
            new RejectedRecord(
                f,
                at.get(4),
                "10.0.0.2,10.0.0.1,1700000000000003,60,9999",
                "flags 9999 outside 0..4095"),
            new RejectedRecord(
                f,
                at.get(5),
                "10.0.0.2,10.0.0.1,1700000000000004,60",
                "row has 4 fields, header has 5"));
    assertReconciles(r, 6);
    p.run().waitUntilFinish();
  }

  @Test
  void rowsWithoutAddressesAreNonIpFramesNotRejections(TestPipeline p) throws IOException {
    // tshark's export of two IP packets, two frames it could not decode as IP (every IP field
    // empty), a row with one address and a row with a bad timestamp.
    Path file = fixture("non-ip.csv");
    String f = file.toString();
    List<Long> at = lineOffsets(file);
    PacketReadResult r = p.apply("Read", PacketCsvIO.read().from(f).withSplitSize(50));

    PAssert.that(
            r.getOutput()
                .apply(
                    "Offsets", MapElements.into(TypeDescriptors.longs()).via(Packet::sourceOffset)))
        .containsInAnyOrder(at.get(1), at.get(3));
    PAssert.that(r.getNonIpCounts().apply("SumPerType", Sum.longsPerKey()))
        .containsInAnyOrder(KV.of("CSV_ROW_WITHOUT_ADDRESSES", 2L));
    PAssert.that(r.getErrors())
        .containsInAnyOrder(
            new RejectedRecord(
                f,
                at.get(5),
                "1700000000.000005,,,10.0.0.2,,40000,80,6,0x0010,100,1,60",
                "missing src_ip"),
            new RejectedRecord(f, at.get(6), "x,,,,,,,,,,,60", "bad frame.time_epoch 'x'"));
    assertReconciles(r, 6);
    p.run().waitUntilFinish();
  }

  @Test
  void severalPatternsFormOneDatasetAndGzipIsRead(TestPipeline p) {
    // clean.csv is matched twice but read once; gzip-magic.dat is gzip without the .gz name.
    String dir = fixture("clean.csv").getParent().toString();
    PacketReadResult r =
        p.apply(
            "Read",
            PacketCsvIO.read()
                .from(
                    dir
                        + "/clean.csv, "
                        + dir
                        + "/*.csv.gz,"
                        + dir
                        + "/clea*.csv,"
                        + dir
                        + "/*.dat")
                .withSplitSize(40));
    PAssert.that(
            r.getOutput()
                .apply(
                    "Micros",
                    MapElements.into(TypeDescriptors.longs()).via(Packet::timestampMicros)))
        .containsInAnyOrder(
            1700000000000001L,
            1700000000001002L,
            1700000000002003L,
            1700000001000000L,
            1700000001000500L,
            1700000002000000L);
    PAssert.that(r.getErrors()).empty();
    assertReconciles(r, 6);
    p.run().waitUntilFinish();
  }

  @Test
  void resolvesIdsThroughAnIpMapFile(TestPipeline p) {
    Path file = fixture("ids.csv");
    PacketReadResult r =
        p.apply(
            "Read",
            PacketCsvIO.read()
                .from(file.toString())
                .withIpMapFile(fixture("ip_map.json").toString()));
    PAssert.that(
            r.getOutput()
                .apply(
                    "Sources", MapElements.into(TypeDescriptors.strings()).via(Packet::srcIpText)))
        .containsInAnyOrder("172.28.185.51", "60.203.52.184");
    PAssert.that(
            r.getErrors()
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings()).via(RejectedRecord::reason)))
        .containsInAnyOrder("unmapped address id 3 in dst_ip");
    assertReconciles(r, 3);
    p.run().waitUntilFinish();
  }

  @Test
  void readFilesSplitsAFileIntoManyRanges(TestPipeline p, @TempDir Path dir) throws IOException {
    StringBuilder sb = new StringBuilder("protocol,length,dst_ip,src_ip,timestamp\r\n");
    for (int i = 0; i < 400; i++) {
      sb.append("6,")
          .append(40 + i)
          .append(",10.0.0.2,10.0.0.1,")
          .append(1_000_000L * i)
          .append("\r\n");
    }
    Path file = dir.resolve("many.csv");
    Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    PacketReadResult r =
        p.apply("Match", FileIO.match().filepattern(file.toString()))
            .apply("ReadMatches", FileIO.readMatches())
            .apply("ReadFiles", PacketCsvIO.readFiles().withSplitSize(100));
    PAssert.that(
            r.getOutput()
                .apply("Lengths", MapElements.into(TypeDescriptors.integers()).via(Packet::length)))
        .satisfies(
            lengths -> {
              List<Integer> sorted = new ArrayList<>();
              lengths.forEach(sorted::add);
              sorted.sort(null);
              List<Integer> expected = new ArrayList<>();
              for (int i = 0; i < 400; i++) {
                expected.add(40 + i);
              }
              assertThat(sorted, equalTo(expected));
              return null;
            });
    PAssert.that(r.getErrors()).empty();
    PAssert.thatSingleton(r.getRecordsRead().apply("Ranges", Count.globally()))
        .satisfies(
            n -> {
              assertThat("ranges processed", n, greaterThan(50L));
              return null;
            });
    assertReconciles(r, 400);
    p.run().waitUntilFinish();
  }

  @Test
  void missingColumnFailsTheReadWithAOneLineMessage(TestPipeline p) {
    Path file = fixture("bad-header.csv");
    p.apply("Read", PacketCsvIO.read().from(file.toString()));
    PipelineExecutionException e =
        assertThrows(PipelineExecutionException.class, () -> p.run().waitUntilFinish());
    Throwable cause = e.getCause();
    assertThat(cause.getClass(), equalTo(PacketCsvFormatException.class));
    assertThat(
        cause.getMessage(),
        equalTo(
            file + ": missing required columns src_ip, dst_ip (header: timestamp,src,dst,length)"));
  }

  @Test
  void transformsAreImmutable() {
    PacketCsvIO.Read a = PacketCsvIO.read().from("x.csv");
    PacketCsvIO.Read b = a.withIpMap(Map.of(1, "1.2.3.4")).withSplitSize(10);
    assertThat(a == b, equalTo(false));
    assertThrows(IllegalArgumentException.class, () -> a.withSplitSize(0));
    assertThrows(IllegalArgumentException.class, () -> a.withIpMap(Map.of(1, "not-an-ip")));
    assertThrows(IllegalArgumentException.class, () -> PacketCsvIO.read().from(" , "));
  }
}
