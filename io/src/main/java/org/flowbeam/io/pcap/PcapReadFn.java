package org.flowbeam.io.pcap;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.OffsetRangeTracker;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
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
 * Reads byte ranges of capture files, in the manner of ParquetIO's {@code SplitReadFn}: the
 * restriction is a byte range of the file, split into {@code splitSize} pieces, and a record
 * belongs to the range in which its header starts (its offset is what is claimed).
 *
 * <p>Outputs: packets ({@link PacketReadResult#PACKETS}, event time = capture time), rejected
 * records ({@link PacketReadResult#ERRORS}), one {@code KV<file, records framed>} per range ({@link
 * PacketReadResult#RECORDS_READ}, where records = packets + non-IP frames + rejected records;
 * ranges in which no record starts output nothing), one {@code KV<frame type, count>} per range and
 * type of non-IP frame ({@link #NON_IP}), and one {@code KV<file, CaptureSummary>} per range
 * ({@link #SUMMARIES}).
 *
 * <p>With a {@link PacketDigester}, packets are digested in the reading step instead of output
 * (fragments and partial sums on the {@code PacketDigest} tags, at the end of each range).
 *
 * <p>Gzip-compressed captures (recognised by magic number) get the restriction {@code [0, 1)}: they
 * are read whole, by one call, with offsets counted in the decompressed stream.
 *
 * <p>The ranges of a pcapng file share its {@link PcapngCheckpoints} within the JVM, so that each
 * range resumes from a recorded section state near its start.
 */
@DoFn.BoundedPerElement
public final class PcapReadFn extends DoFn<ReadableFile, Packet> {
  private static final Logger LOG = LoggerFactory.getLogger(PcapReadFn.class);

  /** Non-IP frames per type, one element per range and type. */
  public static final TupleTag<KV<String, Long>> NON_IP = new TupleTag<KV<String, Long>>() {};

  /** Per-range capture summaries, keyed by file. */
  public static final TupleTag<KV<String, CaptureSummary>> SUMMARIES =
      new TupleTag<KV<String, CaptureSummary>>() {};

  private final long splitSize;
  private final @Nullable PacketDigester digester;
  private final @Nullable MultiplexedOutputs outputs;

  /**
   * Names this step instance, serialized with it: the copies that run its ranges (threads and
   * bundles of one job) share pcapng section states, other jobs do not.
   */
  private final String checkpointScope;

  private final Counter packets = Metrics.counter(PcapReadFn.class, "packets");
  private final Counter errors = Metrics.counter(PcapReadFn.class, "errors");
  private final Counter nonIp = Metrics.counter(PcapReadFn.class, "non_ip");
  private final Counter records = Metrics.counter(PcapReadFn.class, "records");
  private final Counter ranges = Metrics.counter(PcapReadFn.class, "ranges");
  private final Counter unreported = Metrics.counter(PcapReadFn.class, "recordsReadUnreported");

  public PcapReadFn(long splitSize) {
    this(splitSize, null);
  }

  /**
   * @param digester digests the packets instead of outputting them (see {@link
   *     PacketReadResult#getDigest()}), or null
   */
  public PcapReadFn(long splitSize, @Nullable PacketDigester digester) {
    this(splitSize, digester, null);
  }

  /**
   * @param outputs multiplexes the outputs as its step declared them (see {@link
   *     PacketReadResult#applyReadStep}), or null when the step declared them all
   */
  public PcapReadFn(
      long splitSize, @Nullable PacketDigester digester, @Nullable MultiplexedOutputs outputs) {
    if (splitSize <= 0) {
      throw new IllegalArgumentException("split size must be positive: " + splitSize);
    }
    this.splitSize = splitSize;
    this.digester = digester;
    this.outputs = outputs;
    this.checkpointScope = UUID.randomUUID().toString();
  }

  @StartBundle
  public void startBundle() {
    if (digester != null) {
      digester.startBundle();
    }
  }

  @GetInitialRestriction
  public OffsetRange initialRestriction(@Element ReadableFile file) throws IOException {
    try (SeekableByteChannel ch = file.openSeekable()) {
      if (CaptureReader.isCompressed(ch)) {
        return new OffsetRange(0, 1);
      }
    }
    return new OffsetRange(0, Math.max(1, file.getMetadata().sizeBytes()));
  }

  @SplitRestriction
  public void splitRestriction(@Restriction OffsetRange range, OutputReceiver<OffsetRange> out) {
    for (OffsetRange part : range.split(splitSize, 1)) {
      out.output(part);
    }
  }

  @NewTracker
  public OffsetRangeTracker newTracker(@Restriction OffsetRange range) {
    return new OffsetRangeTracker(range);
  }

  @GetSize
  public double getSize(@Restriction OffsetRange range) {
    return range.getTo() - range.getFrom();
  }

  @ProcessElement
  public void processElement(
      @Element ReadableFile file,
      RestrictionTracker<OffsetRange, Long> tracker,
      MultiOutputReceiver receiver)
      throws IOException {
    MultiOutputReceiver out = outputs == null ? receiver : outputs.wrap(receiver);
    String name = file.getMetadata().resourceId().toString();
    long start = tracker.currentRestriction().getFrom();
    long framed = 0;
    long packetsInRange = 0;
    CaptureSummary.Builder summary = new CaptureSummary.Builder(name);
    Map<String, Long> nonIpTypes = new TreeMap<>();
    ranges.inc();
    try (SeekableByteChannel ch = file.openSeekable()) {
      CaptureFormat format = CaptureReader.formatOf(ch);
      boolean compressed = format == CaptureFormat.GZIP;
      PcapngCheckpoints checkpoints =
          format == CaptureFormat.PCAPNG ? checkpoints(file.getMetadata()) : null;
      try (CaptureReader reader =
          CaptureReader.open(
              name, ch, compressed ? 0 : start, CaptureInput.DEFAULT_BUFFER, checkpoints)) {
        if (compressed && !tracker.tryClaim(0L)) {
          return;
        }
        while (reader.advance()) {
          Claim claim = compressed ? Claim.CLAIMED : claim(tracker, reader.offset());
          if (claim == Claim.BEYOND_RANGE) {
            break;
          }
          if (claim == Claim.FAILED) {
            if (framed > 0) {
              // Split concurrently despite the lock: this range's totals, and the packets still
              // in its digest, are lost (packets already output are not); counted so that a
              // failed reconciliation is explained.
              unreported.inc(framed);
              LOG.warn(
                  "{}: {} records read but not reported after a concurrent split", name, framed);
            }
            return;
          }
          framed++;
          summary.add(reader);
          if (reader.kind() == CaptureReader.Kind.NON_IP) {
            nonIpTypes.merge(reader.nonIpType(), 1L, Long::sum);
          }
          if (emit(name, reader, out)) {
            packetsInRange++;
          }
        }
        if (framed == 0) {
          // Output before a successful claim is not allowed; an empty range has nothing to add.
          tracker.tryClaim(Long.MAX_VALUE);
          return;
        }
        summary.describe(reader);
        records.inc(framed);
        // Counted per range, not per packet: a metric update per packet was a tenth of the
        // reading step's time on Flink.
        packets.inc(packetsInRange);
        out.get(PacketReadResult.RECORDS_READ).output(KV.of(name, framed));
        out.get(SUMMARIES).output(KV.of(name, summary.build()));
        for (Map.Entry<String, Long> e : nonIpTypes.entrySet()) {
          out.get(NON_IP).output(KV.of(e.getKey(), e.getValue()));
        }
        if (digester != null) {
          digester.flush(out);
        }
        // Mark the rest of the range done: the next record (if any) belongs to the next range.
        tracker.tryClaim(Long.MAX_VALUE);
      }
    }
  }

  /**
   * The pcapng section states of {@code file}, shared by this step's readers in this JVM (the key
   * holds the step instance's scope, so another job or a changed file never sees them).
   */
  private PcapngCheckpoints checkpoints(MatchResult.Metadata file) {
    String key =
        checkpointScope
            + '\n'
            + file.resourceId()
            + '\n'
            + file.sizeBytes()
            + '\n'
            + file.lastModifiedMillis();
    return PcapngCheckpoints.forFile(key, file.sizeBytes());
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

  /** Routes the current record; true if it was a packet, output or digested. */
  private boolean emit(String name, CaptureReader reader, MultiOutputReceiver out) {
    switch (reader.kind()) {
      case PACKET:
        Packet p = reader.packet();
        Instant ts = new Instant(Math.floorDiv(p.timestampMicros(), 1000L));
        if (ts.isBefore(BoundedWindow.TIMESTAMP_MIN_VALUE)
            || ts.isAfter(GlobalWindow.INSTANCE.maxTimestamp())) {
          errors.inc();
          out.get(PacketReadResult.ERRORS)
              .output(
                  new RejectedRecord(
                      name,
                      p.sourceOffset(),
                      p.toString(),
                      "timestamp " + p.timestampMicros() + " us outside Beam's range"));
          return false;
        }
        if (digester != null) {
          digester.add(p, out);
        } else {
          out.get(PacketReadResult.PACKETS).outputWithTimestamp(p, ts);
        }
        return true;
      case NON_IP:
        nonIp.inc();
        return false;
      default:
        errors.inc();
        out.get(PacketReadResult.ERRORS).output(reader.error());
        return false;
    }
  }
}
