package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Locale;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.MultiplexedOutputs;
import org.flowbeam.io.PacketReadResult;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.transforms.PacketDigester;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The splittable DoFn behind {@code PacketCsvIO.readFiles()}: reads the packet CSV rows of one file
 * range, in the manner of {@code ParquetIO.SplitReadFn}.
 *
 * <p>An uncompressed file's restriction is {@code [0, size)}, split into ranges of the desired
 * size; each range is read by seeking (see {@link PacketCsvRangeReader} for the split rule). A
 * compressed file ({@code .gz} by name or gzip magic, or any compression the {@link ReadableFile}
 * declares) cannot be split: its restriction is {@code [0, Long.MAX_VALUE)} in uncompressed bytes
 * and is read as one stream; a residual left by a runner's checkpoint is read by decompressing from
 * the start and skipping to it.
 *
 * <p>Outputs on the {@link PacketReadResult} tags: packets with their event time (the packet's
 * microseconds, rounded down to milliseconds), rejected rows, and for each range processed one
 * {@code KV(file, rows framed)}. With a {@link PacketDigester}, packets are digested in this step
 * instead of output (fragments and partial sums on the {@code PacketDigest} tags, at the end of
 * each range, with the range's count).
 */
@DoFn.BoundedPerElement
public final class PacketCsvReadFn extends DoFn<ReadableFile, Packet> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PacketCsvReadFn.class);

  /** No range is split smaller than this. */
  static final long MIN_SPLIT_BYTES = 1;

  private final Counter rows = Metrics.counter(PacketCsvReadFn.class, "rows");
  private final Counter packets = Metrics.counter(PacketCsvReadFn.class, "packets");
  private final Counter rejected = Metrics.counter(PacketCsvReadFn.class, "rejected");
  private final Counter unreported =
      Metrics.counter(PacketCsvReadFn.class, "recordsReadUnreported");

  private final IpMap ipMap;
  private final long desiredSplitSizeBytes;
  private final int maxRowBytes;
  private final @Nullable PacketDigester digester;
  private final @Nullable MultiplexedOutputs outputs;

  /**
   * @param ipMap resolves integer address ids
   * @param desiredSplitSizeBytes the size of the ranges an uncompressed file is split into
   */
  public PacketCsvReadFn(IpMap ipMap, long desiredSplitSizeBytes) {
    this(ipMap, desiredSplitSizeBytes, null);
  }

  /**
   * @param digester digests the packets instead of outputting them (see {@link
   *     PacketReadResult#getDigest()}), or null
   */
  public PacketCsvReadFn(
      IpMap ipMap, long desiredSplitSizeBytes, @Nullable PacketDigester digester) {
    this(ipMap, desiredSplitSizeBytes, digester, null);
  }

  /**
   * @param outputs multiplexes the outputs as its step declared them (see {@link
   *     PacketReadResult#applyReadStep}), or null when the step declared them all
   */
  public PacketCsvReadFn(
      IpMap ipMap,
      long desiredSplitSizeBytes,
      @Nullable PacketDigester digester,
      @Nullable MultiplexedOutputs outputs) {
    this(
        ipMap,
        desiredSplitSizeBytes,
        PacketCsvRangeReader.DEFAULT_MAX_ROW_BYTES,
        digester,
        outputs);
  }

  PacketCsvReadFn(IpMap ipMap, long desiredSplitSizeBytes, int maxRowBytes) {
    this(ipMap, desiredSplitSizeBytes, maxRowBytes, null, null);
  }

  private PacketCsvReadFn(
      IpMap ipMap,
      long desiredSplitSizeBytes,
      int maxRowBytes,
      @Nullable PacketDigester digester,
      @Nullable MultiplexedOutputs outputs) {
    if (desiredSplitSizeBytes < 1) {
      throw new IllegalArgumentException("desired split size must be positive");
    }
    this.ipMap = ipMap;
    this.desiredSplitSizeBytes = desiredSplitSizeBytes;
    this.maxRowBytes = maxRowBytes;
    this.digester = digester;
    this.outputs = outputs;
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
    return new OffsetRange(0, file.getMetadata().sizeBytes());
  }

  @SplitRestriction
  public void splitRestriction(
      @Restriction OffsetRange restriction, OutputReceiver<OffsetRange> out) {
    if (restriction.getTo() == Long.MAX_VALUE) {
      out.output(restriction);
      return;
    }
    for (OffsetRange r : restriction.split(desiredSplitSizeBytes, MIN_SPLIT_BYTES)) {
      out.output(r);
    }
  }

  @NewTracker
  public OffsetRangeTracker newTracker(@Restriction OffsetRange restriction) {
    return new OffsetRangeTracker(restriction);
  }

  @GetRestrictionCoder
  public Coder<OffsetRange> restrictionCoder() {
    return OffsetRange.Coder.of();
  }

  /** Bytes left; for a compressed file, whose uncompressed size is unknown, its stored size. */
  @GetSize
  public double getSize(@Element ReadableFile file, @Restriction OffsetRange restriction) {
    if (restriction.getTo() == Long.MAX_VALUE) {
      return Math.max(1, file.getMetadata().sizeBytes());
    }
    return restriction.getTo() - restriction.getFrom();
  }

  @ProcessElement
  public void processElement(
      @Element ReadableFile file,
      @Timestamp Instant timestamp,
      RestrictionTracker<OffsetRange, Long> tracker,
      MultiOutputReceiver receiver)
      throws IOException {
    MultiOutputReceiver out = outputs == null ? receiver : outputs.wrap(receiver);
    ResourceId id = file.getMetadata().resourceId();
    String name = id.toString();
    PacketCsvRangeReader reader =
        new PacketCsvRangeReader(name, ipMap, maxRowBytes, timestamp.getMillis());
    RangeOutput output = new RangeOutput(name, tracker, out);
    long from = tracker.currentRestriction().getFrom();
    Compression compression = compressionOf(file);
    if (compression == Compression.UNCOMPRESSED) {
      try (ReadableByteChannel channel = FileSystems.open(id)) {
        if (channel instanceof SeekableByteChannel) {
          reader.readSeekable((SeekableByteChannel) channel, from, output::claim, output);
        } else {
          reader.readStream(Channels.newInputStream(channel), from, output::claim, output);
        }
      }
    } else {
      try (InputStream in =
          Channels.newInputStream(compression.readDecompressed(FileSystems.open(id)))) {
        reader.readStream(in, from, output::claim, output);
      }
    }
  }

  /**
   * Routes one range's rows to the outputs, and claims offsets for the reader.
   *
   * <p>Beam allows no output after a failed {@code tryClaim}, yet the range's row count is known
   * only when the reader stops. So before each claim it checks, holding the tracker's monitor,
   * whether the offset lies at or past the restriction's end, and if so outputs the count first;
   * the claim then fails as expected. Holding the monitor keeps a runner's concurrent split (Beam's
   * tracker wrappers synchronize on themselves) from moving the end between the check and the
   * claim. Should a claim still fail unexpectedly with rows uncounted, they are counted in the
   * {@code recordsReadUnreported} counter and logged, so that a failed reconciliation is explained.
   * A range in which no row starts claims nothing and so reports nothing.
   */
  private final class RangeOutput implements PacketCsvRangeReader.Output {
    private final String file;
    private final RestrictionTracker<OffsetRange, Long> tracker;
    private final MultiOutputReceiver out;
    private long pending;
    private long pendingPackets;
    private boolean reported;
    private boolean claimedAny;

    RangeOutput(
        String file, RestrictionTracker<OffsetRange, Long> tracker, MultiOutputReceiver out) {
      this.file = file;
      this.tracker = tracker;
      this.out = out;
    }

    @Override
    public void packet(Packet p) {
      pending++;
      pendingPackets++;
      if (digester != null) {
        digester.add(p, out);
      } else {
        out.get(PacketReadResult.PACKETS)
            .outputWithTimestamp(
                p, Instant.ofEpochMilli(Math.floorDiv(p.timestampMicros(), 1000L)));
      }
    }

    @Override
    public void rejected(RejectedRecord r) {
      pending++;
      rejected.inc();
      out.get(PacketReadResult.ERRORS).output(r);
    }

    boolean claim(long offset) {
      synchronized (tracker) {
        if (offset >= tracker.currentRestriction().getTo()) {
          report();
        }
        boolean claimed = tracker.tryClaim(offset);
        claimedAny |= claimed;
        if (!claimed && !reported && pending > 0) {
          unreported.inc(pending);
          LOG.warn("{}: {} rows read but not reported after a concurrent split", file, pending);
        }
        return claimed;
      }
    }

    /**
     * Outputs the count and the range's digest, once; a range that claimed nothing may output
     * nothing, and has none.
     */
    private void report() {
      if (!reported && claimedAny) {
        reported = true;
        out.get(PacketReadResult.RECORDS_READ).output(KV.of(file, pending));
        // Counted per range, not per row: a metric update per packet was a tenth of the
        // reading step's time on Flink.
        rows.inc(pending);
        packets.inc(pendingPackets);
        if (digester != null) {
          digester.flush(out);
        }
      }
    }
  }

  /**
   * How {@code file} is to be decoded: the compression it declares, else gzip if its name ends in
   * {@code .gz} or it starts with the gzip magic bytes, else uncompressed.
   */
  static Compression compressionOf(ReadableFile file) throws IOException {
    ResourceId id = file.getMetadata().resourceId();
    String filename = id.getFilename() == null ? "" : id.getFilename();
    Compression c = file.getCompression();
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

  private static boolean hasGzipMagic(ReadableFile file) throws IOException {
    if (file.getMetadata().sizeBytes() < 2) {
      return false;
    }
    try (ReadableByteChannel channel = FileSystems.open(file.getMetadata().resourceId())) {
      ByteBuffer b = ByteBuffer.allocate(2);
      while (b.hasRemaining() && channel.read(b) >= 0) {}
      return b.position() == 2 && (b.get(0) & 0xff) == 0x1f && (b.get(1) & 0xff) == 0x8b;
    }
  }
}
