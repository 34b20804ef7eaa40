package org.flowbeam.io;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.PacketFragmentCoder;
import org.flowbeam.model.RejectedRecordCoder;
import org.flowbeam.transforms.PacketDigest;

/**
 * Reads {@link ReadableFile}s of one {@link InputFormat} in parallel byte ranges: the step behind
 * every {@code read()} and {@code readFiles()}, so that files can come from anywhere (a glob, a
 * list, a watched directory). Immutable; configure with {@code with*}.
 *
 * <pre>{@code
 * PacketReadResult r = files.apply(PcapIO.readFiles().withSplitSize(16 << 20));
 * DigestReadResult d = files.apply(PcapIO.readFiles().withDigest(PacketDigest.withBinSizeUs(1_000_000)));
 * }</pre>
 *
 * <p>Its reading step, {@code Read ranges}, is a {@link RangeReadFn} declaring two outputs: the
 * packets (or, digesting, the fragments) and {@link MultiplexedOutputs#MUXED}, split into the
 * others by {@code Read ranges (outputs)}.
 */
public final class ReadFiles extends PTransform<PCollection<ReadableFile>, PacketReadResult> {
  /** The reading step's name, the same for every format. */
  public static final String READ_STEP = "Read ranges";

  private final InputFormat<?> format;
  private final long splitSize;
  private final PacketFilter filter;
  private final Map<String, Long> endOffsets;

  private ReadFiles(
      InputFormat<?> format, long splitSize, PacketFilter filter, Map<String, Long> endOffsets) {
    this.format = format;
    this.splitSize = ReadSpec.checkSplitSize(splitSize);
    this.filter = filter;
    this.endOffsets = Map.copyOf(endOffsets);
  }

  /** Reads files of {@code format} in ranges of the default split size. */
  public static ReadFiles of(InputFormat<?> format) {
    return new ReadFiles(format, ReadSpec.DEFAULT_SPLIT_SIZE, PacketFilter.all(), Map.of());
  }

  /** The size of the ranges a plain file is split into, bytes (default 64 MiB). */
  public ReadFiles withSplitSize(long bytes) {
    return new ReadFiles(format, bytes, filter, endOffsets);
  }

  /** Which packets the reading step keeps (default all); see {@link ReadSpec#withFilter}. */
  public ReadFiles withFilter(PacketFilter filter) {
    return new ReadFiles(format, splitSize, filter, endOffsets);
  }

  /** Where reading files stops; see {@link ReadSpec#withEndOffsets}. */
  public ReadFiles withEndOffsets(Map<String, Long> endOffsets) {
    return new ReadFiles(format, splitSize, filter, endOffsets);
  }

  /**
   * The first {@code n} records of {@code file} as the reading step frames them: how many it has
   * (at most {@code n}) and the offset at which they end, for {@link #withEndOffsets}.
   */
  public RangeReadFn.FirstRecords firstRecords(MatchResult.Metadata file, long n)
      throws IOException {
    return RangeReadFn.firstRecords(format, file, n);
  }

  /**
   * Digests the packets in the reading step instead of outputting them: the result's {@code
   * getDigest()} is what {@code getOutput().apply(digest)} would give, with no element per packet
   * between the reader and the digest.
   */
  public Digesting withDigest(PacketDigest digest) {
    return new Digesting(this, digest, false);
  }

  /**
   * How many byte ranges the reading step splits {@code file} into at {@code splitSize}, its
   * compression detected as {@link org.apache.beam.sdk.io.Compression#AUTO} does (and by gzip's
   * magic number): one for a compressed file. For progress reports that count ranges.
   */
  public static int rangeCount(MatchResult.Metadata file, long splitSize) throws IOException {
    return RangeReadFn.rangeCount(file, splitSize);
  }

  @Override
  public PacketReadResult expand(PCollection<ReadableFile> files) {
    MultiplexedOutputs mux =
        MultiplexedOutputs.of(ReadResult.PACKETS, sideOutputs(format, null, false));
    return new PacketReadResult(
        readStep(
            files,
            RangeReadFn.packets(format, splitSize, mux)
                .withFilter(filter)
                .withEndOffsets(endOffsets),
            ReadResult.PACKETS,
            PacketCoder.of(),
            mux));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("format", format.getClass().getName()));
    builder.add(DisplayData.item("splitSize", splitSize));
    builder.add(DisplayData.item("filter", filter.toString()));
  }

  /** See {@link ReadFiles#withDigest}. */
  public static final class Digesting
      extends PTransform<PCollection<ReadableFile>, DigestReadResult> {
    private final ReadFiles read;
    private final PacketDigest digest;
    private final boolean packets;

    private Digesting(ReadFiles read, PacketDigest digest, boolean packets) {
      this.read = read;
      this.digest = digest;
      this.packets = packets;
    }

    /** Outputs the packets too ({@link DigestReadResult#getPackets()}), beside their digest. */
    public Digesting withPackets() {
      return new Digesting(read, digest, true);
    }

    @Override
    public DigestReadResult expand(PCollection<ReadableFile> files) {
      MultiplexedOutputs mux =
          MultiplexedOutputs.of(PacketDigest.KEYED, sideOutputs(read.format, digest, packets));
      PCollectionTuple outputs =
          readStep(
              files,
              RangeReadFn.digesting(read.format, read.splitSize, digest.digester(), packets, mux)
                  .withFilter(read.filter)
                  .withEndOffsets(read.endOffsets),
              PacketDigest.KEYED,
              KvCoder.of(FlowKeyCoder.of(), PacketFragmentCoder.of()),
              mux);
      return new DigestReadResult(
          outputs, PacketDigest.Result.of(outputs, digest.binSizeUs()), packets);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      read.populateDisplayData(builder);
      builder.add(DisplayData.item("binSizeUs", digest.binSizeUs()));
      builder.add(DisplayData.item("packets", packets));
    }
  }

  /**
   * The step's outputs other than its main one, with their coders: errors, records read, non-IP
   * frames, the digest's partial sums when it digests, the packets when it digests and keeps them,
   * and the format's report.
   */
  private static Map<TupleTag<?>, Coder<?>> sideOutputs(
      InputFormat<?> format, @Nullable PacketDigest digest, boolean packets) {
    KvCoder<String, Long> counts = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    Map<TupleTag<?>, Coder<?>> m = new LinkedHashMap<>();
    m.put(ReadResult.ERRORS, RejectedRecordCoder.of());
    m.put(ReadResult.RECORDS_READ, counts);
    m.put(ReadResult.NON_IP, counts);
    m.put(ReadResult.FILTERED, counts);
    if (digest != null) {
      m.putAll(PacketDigest.outputCoders());
      m.remove(PacketDigest.KEYED);
      if (packets) {
        m.put(ReadResult.PACKETS, PacketCoder.of());
      }
    }
    m.putAll(format.reportOutputs());
    return m;
  }

  /**
   * Applies the reading step with two declared outputs, {@code main} and {@link
   * MultiplexedOutputs#MUXED}, and splits the latter: the result holds every output, coders set.
   */
  private static <T> PCollectionTuple readStep(
      PCollection<ReadableFile> files,
      RangeReadFn<T> fn,
      TupleTag<T> main,
      Coder<T> mainCoder,
      MultiplexedOutputs mux) {
    PCollectionTuple step =
        files.apply(READ_STEP, ParDo.of(fn).withOutputTags(main, mux.additionalTags()));
    step.get(main).setCoder(mainCoder);
    return mux.demultiplex(step, READ_STEP + " (outputs)");
  }
}
