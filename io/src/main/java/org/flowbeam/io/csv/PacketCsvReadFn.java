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
import org.flowbeam.io.PacketReadResult;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.joda.time.Instant;

/**
 * The splittable DoFn behind {@code PacketCsvIO.readFiles()}: reads the packet CSV rows of one
 * file range, in the manner of {@code ParquetIO.SplitReadFn}.
 *
 * <p>An uncompressed file's restriction is {@code [0, size)}, split into ranges of the desired
 * size; each range is read by seeking (see {@link PacketCsvRangeReader} for the split rule). A
 * compressed file ({@code .gz} by name or gzip magic, or any compression the {@link ReadableFile}
 * declares) cannot be split: its restriction is {@code [0, Long.MAX_VALUE)} in uncompressed bytes
 * and is read as one stream; a residual left by a runner's checkpoint is read by decompressing
 * from the start and skipping to it.
 *
 * <p>Outputs on the {@link PacketReadResult} tags: packets with their event time (the packet's
 * microseconds, rounded down to milliseconds), rejected rows, and for each range processed one
 * {@code KV(file, rows framed)}.
 */
@DoFn.BoundedPerElement
public final class PacketCsvReadFn extends DoFn<ReadableFile, Packet> {
  private static final long serialVersionUID = 1L;

  /** No range is split smaller than this. */
  static final long MIN_SPLIT_BYTES = 1;

  private final Counter rows = Metrics.counter(PacketCsvReadFn.class, "rows");
  private final Counter packets = Metrics.counter(PacketCsvReadFn.class, "packets");
  private final Counter rejected = Metrics.counter(PacketCsvReadFn.class, "rejected");

  private final IpMap ipMap;
  private final long desiredSplitSizeBytes;
  private final int maxRowBytes;

  /**
   * @param ipMap resolves integer address ids
   * @param desiredSplitSizeBytes the size of the ranges an uncompressed file is split into
   */
  public PacketCsvReadFn(IpMap ipMap, long desiredSplitSizeBytes) {
    this(ipMap, desiredSplitSizeBytes, PacketCsvRangeReader.DEFAULT_MAX_ROW_BYTES);
  }

  PacketCsvReadFn(IpMap ipMap, long desiredSplitSizeBytes, int maxRowBytes) {
    if (desiredSplitSizeBytes < 1) {
      throw new IllegalArgumentException("desired split size must be positive");
    }
    this.ipMap = ipMap;
    this.desiredSplitSizeBytes = desiredSplitSizeBytes;
    this.maxRowBytes = maxRowBytes;
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
      MultiOutputReceiver out)
      throws IOException {
    ResourceId id = file.getMetadata().resourceId();
    String name = id.toString();
    PacketCsvRangeReader reader =
        new PacketCsvRangeReader(name, ipMap, maxRowBytes, timestamp.getMillis());
    PacketCsvRangeReader.Output output =
        new PacketCsvRangeReader.Output() {
          @Override
          public void packet(Packet p) {
            packets.inc();
            out.get(PacketReadResult.PACKETS)
                .outputWithTimestamp(
                    p, Instant.ofEpochMilli(Math.floorDiv(p.timestampMicros(), 1000L)));
          }

          @Override
          public void rejected(RejectedRecord r) {
            rejected.inc();
            out.get(PacketReadResult.ERRORS).output(r);
          }
        };
    long from = tracker.currentRestriction().getFrom();
    Compression compression = compressionOf(file);
    long framed;
    if (compression == Compression.UNCOMPRESSED) {
      try (ReadableByteChannel channel = FileSystems.open(id)) {
        if (channel instanceof SeekableByteChannel) {
          framed =
              reader.readSeekable((SeekableByteChannel) channel, from, tracker::tryClaim, output);
        } else {
          framed =
              reader.readStream(Channels.newInputStream(channel), from, tracker::tryClaim, output);
        }
      }
    } else {
      try (InputStream in =
          Channels.newInputStream(compression.readDecompressed(FileSystems.open(id)))) {
        framed = reader.readStream(in, from, tracker::tryClaim, output);
      }
    }
    rows.inc(framed);
    out.get(PacketReadResult.RECORDS_READ).output(KV.of(name, framed));
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
