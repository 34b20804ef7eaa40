package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.transforms.DoFn.OutputReceiver;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.RejectedRecordCoder;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.transforms.JobProgress;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.PacketDigester;
import org.flowbeam.transforms.TotalTraffic;
import org.joda.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell on its own, with a tiny line format ({@link LineRecords}): the claim loop, the
 * per-range report and the error routing at every split point, outside Beam (the tracker must end
 * done), on a stream read from its start (a compressed file and a checkpoint's residual), in digest
 * mode, and on the Direct Runner with its metrics.
 */
@BeamTest
class RangeReadFnTest {
  /** 12 records: 7 packets (one at a time Beam cannot hold), 2 non-IP frames, 3 errors. */
  private static final String LINES =
      String.join(
              "\n",
              "P 1000000 1000",
              "N ARP",
              "P 2000000 1001",
              "garbage",
              "P 3000000 1000",
              "P 9223372036854775807 1002",
              "N ARP",
              "",
              "P 4000000 1001",
              "P 4500000 1000",
              "x y z",
              "P 5000000 1000")
          + "\n";

  private static final long MIN_MILLIS = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  @TempDir Path dir;
  private Path file;
  private long size;

  @BeforeEach
  void writeFile() throws IOException {
    file = dir.resolve("lines.txt");
    Files.writeString(file, LINES);
    size = Files.size(file);
  }

  @Test
  void everySplitReadsEveryRecordOnceAndReportsEachRangeOnce() throws IOException {
    Outputs whole = readAll(packetsFn(), new long[] {0, size}, Compression.UNCOMPRESSED, file);
    assertThat(whole.packets.size(), equalTo(6));
    assertThat(
        whole.errorReasons(),
        contains(
            "not a record",
            "timestamp 9223372036854775807 us outside Beam's range",
            "not a record",
            "not a record"));
    assertThat(whole.records(), equalTo(12L));
    assertThat(whole.nonIp(), equalTo(Map.of("ARP", 2L)));
    for (long a = 0; a <= size; a++) {
      for (long b = a; b <= size; b++) {
        long[] cuts = a == 0 ? new long[] {0, b, size} : new long[] {0, a, b, size};
        Outputs split = readAll(packetsFn(), cuts, Compression.UNCOMPRESSED, file);
        String where = java.util.Arrays.toString(cuts);
        assertThat(where, split.packetText(), equalTo(whole.packetText()));
        assertThat(where, split.errors, equalTo(whole.errors));
        assertThat(where, split.records(), equalTo(12L));
        assertThat(where, split.nonIp(), equalTo(whole.nonIp()));
        assertThat(where, split.reports, equalTo(rangesWithARecord(cuts)));
        // Bytes, records, packets and flow-protocol packets added to the job's progress.
        assertThat(where, split.progress(), equalTo(List.of(size, 12L, 6L, 6L)));
      }
    }
  }

  @Test
  void theFirstRecordsOfAFileAreReadOnceAtEverySplitAndNoRecordAfterThem() throws IOException {
    MatchResult.Metadata meta = metadata(file, size);
    for (long n = 0; n <= 13; n++) {
      RangeReadFn.FirstRecords first = RangeReadFn.firstRecords(new LineRecords(), meta, n);
      assertThat(first.records(), equalTo(Math.min(n, 12L)));
      assertThat(first.wholeFile(), equalTo(n >= 12));
      if (n >= 12) {
        continue;
      }
      // The offset where record n (counted from 0) starts: after the n-th newline.
      long expectedEnd = LINES.lines().limit(n).mapToLong(l -> l.length() + 1).sum();
      assertThat(first.endOffset(), equalTo(expectedEnd));
      RangeReadFn<Packet> fn =
          packetsFn().withEndOffsets(Map.of(meta.resourceId().toString(), first.endOffset()));
      for (long a = 0; a <= size; a += 3) {
        long[] cuts = a == 0 ? new long[] {0, size} : new long[] {0, a, size};
        Outputs split = readAll(fn, cuts, Compression.UNCOMPRESSED, file);
        assertThat("n=" + n + " cut at " + a, split.records(), equalTo(n));
      }
    }
    // A gzip file: its records are framed in its uncompressed bytes, as the read frames them.
    Path gz = dir.resolve("first.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(LINES.getBytes(StandardCharsets.UTF_8));
    }
    RangeReadFn.FirstRecords first =
        RangeReadFn.firstRecords(new LineRecords(), metadata(gz, Files.size(gz)), 5);
    assertThat(
        first, equalTo(new RangeReadFn.FirstRecords(5, LINES.indexOf("P 9223372036854775807"))));
  }

  @Test
  void aStreamIsReadWholeAndAResidualFromItsOffset() throws IOException {
    Path gz = dir.resolve("lines.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(LINES.getBytes(StandardCharsets.UTF_8));
    }
    Outputs whole = readAll(packetsFn(), new long[] {0, size}, Compression.UNCOMPRESSED, file);
    for (long c = 0; c <= size + 1; c++) {
      // A checkpoint at c leaves the residual [c, MAX): read by decompressing from the start.
      Outputs split = readAll(packetsFn(), new long[] {0, c, Long.MAX_VALUE}, Compression.GZIP, gz);
      assertThat("cut at " + c, split.packetText(), equalTo(whole.packetText()));
      assertThat("cut at " + c, split.errorText(), equalTo(whole.errorText()));
      assertThat("cut at " + c, split.records(), equalTo(12L));
      // The compressed bytes, each counted once although the residual decompresses from the start.
      assertThat("cut at " + c, split.progress(), equalTo(List.of(Files.size(gz), 12L, 6L, 6L)));
    }
  }

  @Test
  void rangeCountIsHowManyRangesTheStepSplitsAFileInto() throws IOException {
    Path gz = dir.resolve("count.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(new byte[100_000]);
    }
    Path named = dir.resolve("plain-name.bin");
    Files.copy(gz, named); // gzip by its magic number, not its name
    Path empty = Files.createFile(dir.resolve("empty.txt"));
    RangeReadFn<Packet> fn = RangeReadFn.packets(new LineRecords(), 40, mux(ReadResult.PACKETS));
    for (Path f : List.of(file, gz, named, empty)) {
      MatchResult.Metadata meta = FileSystems.matchSingleFileSpec(f.toString());
      List<OffsetRange> ranges = new ArrayList<>();
      fn.splitRestriction(
          new OffsetRange(0, Math.max(1, meta.sizeBytes())),
          new OutputReceiver<OffsetRange>() {
            @Override
            public void output(OffsetRange r) {
              ranges.add(r);
            }

            @Override
            public void outputWithTimestamp(OffsetRange r, Instant t) {
              ranges.add(r);
            }
          });
      int expected = f.equals(file) || f.equals(empty) ? ranges.size() : 1;
      assertThat(f.toString(), ReadFiles.rangeCount(meta, 40), equalTo(expected));
    }
    assertThat(
        ReadFiles.rangeCount(FileSystems.matchSingleFileSpec(file.toString()), 40), equalTo(4));
  }

  @Test
  void packetsBeforeTheFileElementsTimeAreRejected() throws IOException {
    Outputs out = new Outputs();
    read(packetsFn(), 0, size, Compression.UNCOMPRESSED, file, 2500, out);
    assertThat(out.packets.size(), equalTo(4));
    assertThat(
        out.errorReasons().subList(0, 2),
        contains(
            "timestamp is earlier than the input file's event time",
            "timestamp is earlier than the input file's event time"));
    assertThat(out.records(), equalTo(12L));
  }

  @Test
  void digestingGivesFragmentsAtTheirOldestPacketAndKeepsPacketsWhenAsked() throws IOException {
    long[] cuts = {0, 40, 41, 90, size};
    Outputs plain = readAll(packetsFn(), cuts, Compression.UNCOMPRESSED, file);
    RangeReadFn<KV<FlowKey, PacketFragment>> fn =
        RangeReadFn.digesting(
            new LineRecords(), 64, new PacketDigester(1_000_000, 2), true, mux(PacketDigest.KEYED));
    fn.startBundle();
    Outputs digested = readAll(fn, cuts, Compression.UNCOMPRESSED, file);
    assertThat(digested.packetText(), equalTo(plain.packetText()));
    assertThat(digested.errors, equalTo(plain.errors));
    List<Packet> inFragments = new ArrayList<>();
    for (TimestampedValue v : digested.all.get(PacketDigest.KEYED)) {
      @SuppressWarnings("unchecked")
      PacketFragment f = ((KV<FlowKey, PacketFragment>) v.value).getValue();
      assertThat(f.size() <= 2, equalTo(true));
      assertThat(v.timestamp, equalTo(new Instant(Math.floorDiv(f.oldestUs(), 1000L))));
      inFragments.addAll(f.packets());
    }
    assertThat(inFragments.size(), equalTo(6));
    long totals = 0;
    for (TimestampedValue v : digested.all.get(PacketDigest.TOTALS)) {
      totals += ((TotalTraffic) v.value).toPacketTotals().packets();
    }
    assertThat(totals, equalTo(6L));
  }

  @Test
  void readFilesOnTheDirectRunnerWithMetricsNamedByTheShell(TestPipeline p) {
    PacketReadResult r =
        p.apply("Match", FileIO.match().filepattern(file.toString()))
            .apply("Open", FileIO.readMatches())
            .apply("Read", ReadFiles.of(new LineRecords()).withSplitSize(7));
    PAssert.that(
            r.getOutput()
                .apply(
                    "Offsets", MapElements.into(TypeDescriptors.longs()).via(Packet::sourceOffset)))
        .containsInAnyOrder(0L, 21L, 44L, 93L, 108L, 129L);
    PAssert.thatSingleton(r.getErrors().apply("Count errors", Count.globally())).isEqualTo(4L);
    PAssert.thatSingleton(
            r.getRecordsRead().apply("Counts", Values.create()).apply("Sum", Sum.longsGlobally()))
        .isEqualTo(12L);
    PAssert.that(r.getNonIpCounts().apply("NonIp", Sum.longsPerKey()))
        .containsInAnyOrder(KV.of("ARP", 2L));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertThat(ReaderMetrics.counter(result, "records"), equalTo(12L));
    assertThat(ReaderMetrics.counter(result, "packets"), equalTo(6L));
    assertThat(ReaderMetrics.counter(result, "errors"), equalTo(4L));
    assertThat(ReaderMetrics.counter(result, "non_ip"), equalTo(2L));
    assertThat(ReaderMetrics.counter(result, "ranges"), greaterThan(10L));
    assertThat(ReaderMetrics.counter(result, "bytes"), equalTo(size));
    assertThat(ReaderMetrics.counter(result, "flow_packets"), equalTo(6L));
  }

  @Test
  void aFileThatGrewOrShrankSinceItWasListedIsRefusedInOneLine() throws IOException {
    OffsetRangeTracker tracker = new OffsetRangeTracker(new OffsetRange(0, size));
    MatchResult.Metadata listed = metadata(file, size);
    Files.writeString(file, LINES + "P 6000000 1000\n");
    InputChangedException grew =
        assertThrows(
            InputChangedException.class,
            () ->
                packetsFn()
                    .readRange(
                        listed,
                        Compression.UNCOMPRESSED,
                        MIN_MILLIS,
                        tracker,
                        sink(),
                        JobProgress.NONE));
    assertThat(
        grew.getMessage(),
        equalTo(
            file
                + ": changed while being read ("
                + size
                + " bytes when listed, "
                + (size + 15)
                + " now): read it once it is complete"));
    Files.writeString(file, LINES.substring(0, 20));
    InputChangedException shrank =
        assertThrows(
            InputChangedException.class,
            () ->
                packetsFn()
                    .readRange(
                        listed,
                        Compression.UNCOMPRESSED,
                        MIN_MILLIS,
                        new OffsetRangeTracker(new OffsetRange(0, size)),
                        sink(),
                        JobProgress.NONE));
    assertThat(shrank.getMessage(), containsString("(" + size + " bytes when listed, 20 now)"));
  }

  @Test
  void aFileThatGrowsWhileARangeIsReadIsRefused() throws IOException {
    // The file grows once its reader has framed the first record, as a capture being written.
    InputFormat<RecordReader> growing =
        new InputFormat<>() {
          @Override
          public RecordReader open(
              MatchResult.Metadata m, java.nio.channels.SeekableByteChannel channel, long start)
              throws IOException {
            RecordReader r = new LineRecords().open(m, channel, start);
            Files.writeString(file, "P 7000000 1000\n", java.nio.file.StandardOpenOption.APPEND);
            return r;
          }

          @Override
          public RecordReader open(MatchResult.Metadata m, java.io.InputStream stream) {
            throw new UnsupportedOperationException();
          }
        };
    RangeReadFn<Packet> fn = RangeReadFn.packets(growing, 64, mux(ReadResult.PACKETS));
    OffsetRangeTracker tracker = new OffsetRangeTracker(new OffsetRange(0, size));
    InputChangedException e =
        assertThrows(
            InputChangedException.class,
            () ->
                fn.readRange(
                    metadata(file, size),
                    Compression.UNCOMPRESSED,
                    MIN_MILLIS,
                    tracker,
                    sink(),
                    JobProgress.NONE));
    assertThat(e.getMessage(), containsString("changed while being read"));
  }

  @Test
  void aCorruptOrCutGzipEndsWithOneErrorRecordAfterTheRecordsBeforeIt() throws IOException {
    String csv = "timestamp,src_ip,dst_ip,length\n";
    StringBuilder rows = new StringBuilder(csv);
    for (int i = 0; i < 20_000; i++) {
      rows.append(1_000_000L + i).append(",10.0.0.1,10.0.").append(i % 250).append(".2,60\n");
    }
    java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(z)) {
      out.write(rows.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] gz = z.toByteArray();
    byte[] corrupt = gz.clone();
    corrupt[gz.length / 2] ^= 0x5a;
    corrupt[gz.length / 2 + 1] ^= 0x33;
    byte[][] bad = {java.util.Arrays.copyOf(gz, gz.length / 2), corrupt};
    for (byte[] variant : bad) {
      Path f = dir.resolve("rows.csv.gz");
      Files.write(f, variant);
      RangeReadFn<Packet> fn =
          RangeReadFn.packets(
              new org.flowbeam.io.csv.PacketCsvFormat(org.flowbeam.io.csv.IpMap.empty()),
              64,
              mux(ReadResult.PACKETS));
      Outputs out = new Outputs();
      read(fn, 0, Long.MAX_VALUE, Compression.GZIP, f, MIN_MILLIS, out);
      RejectedRecord last = out.errors.get(out.errors.size() - 1);
      assertThat(last.reason(), containsString("compressed input unreadable after "));
      assertThat(last.reason(), containsString("the rest of the file is not read"));
      assertThat(out.packets.size(), greaterThan(1000));
      assertThat(out.packets.size(), lessThan(20_000));
      assertThat(out.records(), equalTo((long) out.packets.size() + out.errors.size()));
    }
  }

  private static MatchResult.Metadata metadata(Path file, long size) {
    return MatchResult.Metadata.builder()
        .setResourceId(FileSystems.matchNewResource(file.toString(), false))
        .setSizeBytes(size)
        .setIsReadSeekEfficient(true)
        .setLastModifiedMillis(0)
        .build();
  }

  private static MultiOutputReceiver sink() {
    return new Outputs().receiver();
  }

  private static RangeReadFn<Packet> packetsFn() {
    return RangeReadFn.packets(new LineRecords(), 64, mux(ReadResult.PACKETS));
  }

  private static MultiplexedOutputs mux(TupleTag<?> main) {
    return MultiplexedOutputs.of(main, Map.of(ReadResult.ERRORS, RejectedRecordCoder.of()));
  }

  /** Reads every range {@code [cuts[i], cuts[i+1])} and gathers the outputs. */
  private static Outputs readAll(RangeReadFn<?> fn, long[] cuts, Compression compression, Path file)
      throws IOException {
    Outputs out = new Outputs();
    for (int i = 0; i + 1 < cuts.length; i++) {
      read(fn, cuts[i], cuts[i + 1], compression, file, MIN_MILLIS, out);
    }
    return out;
  }

  private static void read(
      RangeReadFn<?> fn,
      long from,
      long to,
      Compression compression,
      Path file,
      long minMillis,
      Outputs out)
      throws IOException {
    OffsetRangeTracker tracker = new OffsetRangeTracker(new OffsetRange(from, to));
    MatchResult.Metadata meta =
        MatchResult.Metadata.builder()
            .setResourceId(FileSystems.matchNewResource(file.toString(), false))
            .setSizeBytes(Files.size(file))
            .setIsReadSeekEfficient(true)
            .setLastModifiedMillis(0)
            .build();
    int before = out.packets.size();
    fn.readRange(meta, compression, minMillis, tracker, out.receiver(), out.progress);
    tracker.checkDone();
    for (Packet p : out.packets.subList(before, out.packets.size())) {
      assertThat(
          "packet in its range", p.sourceOffset() >= from && p.sourceOffset() < to, equalTo(true));
    }
  }

  /** How many of the ranges between {@code cuts} hold a line start. */
  private int rangesWithARecord(long[] cuts) {
    List<Long> starts = new ArrayList<>();
    starts.add(0L);
    for (int i = 0; i < LINES.length() - 1; i++) {
      if (LINES.charAt(i) == '\n') {
        starts.add((long) i + 1);
      }
    }
    int n = 0;
    for (int i = 0; i + 1 < cuts.length; i++) {
      for (long s : starts) {
        if (s >= cuts[i] && s < cuts[i + 1]) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  private record TimestampedValue(Object value, Instant timestamp) {}

  /** Everything output, by tag, in order. */
  private static final class Outputs {
    final Map<TupleTag<?>, List<TimestampedValue>> all = new HashMap<>();
    final List<Packet> packets = new ArrayList<>();
    final List<RejectedRecord> errors = new ArrayList<>();
    final JobProgress progress = JobProgress.register("RangeReadFnTest-" + UUID.randomUUID());
    int reports;

    /** The bytes, records, packets and flow-protocol packets added to {@link #progress}. */
    List<Long> progress() {
      JobProgress.Snapshot s = progress.snapshot();
      return List.of(s.bytes(), s.records(), s.packets(), s.flowPackets());
    }

    MultiOutputReceiver receiver() {
      return new MultiOutputReceiver() {
        @Override
        public <T> OutputReceiver<T> get(TupleTag<T> tag) {
          return new OutputReceiver<T>() {
            @Override
            public void output(T value) {
              outputWithTimestamp(value, BoundedWindow.TIMESTAMP_MIN_VALUE);
            }

            @Override
            public void outputWithTimestamp(T value, Instant timestamp) {
              all.computeIfAbsent(tag, t -> new ArrayList<>())
                  .add(new TimestampedValue(value, timestamp));
              if (tag.equals(ReadResult.PACKETS)) {
                packets.add((Packet) value);
              } else if (tag.equals(ReadResult.ERRORS)) {
                errors.add((RejectedRecord) value);
              } else if (tag.equals(ReadResult.RECORDS_READ)) {
                reports++;
              }
            }
          };
        }

        @Override
        public <T> OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
          throw new UnsupportedOperationException();
        }
      };
    }

    List<String> packetText() {
      List<String> out = new ArrayList<>();
      for (TimestampedValue v : all.getOrDefault(ReadResult.PACKETS, List.of())) {
        out.add(v.timestamp().getMillis() + " " + v.value());
      }
      return out;
    }

    /** Offset, raw text and reason of each error (not the file name). */
    List<String> errorText() {
      List<String> out = new ArrayList<>();
      errors.forEach(e -> out.add(e.offset() + " " + e.raw() + " " + e.reason()));
      return out;
    }

    List<String> errorReasons() {
      List<String> out = new ArrayList<>();
      errors.forEach(e -> out.add(e.reason()));
      return out;
    }

    @SuppressWarnings("unchecked")
    long records() {
      long n = 0;
      for (TimestampedValue v : all.getOrDefault(ReadResult.RECORDS_READ, List.of())) {
        n += ((KV<String, Long>) v.value()).getValue();
      }
      return n;
    }

    @SuppressWarnings("unchecked")
    Map<String, Long> nonIp() {
      Map<String, Long> m = new TreeMap<>();
      for (TimestampedValue v : all.getOrDefault(ReadResult.NON_IP, List.of())) {
        KV<String, Long> kv = (KV<String, Long>) v.value();
        m.merge(kv.getKey(), kv.getValue(), Long::sum);
      }
      return m;
    }
  }
}
