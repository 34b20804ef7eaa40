package org.flowbeam.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.pcap.CaptureSummary;
import org.flowbeam.io.pcap.PcapReadFn;
import org.flowbeam.io.pcap.PcapReadResult;
import org.flowbeam.transforms.PacketDigest;

/**
 * Reads PCAP and PCAPNG captures (also gzip-compressed; the format is detected from the magic
 * number, not the file name) into {@code Packet}s, splitting large files into byte ranges that are
 * read in parallel.
 *
 * <pre>{@code
 * PcapReadResult r = p.apply(PcapIO.read().from("/data/day1/*.pcap,/data/day2/*.pcapng"));
 * r.getOutput();   // packets, event time = capture time
 * r.getErrors();   // corrupt records, with file, offset, hex dump, reason
 * }</pre>
 *
 * <p>{@link #read()} is {@code FileIO.matchAll} then {@code readMatches} then {@link #readFiles()},
 * so files can come from anywhere. The transforms are immutable and configured by {@code with*}
 * methods (hand-written rather than AutoValue, whose annotation processor the build does not have).
 */
public final class PcapIO {
  /** The default split size: 64 MiB ranges. */
  public static final long DEFAULT_SPLIT_SIZE = 64L << 20;

  private PcapIO() {}

  /** Reads the captures matching a file pattern or a comma-separated list of patterns. */
  public static Read read() {
    return new Read(null, DEFAULT_SPLIT_SIZE, null);
  }

  /** Reads captures from {@link ReadableFile}s (opened uncompressed; gzip is detected inside). */
  public static ReadFiles readFiles() {
    return new ReadFiles(DEFAULT_SPLIT_SIZE, null);
  }

  /** See {@link #read()}. */
  public static final class Read extends PTransform<PBegin, PcapReadResult> {
    private final String filepattern;
    private final long splitSize;
    private final @Nullable PacketDigest digest;

    private Read(String filepattern, long splitSize, @Nullable PacketDigest digest) {
      this.filepattern = filepattern;
      this.splitSize = splitSize;
      this.digest = digest;
    }

    /** Files to read: a glob, or several separated by commas. */
    public Read from(String filepattern) {
      return new Read(filepattern, splitSize, digest);
    }

    /** Bytes per range of an uncompressed capture (default 64 MiB). */
    public Read withSplitSize(long bytes) {
      checkSplitSize(bytes);
      return new Read(filepattern, bytes, digest);
    }

    /**
     * Digests the packets in the reading step instead of outputting them: the result's {@code
     * getDigest()} is what {@code getOutput().apply(digest)} would give, with no element per packet
     * between the reader and the digest.
     */
    public Read withDigest(PacketDigest digest) {
      return new Read(filepattern, splitSize, digest);
    }

    @Override
    public PcapReadResult expand(PBegin input) {
      if (filepattern == null || filepattern.isBlank()) {
        throw new IllegalArgumentException("PcapIO.read() needs from(filepattern)");
      }
      List<String> patterns = new ArrayList<>();
      for (String s : Arrays.asList(filepattern.split(","))) {
        if (!s.isBlank()) {
          patterns.add(s.trim());
        }
      }
      return input
          .apply("File patterns", Create.of(patterns).withCoder(StringUtf8Coder.of()))
          .apply("Match files", FileIO.matchAll())
          .apply("Open files", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
          .apply("Read captures", new ReadFiles(splitSize, digest));
    }
  }

  /** See {@link #readFiles()}. */
  public static final class ReadFiles
      extends PTransform<PCollection<ReadableFile>, PcapReadResult> {
    private final long splitSize;
    private final @Nullable PacketDigest digest;

    private ReadFiles(long splitSize, @Nullable PacketDigest digest) {
      this.splitSize = splitSize;
      this.digest = digest;
    }

    /** Bytes per range of an uncompressed capture (default 64 MiB). */
    public ReadFiles withSplitSize(long bytes) {
      checkSplitSize(bytes);
      return new ReadFiles(bytes, digest);
    }

    /** See {@link Read#withDigest}. */
    public ReadFiles withDigest(PacketDigest digest) {
      return new ReadFiles(splitSize, digest);
    }

    @Override
    public PcapReadResult expand(PCollection<ReadableFile> files) {
      Map<TupleTag<?>, Coder<?>> captureOutputs = new LinkedHashMap<>();
      captureOutputs.put(PcapReadFn.NON_IP, KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
      captureOutputs.put(
          PcapReadFn.SUMMARIES,
          KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(CaptureSummary.class)));
      PCollectionTuple out =
          PacketReadResult.applyReadStep(
              files,
              "Read capture ranges",
              mux -> new PcapReadFn(splitSize, digest == null ? null : digest.digester(), mux),
              digest,
              captureOutputs);
      PCollection<KV<String, CaptureSummary>> ranges = out.get(PcapReadFn.SUMMARIES);
      PCollection<KV<String, CaptureSummary>> summaries =
          ranges.apply("Merge summaries per file", Combine.perKey(CaptureSummary::merge));
      return new PcapReadResult(
          PacketReadResult.of(out, digest), out.get(PcapReadFn.NON_IP), summaries);
    }
  }

  private static void checkSplitSize(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("split size must be positive: " + bytes);
    }
  }
}
