package org.flowbeam.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.filter.DuplicateWindow;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.transforms.JobProgress;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.PacketDigester;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one splittable DoFn that reads packet files, whatever their {@link InputFormat}, in the
 * manner of ParquetIO's {@code SplitReadFn}: the restriction is a byte range of the file, split
 * into {@code splitSize} pieces, and a record belongs to the range in which its first byte lies
 * (its offset is what is claimed).
 *
 * <p>A compressed file (the compression its {@link ReadableFile} declares, or gzip by name or magic
 * number) cannot be split: its restriction is {@code [0, Long.MAX_VALUE)} in uncompressed bytes, it
 * is read as one stream, and a residual left by a runner's checkpoint is read by decompressing from
 * the start and skipping the records before it.
 *
 * <p>Outputs, per record: a packet (event time = capture time, rounded down to milliseconds) on
 * {@link ReadResult#PACKETS} or into the {@link PacketDigester}, or a rejected record on {@link
 * ReadResult#ERRORS} (a packet whose time Beam cannot represent, or earlier than its file's
 * element, is rejected too). Per range in which a record starts: {@code KV(file, records framed)}
 * on {@link ReadResult#RECORDS_READ}, {@code KV(frame type, count)} per type of non-IP frame on
 * {@link ReadResult#NON_IP}, {@code KV(reason, count)} per reason a packet was left out by the
 * read's {@link PacketFilter} on {@link ReadResult#FILTERED}, the format's own report, and, when
 * digesting, the range's fragments and partial sums on the {@link PacketDigest} tags (flushed at
 * the end of each range: Beam's bounded splittable DoFns on Flink may not output from
 * {@code @FinishBundle}).
 *
 * <p>Progress: the bytes, records, packets and flow-protocol packets of a range are added to the
 * job's {@link JobProgress} every {@link #PROGRESS_RECORDS} records and at its end, and to the
 * counters {@code bytes}, {@code records}, {@code packets} and {@code flow_packets} at its end. A
 * plain range accounts for the bytes from its start to the record being read, then to its end, so
 * that the ranges of a file add up to the file's size; a compressed file, whose ranges are in
 * uncompressed bytes, accounts for the compressed bytes read from storage, and for the whole file
 * at its end.
 *
 * <p>The step declares two outputs, its main one and {@link MultiplexedOutputs#MUXED}, which
 * carries all others (see {@link MultiplexedOutputs} for why); {@link ReadFiles} applies it.
 *
 * @param <T> the main output: packets, or fragments keyed by flow when digesting
 */
@DoFn.BoundedPerElement
public final class RangeReadFn<T> extends DoFn<ReadableFile, T> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RangeReadFn.class);

  /** The earliest and latest event times Beam can hold in the global window, ms. */
  private static final long MIN_MILLIS = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  private static final long MAX_MILLIS = GlobalWindow.INSTANCE.maxTimestamp().getMillis();

  private final InputFormat<?> format;
  private final long splitSize;
  private final @Nullable PacketDigester digester;
  private final boolean outputPackets;
  private final MultiplexedOutputs outputs;
  private final PacketFilter filter;

  /** Where reading a file stops (its resource id's text to an offset): {@code --maxRecords}. */
  private final Map<String, Long> endOffsets;

  private final Counter records = Metrics.counter(RangeReadFn.class, "records");
  private final Counter packets = Metrics.counter(RangeReadFn.class, "packets");
  private final Counter errors = Metrics.counter(RangeReadFn.class, "errors");
  private final Counter nonIp = Metrics.counter(RangeReadFn.class, "non_ip");
  private final Counter filtered = Metrics.counter(RangeReadFn.class, "filtered");
  private final Counter ranges = Metrics.counter(RangeReadFn.class, "ranges");
  private final Counter unreported = Metrics.counter(RangeReadFn.class, "recordsReadUnreported");
  private final Counter bytes = Metrics.counter(RangeReadFn.class, "bytes");
  private final Counter flowPackets = Metrics.counter(RangeReadFn.class, "flow_packets");

  /** Records read between two additions to the job's {@link JobProgress} within a range. */
  static final int PROGRESS_RECORDS = 1 << 16;

  private RangeReadFn(
      InputFormat<?> format,
      long splitSize,
      @Nullable PacketDigester digester,
      boolean outputPackets,
      MultiplexedOutputs outputs,
      PacketFilter filter,
      Map<String, Long> endOffsets) {
    this.format = format;
    this.splitSize = ReadSpec.checkSplitSize(splitSize);
    this.digester = digester;
    this.outputPackets = outputPackets;
    this.outputs = outputs;
    this.filter = filter;
    this.endOffsets = Map.copyOf(endOffsets);
  }

  /**
   * Keeps only the packets {@code filter} passes; the others are counted per reason on {@link
   * ReadResult#FILTERED} (and the counter {@code filtered}), neither output nor digested.
   */
  RangeReadFn<T> withFilter(PacketFilter filter) {
    return new RangeReadFn<>(
        format, splitSize, digester, outputPackets, outputs, filter, endOffsets);
  }

  /**
   * Reads no record of a file in {@code endOffsets} (keyed by its resource id's text) that starts
   * at or after its offset there: the records before it are the file's share of {@code
   * --maxRecords} ({@link #firstRecords}).
   */
  RangeReadFn<T> withEndOffsets(Map<String, Long> endOffsets) {
    return new RangeReadFn<>(
        format, splitSize, digester, outputPackets, outputs, filter, endOffsets);
  }

  /** The first records of a file: how many, and the offset where reading them stops. */
  public record FirstRecords(long records, long endOffset) {
    /** True if the file holds no more records than these. */
    public boolean wholeFile() {
      return endOffset < 0;
    }
  }

  /**
   * Frames the records of {@code file} from its start, as the reading step does, up to record
   * number {@code n}: the offset at which that record starts ends the read of the file's first
   * {@code n} records, or the file is read whole (end offset -1) if it holds {@code n} or fewer.
   */
  static FirstRecords firstRecords(InputFormat<?> format, MatchResult.Metadata file, long n)
      throws IOException {
    ResourceId id = file.resourceId();
    Compression compression = compressionOf(file, Compression.AUTO);
    DecompressionGuard.CountingChannel stored =
        compression == Compression.UNCOMPRESSED
            ? null
            : DecompressionGuard.counting(FileSystems.open(id));
    try (ReadableByteChannel channel = openChannel(id, stored, compression);
        RecordReader reader =
            channel instanceof SeekableByteChannel
                ? format.open(file, (SeekableByteChannel) channel, 0)
                : format.open(file, Channels.newInputStream(channel))) {
      long records = 0;
      while (reader.advance()) {
        if (records == n) {
          return new FirstRecords(records, reader.offset());
        }
        records++;
      }
      return new FirstRecords(records, -1);
    }
  }

  /** Outputs the packets as its main output ({@link ReadResult#PACKETS}). */
  static RangeReadFn<Packet> packets(
      InputFormat<?> format, long splitSize, MultiplexedOutputs outputs) {
    return new RangeReadFn<>(format, splitSize, null, true, outputs, PacketFilter.all(), Map.of());
  }

  /**
   * Digests the packets: fragments are its main output ({@link PacketDigest#KEYED}); with {@code
   * keepPackets} the packets are output too, on {@link ReadResult#PACKETS}.
   */
  static RangeReadFn<KV<FlowKey, PacketFragment>> digesting(
      InputFormat<?> format,
      long splitSize,
      PacketDigester digester,
      boolean keepPackets,
      MultiplexedOutputs outputs) {
    return new RangeReadFn<>(
        format, splitSize, digester, keepPackets, outputs, PacketFilter.all(), Map.of());
  }

  @StartBundle
  public void startBundle() {
    if (digester != null) {
      digester.startBundle();
    }
  }

  @GetInitialRestriction
  public OffsetRange initialRestriction(@Element ReadableFile file) throws IOException {
    if (compressionOf(file) != Compression.UNCOMPRESSED) {
      return new OffsetRange(0, Long.MAX_VALUE);
    }
    return new OffsetRange(0, Math.max(1, file.getMetadata().sizeBytes()));
  }

  @SplitRestriction
  public void splitRestriction(@Restriction OffsetRange range, OutputReceiver<OffsetRange> out) {
    if (range.getTo() == Long.MAX_VALUE) {
      out.output(range);
      return;
    }
    for (OffsetRange part : range.split(splitSize, 1)) {
      out.output(part);
    }
  }

  @NewTracker
  public OffsetRangeTracker newTracker(@Restriction OffsetRange range) {
    return new OffsetRangeTracker(range);
  }

  @GetRestrictionCoder
  public Coder<OffsetRange> restrictionCoder() {
    return OffsetRange.Coder.of();
  }

  /** Bytes left; for a compressed file, whose uncompressed size is unknown, its stored size. */
  @GetSize
  public double getSize(@Element ReadableFile file, @Restriction OffsetRange range) {
    if (range.getTo() == Long.MAX_VALUE) {
      return Math.max(1, file.getMetadata().sizeBytes());
    }
    return range.getTo() - range.getFrom();
  }

  @ProcessElement
  public void processElement(
      @Element ReadableFile file,
      @Timestamp Instant timestamp,
      RestrictionTracker<OffsetRange, Long> tracker,
      MultiOutputReceiver receiver,
      PipelineOptions options)
      throws IOException {
    readRange(
        file.getMetadata(),
        compressionOf(file),
        timestamp.getMillis(),
        tracker,
        outputs.wrap(receiver),
        JobProgress.of(options));
  }

  /**
   * Reads the records of {@code file} that start in the tracker's range: the claim loop, outside
   * {@code @ProcessElement} so that tests can drive it with any tracker and receiver.
   *
   * @param minEventMillis packets earlier than this (the file element's timestamp) are rejected:
   *     Beam cannot output an element before its input's timestamp
   */
  void readRange(
      MatchResult.Metadata file,
      Compression compression,
      long minEventMillis,
      RestrictionTracker<OffsetRange, Long> tracker,
      MultiOutputReceiver out,
      JobProgress progress)
      throws IOException {
    ranges.inc();
    progress.rangeStarted();
    long from = tracker.currentRestriction().getFrom();
    ResourceId id = file.resourceId();
    DecompressionGuard.CountingChannel stored =
        compression == Compression.UNCOMPRESSED
            ? null
            : DecompressionGuard.counting(FileSystems.open(id));
    try (ReadableByteChannel channel = openChannel(id, stored, compression);
        Range<?> range =
            open(format, file, channel, new RangeBytes(from, file.sizeBytes(), stored), progress)) {
      checkUnchanged(file, channel);
      if (filter.dedupWindow() > 0) {
        DuplicateWindow window = new DuplicateWindow(filter.dedupWindow());
        if (from > 0 && channel instanceof SeekableByteChannel) {
          for (byte[] digest : framesBefore(file, from, window.previousFrames())) {
            window.isDuplicate(digest);
          }
        }
        range.dedup(window);
      }
      range.read(from, minEventMillis, tracker, out);
      checkUnchanged(file, channel);
    }
  }

  /**
   * The content digests of the last {@code n} frames (or all, if fewer) that start before {@code
   * from} in an uncompressed file, oldest first: the duplicate window a range starting at {@code
   * from} begins with, as a sequential read would have it. Read from a little before {@code from},
   * and from further back until {@code n} frames are found or the file's start is reached.
   */
  private List<byte[]> framesBefore(MatchResult.Metadata file, long from, int n)
      throws IOException {
    MessageDigest md = md5();
    for (long back = 64L << 10; ; back *= 4) {
      long start = Math.max(0, from - back);
      ArrayDeque<byte[]> last = new ArrayDeque<>();
      try (SeekableByteChannel channel = (SeekableByteChannel) FileSystems.open(file.resourceId());
          RecordReader reader = format.open(file, channel, start)) {
        while (reader.advance() && reader.offset() < from) {
          if (reader.digestContent(md)) {
            last.addLast(md.digest());
            if (last.size() > n) {
              last.removeFirst();
            }
          }
        }
      }
      if (last.size() >= n || start == 0) {
        return new ArrayList<>(last);
      }
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5"); // editcap's digest; every JDK has it
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The file's bytes: a seekable channel if uncompressed ({@code raw} null), else the stream
   * decompressed from {@code raw}, bounded by a {@link DecompressionGuard} (whose faults the
   * readers report as an error record ending the file).
   */
  private static ReadableByteChannel openChannel(
      ResourceId id, DecompressionGuard.@Nullable CountingChannel raw, Compression compression)
      throws IOException {
    if (raw == null) {
      return FileSystems.open(id);
    }
    InputStream decompressed;
    try {
      decompressed = Channels.newInputStream(compression.readDecompressed(raw));
    } catch (IOException e) {
      IOException why = DecompressionGuard.classify(e, raw);
      if (!(why instanceof ZipException)) {
        raw.close();
        throw why;
      }
      decompressed =
          new InputStream() {
            @Override
            public int read() throws IOException {
              throw why;
            }
          };
    }
    return Channels.newChannel(DecompressionGuard.guard(decompressed, raw));
  }

  /**
   * Refuses to go on reading a file whose size is no longer the one it was listed with: its ranges
   * were cut for that size, so records would be cut, lost or read twice. One line, naming the file.
   */
  private static void checkUnchanged(MatchResult.Metadata file, ReadableByteChannel channel)
      throws IOException {
    if (!(channel instanceof SeekableByteChannel)) {
      return;
    }
    long now = ((SeekableByteChannel) channel).size();
    if (now != file.sizeBytes()) {
      throw new InputChangedException(
          file.resourceId()
              + ": changed while being read ("
              + file.sizeBytes()
              + " bytes when listed, "
              + now
              + " now): read it once it is complete");
    }
  }

  /** Opens {@code channel} with the format (typed by it), seeking if it can. */
  private <R extends RecordReader> Range<R> open(
      InputFormat<R> format,
      MatchResult.Metadata file,
      ReadableByteChannel channel,
      RangeBytes rangeBytes,
      JobProgress progress)
      throws IOException {
    R reader =
        channel instanceof SeekableByteChannel
            ? format.open(file, (SeekableByteChannel) channel, rangeBytes.from)
            : format.open(file, Channels.newInputStream(channel));
    String name = file.resourceId().toString();
    return new Range<>(
        name,
        reader,
        format.newReport(name),
        rangeBytes,
        progress,
        endOffsets.getOrDefault(name, Long.MAX_VALUE));
  }

  /** One range being read: its counts and report, output once after its last record. */
  private final class Range<R extends RecordReader> implements Closeable {
    private final String file;
    private final R reader;
    private final InputFormat.@Nullable RangeReport<R> report;
    private final RangeBytes rangeBytes;
    private final JobProgress progress;

    /** Records starting at or after this offset are not read (--maxRecords). */
    private final long endOffset;

    private final Map<String, Long> nonIpTypes = new TreeMap<>();
    private final long[] filteredByReason = new long[PacketFilter.Reason.values().length];
    private @Nullable DuplicateWindow window;
    private final MessageDigest md = md5();
    private long duplicates;
    private long minEventMillis;
    private MultiOutputReceiver out;
    private @Nullable OutputReceiver<Packet> packetsOut;
    private long framed;
    private long packetsInRange;
    private long flowInRange;

    /**
     * What was added to the job's progress so far: bytes, records, packets, flow-protocol packets.
     */
    private long progressBytes;

    private long progressRecords;
    private long progressPackets;
    private long progressFlow;

    Range(
        String file,
        R reader,
        InputFormat.@Nullable RangeReport<R> report,
        RangeBytes rangeBytes,
        JobProgress progress,
        long endOffset) {
      this.endOffset = endOffset;
      this.file = file;
      this.reader = reader;
      this.report = report;
      this.rangeBytes = rangeBytes;
      this.progress = progress;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }

    /**
     * Leaves out the frames {@code window} finds duplicate; it holds the frames before the range.
     */
    void dedup(DuplicateWindow window) {
      this.window = window;
    }

    /** True if the current record is a duplicate frame (and, either way, enters the window). */
    private boolean isDuplicate() {
      return window != null && reader.digestContent(md) && window.isDuplicate(md.digest());
    }

    void read(
        long from,
        long minEventMillis,
        RestrictionTracker<OffsetRange, Long> tracker,
        MultiOutputReceiver out)
        throws IOException {
      this.minEventMillis = minEventMillis;
      this.out = out;
      this.packetsOut = outputPackets ? out.get(ReadResult.PACKETS) : null;
      boolean streamEnded = true;
      while (reader.advance()) {
        long offset = reader.offset();
        if (offset < from) {
          isDuplicate(); // the frame enters the duplicate window
          continue; // a stream read from its start up to a residual range
        }
        if (offset >= endOffset) {
          break; // past the file's share of --maxRecords: the rest of the range holds none
        }
        Claim claim = claim(tracker, offset);
        if (claim == Claim.BEYOND_RANGE) {
          streamEnded = false;
          break;
        }
        if (claim == Claim.FAILED) {
          if (framed > 0) {
            // Split concurrently despite the lock: this range's totals, and the packets still
            // in its digest, are lost (packets already output are not); counted so that a
            // failed reconciliation is explained.
            unreported.inc(framed);
            LOG.warn("{}: {} records read but not reported after a concurrent split", file, framed);
          }
          addProgress(rangeBytes.upTo(offset));
          bytes.inc(progressBytes);
          return;
        }
        if (framed == 0) {
          rangeBytes.firstRecord();
        }
        framed++;
        if (report != null) {
          report.add(reader);
        }
        route();
        if (framed % PROGRESS_RECORDS == 0) {
          addProgress(rangeBytes.upTo(offset));
        }
      }
      addProgress(rangeBytes.toEnd(tracker.currentRestriction().getTo(), streamEnded));
      bytes.inc(progressBytes);
      if (framed > 0) {
        report();
      }
      // Output before a successful claim is not allowed, so an empty range outputs nothing; and the
      // next record (if any) belongs to the next range: the rest of this one is done.
      tracker.tryClaim(Long.MAX_VALUE);
    }

    /** Routes the current record. */
    private void route() {
      if (isDuplicate()) {
        duplicates++;
        return;
      }
      switch (reader.kind()) {
        case PACKET:
          Packet p = reader.packet();
          long millis = Math.floorDiv(p.timestampMicros(), 1000L);
          String late = timeError(p.timestampMicros(), millis);
          if (late != null) {
            errors.inc();
            out.get(ReadResult.ERRORS).output(reader.reject(late));
            return;
          }
          PacketFilter.Reason leftOut = filter.rejects(p);
          if (leftOut != null) {
            filteredByReason[leftOut.ordinal()]++;
            return;
          }
          packetsInRange++;
          if (digester != null ? digester.keysForFlows(p) : p.isTcp()) {
            flowInRange++;
          }
          if (packetsOut != null) {
            packetsOut.outputWithTimestamp(p, new Instant(millis));
          }
          if (digester != null) {
            digester.add(p, out);
          }
          return;
        case NON_IP:
          nonIpTypes.merge(reader.nonIpType(), 1L, Long::sum);
          return;
        default:
          errors.inc();
          out.get(ReadResult.ERRORS).output(reader.error());
      }
    }

    /** Adds to the job's progress what was read since the last addition, up to {@code bytes}. */
    private void addProgress(long bytesSoFar) {
      long newBytes = Math.max(0, bytesSoFar - progressBytes);
      progress.addRead(
          newBytes,
          framed - progressRecords,
          packetsInRange - progressPackets,
          flowInRange - progressFlow);
      progressBytes += newBytes;
      progressRecords = framed;
      progressPackets = packetsInRange;
      progressFlow = flowInRange;
    }

    /** Why a packet at {@code millis} cannot be output, or null if it can. */
    private @Nullable String timeError(long micros, long millis) {
      if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
        return "timestamp " + micros + " us outside Beam's range";
      }
      if (millis < minEventMillis) {
        return "timestamp is earlier than the input file's event time";
      }
      return null;
    }

    /** Outputs the range's count, non-IP frames, report and digest. */
    private void report() {
      records.inc(framed);
      // Counted per range, not per record: a metric update per packet was a tenth of the
      // reading step's time on Flink.
      packets.inc(packetsInRange);
      flowPackets.inc(flowInRange);
      out.get(ReadResult.RECORDS_READ).output(KV.of(file, framed));
      if (report != null) {
        report.output(reader, out);
      }
      for (Map.Entry<String, Long> e : nonIpTypes.entrySet()) {
        nonIp.inc(e.getValue());
        out.get(ReadResult.NON_IP).output(KV.of(e.getKey(), e.getValue()));
      }
      if (duplicates > 0) {
        filtered.inc(duplicates);
        out.get(ReadResult.FILTERED).output(KV.of(PacketFilter.DUPLICATE, duplicates));
      }
      for (PacketFilter.Reason r : PacketFilter.Reason.values()) {
        long n = filteredByReason[r.ordinal()];
        if (n > 0) {
          filtered.inc(n);
          out.get(ReadResult.FILTERED).output(KV.of(r.label(), n));
        }
      }
      if (digester != null) {
        digester.flush(out);
      }
    }
  }

  /**
   * The bytes of its file that a range accounts for in the job's progress. A plain range: from its
   * start to the record being read, and to its end once read. A range of a compressed file, whose
   * offsets are uncompressed: the stored bytes read since its first record (since the file's start
   * for the first range), and the rest of the file once the stream ends.
   */
  static final class RangeBytes {
    final long from;
    private final long fileSize;
    private final DecompressionGuard.@Nullable CountingChannel stored;

    /** Stored bytes read before the range's first record; -1 until a record is claimed. */
    private long storedBase = -1;

    RangeBytes(long from, long fileSize, DecompressionGuard.@Nullable CountingChannel stored) {
      this.from = from;
      this.fileSize = fileSize;
      this.stored = stored;
    }

    /** Notes that the range's first record was claimed. */
    void firstRecord() {
      if (stored != null) {
        storedBase = from == 0 ? 0 : stored.count();
      }
    }

    /** The bytes read so far, the record at {@code offset} being read. */
    long upTo(long offset) {
      if (stored != null) {
        return storedBase < 0 ? 0 : stored.count() - storedBase;
      }
      return Math.max(0, Math.min(offset, fileSize) - from);
    }

    /**
     * The bytes read once the range is done: up to {@code to}, the end of its restriction, or, if
     * {@code streamEnded}, to the end of the file.
     */
    long toEnd(long to, boolean streamEnded) {
      if (stored == null) {
        return Math.max(0, Math.min(to, fileSize) - from);
      }
      if (!streamEnded) {
        return upTo(to);
      }
      if (storedBase < 0) {
        return from == 0 ? fileSize : 0; // a file without records, or a residual past its last
      }
      return fileSize - storedBase;
    }
  }

  private enum Claim {
    CLAIMED,
    BEYOND_RANGE,
    FAILED
  }

  /**
   * Claims the record at {@code offset}, unless it lies at or past the end of the range. Nothing
   * may be output after a failed claim, and the range's totals (and digest) are output after its
   * last record, so the check must come first; holding the tracker's monitor keeps a runner's
   * concurrent split (Beam's tracker wrappers synchronize on themselves) from moving the end
   * between the check and the claim.
   */
  private static Claim claim(RestrictionTracker<OffsetRange, Long> tracker, long offset) {
    synchronized (tracker) {
      if (offset >= tracker.currentRestriction().getTo()) {
        return Claim.BEYOND_RANGE;
      }
      return tracker.tryClaim(offset) ? Claim.CLAIMED : Claim.FAILED;
    }
  }

  /**
   * How {@code file} is to be decoded: the compression it declares, else gzip if its name ends in
   * {@code .gz} or it starts with the gzip magic bytes, else uncompressed.
   */
  static Compression compressionOf(ReadableFile file) throws IOException {
    return compressionOf(file.getMetadata(), file.getCompression());
  }

  /** How a file declaring {@code declared} compression is to be decoded (see above). */
  static Compression compressionOf(MatchResult.Metadata file, Compression declared)
      throws IOException {
    ResourceId id = file.resourceId();
    String filename = id.getFilename() == null ? "" : id.getFilename();
    Compression c = declared;
    if (c == Compression.AUTO) {
      c = Compression.detect(filename);
    }
    if (c != Compression.UNCOMPRESSED) {
      return c;
    }
    if (filename.toLowerCase(Locale.ROOT).endsWith(".gz") || hasGzipMagic(file)) {
      return Compression.GZIP;
    }
    return Compression.UNCOMPRESSED;
  }

  /**
   * How many ranges the step reads {@code file} in, read with {@link Compression#AUTO}: one if it
   * is compressed, else its initial restriction split as {@code @SplitRestriction} splits it.
   */
  static int rangeCount(MatchResult.Metadata file, long splitSize) throws IOException {
    if (compressionOf(file, Compression.AUTO) != Compression.UNCOMPRESSED) {
      return 1;
    }
    return new OffsetRange(0, Math.max(1, file.sizeBytes()))
        .split(ReadSpec.checkSplitSize(splitSize), 1)
        .size();
  }

  private static boolean hasGzipMagic(MatchResult.Metadata file) throws IOException {
    if (file.sizeBytes() < 2) {
      return false;
    }
    try (ReadableByteChannel channel = FileSystems.open(file.resourceId())) {
      ByteBuffer b = ByteBuffer.allocate(2);
      while (b.hasRemaining() && channel.read(b) >= 0) {}
      return b.position() == 2 && (b.get(0) & 0xff) == 0x1f && (b.get(1) & 0xff) == 0x8b;
    }
  }
}
