package org.flowbeam.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.csv.IpMap;
import org.flowbeam.io.csv.PacketCsvFormatException;
import org.flowbeam.io.csv.PacketCsvReadFn;
import org.flowbeam.transforms.PacketDigest;

/**
 * Reads packet CSV files (the TimeArcs packet export, or a tshark field export) into {@link
 * org.flowbeam.model.Packet}s, with every unusable row kept as a {@link
 * org.flowbeam.model.RejectedRecord}.
 *
 * <p>Files are read in parallel ranges (splittable, {@link #withDesiredSplitSizeBytes 64 MiB} by
 * default); a gzip file is read whole. Columns are found by name from each file's header line, in
 * any order; the accepted names, the defaults for absent columns and the rejection reasons are
 * those of {@code org.flowbeam.io.csv.PacketCsvRowParser}. A row is one line (LF or CRLF): a quoted
 * field containing a line break is not supported and its row is rejected. Blank lines are skipped
 * and not counted. A file whose header lacks a required column ({@code timestamp}, {@code src_ip},
 * {@code dst_ip}, {@code length} or their aliases) fails the read with a {@link
 * PacketCsvFormatException} naming the file; an empty file yields nothing.
 *
 * <pre>{@code
 * PacketReadResult r = p.apply("ReadPackets",
 *     PacketCsvIO.read().from("/data/day1.csv.gz,/data/day2.csv.gz")
 *         .withIpMapFile("/data/ip_map.json"));
 * r.getOutput();  // packets, event time = capture time
 * r.getErrors();  // rejected rows: file, byte offset, text, reason
 * }</pre>
 */
public final class PacketCsvIO {
  /** The default size of the ranges a file is split into: 64 MiB. */
  public static final long DEFAULT_DESIRED_SPLIT_SIZE_BYTES = 64L << 20;

  private PacketCsvIO() {}

  /** Reads the files matching {@link Read#from}. */
  public static Read read() {
    return new Read(
        List.of(),
        new IpMapSpec(IpMap.empty(), null),
        DEFAULT_DESIRED_SPLIT_SIZE_BYTES,
        EmptyMatchTreatment.ALLOW_IF_WILDCARD,
        null);
  }

  /** Reads files from anywhere (a glob, a list, a watched directory), as {@code FileIO} gives. */
  public static ReadFiles readFiles() {
    return new ReadFiles(
        new IpMapSpec(IpMap.empty(), null), DEFAULT_DESIRED_SPLIT_SIZE_BYTES, null);
  }

  /** The IP map as given: entries, or a file to load when the transform is expanded. */
  private record IpMapSpec(IpMap map, String file) implements java.io.Serializable {
    IpMap resolve() {
      if (file == null) {
        return map;
      }
      try {
        return IpMap.fromFile(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read IP map " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads packet CSV files named by file patterns. Immutable; configure with {@code with*}. */
  public static final class Read extends PTransform<PBegin, PacketReadResult> {
    private final List<String> filepatterns;
    private final IpMapSpec ipMap;
    private final long desiredSplitSizeBytes;
    private final EmptyMatchTreatment emptyMatchTreatment;
    private final @Nullable PacketDigest digest;

    private Read(
        List<String> filepatterns,
        IpMapSpec ipMap,
        long desiredSplitSizeBytes,
        EmptyMatchTreatment emptyMatchTreatment,
        @Nullable PacketDigest digest) {
      this.filepatterns = filepatterns;
      this.ipMap = ipMap;
      this.desiredSplitSizeBytes = desiredSplitSizeBytes;
      this.emptyMatchTreatment = emptyMatchTreatment;
      this.digest = digest;
    }

    /**
     * The files to read: a file pattern (glob), or several separated by commas, whose files form
     * one dataset. A file matched by two patterns is read once.
     */
    public Read from(String filepatterns) {
      List<String> list = new ArrayList<>();
      for (String s : filepatterns.split(",")) {
        if (!s.isBlank() && !list.contains(s.trim())) {
          list.add(s.trim());
        }
      }
      if (list.isEmpty()) {
        throw new IllegalArgumentException("no file pattern in '" + filepatterns + "'");
      }
      return new Read(List.copyOf(list), ipMap, desiredSplitSizeBytes, emptyMatchTreatment, digest);
    }

    /** Resolves integer address ids through {@code idToAddress} (replaces an IP map file). */
    public Read withIpMap(Map<Integer, String> idToAddress) {
      return new Read(
          filepatterns,
          new IpMapSpec(IpMap.of(idToAddress), null),
          desiredSplitSizeBytes,
          emptyMatchTreatment,
          digest);
    }

    /**
     * Resolves integer address ids through the TimeArcs IP map JSON file {@code fileSpec} ({@code
     * {"1.2.3.4": 1, ...}}), read when the pipeline is built.
     */
    public Read withIpMapFile(String fileSpec) {
      return new Read(
          filepatterns,
          new IpMapSpec(IpMap.empty(), fileSpec),
          desiredSplitSizeBytes,
          emptyMatchTreatment,
          digest);
    }

    /** The size of the ranges an uncompressed file is split into (default 64 MiB). */
    public Read withDesiredSplitSizeBytes(long bytes) {
      checkSplitSize(bytes);
      return new Read(filepatterns, ipMap, bytes, emptyMatchTreatment, digest);
    }

    /** What a pattern matching no file means (default: an error unless it is a wildcard). */
    public Read withEmptyMatchTreatment(EmptyMatchTreatment treatment) {
      return new Read(filepatterns, ipMap, desiredSplitSizeBytes, treatment, digest);
    }

    /**
     * Digests the packets in the reading step instead of outputting them: the result's {@code
     * getDigest()} is what {@code getOutput().apply(digest)} would give, with no element per packet
     * between the reader and the digest.
     */
    public Read withDigest(PacketDigest digest) {
      return new Read(filepatterns, ipMap, desiredSplitSizeBytes, emptyMatchTreatment, digest);
    }

    @Override
    public PacketReadResult expand(PBegin input) {
      if (filepatterns.isEmpty()) {
        throw new IllegalArgumentException("PacketCsvIO.read() needs from(filepattern)");
      }
      PCollection<MatchResult.Metadata> matched =
          input
              .apply("Filepatterns", Create.of(filepatterns).withCoder(StringUtf8Coder.of()))
              .apply("Match", FileIO.matchAll().withEmptyMatchTreatment(emptyMatchTreatment));
      if (filepatterns.size() > 1) {
        // Keep the matches' own (minimum) timestamp through the grouping, so that packets may be
        // output at any event time.
        matched =
            matched
                .apply(
                    "EarliestTimestamp",
                    Window.<MatchResult.Metadata>configure()
                        .withTimestampCombiner(TimestampCombiner.EARLIEST))
                .apply(
                    "DistinctFiles",
                    Distinct.withRepresentativeValueFn(
                            (MatchResult.Metadata m) -> m.resourceId().toString())
                        .withRepresentativeType(TypeDescriptors.strings()));
      }
      return matched
          .apply("ReadMatches", FileIO.readMatches())
          .apply("ReadFiles", new ReadFiles(ipMap, desiredSplitSizeBytes, digest));
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("filepatterns", String.join(",", filepatterns)));
      builder.add(DisplayData.item("desiredSplitSizeBytes", desiredSplitSizeBytes));
      if (ipMap.file() != null) {
        builder.add(DisplayData.item("ipMapFile", ipMap.file()));
      }
    }
  }

  /**
   * Reads packet CSV files given as {@link ReadableFile}s. Immutable; configure with {@code with*}.
   */
  public static final class ReadFiles
      extends PTransform<PCollection<ReadableFile>, PacketReadResult> {
    private final IpMapSpec ipMap;
    private final long desiredSplitSizeBytes;
    private final @Nullable PacketDigest digest;

    private ReadFiles(IpMapSpec ipMap, long desiredSplitSizeBytes, @Nullable PacketDigest digest) {
      this.ipMap = ipMap;
      this.desiredSplitSizeBytes = desiredSplitSizeBytes;
      this.digest = digest;
    }

    /** Resolves integer address ids through {@code idToAddress} (replaces an IP map file). */
    public ReadFiles withIpMap(Map<Integer, String> idToAddress) {
      return new ReadFiles(
          new IpMapSpec(IpMap.of(idToAddress), null), desiredSplitSizeBytes, digest);
    }

    /** Resolves integer address ids through a TimeArcs IP map JSON file, read at build time. */
    public ReadFiles withIpMapFile(String fileSpec) {
      return new ReadFiles(new IpMapSpec(IpMap.empty(), fileSpec), desiredSplitSizeBytes, digest);
    }

    /** The size of the ranges an uncompressed file is split into (default 64 MiB). */
    public ReadFiles withDesiredSplitSizeBytes(long bytes) {
      checkSplitSize(bytes);
      return new ReadFiles(ipMap, bytes, digest);
    }

    /** See {@link Read#withDigest}. */
    public ReadFiles withDigest(PacketDigest digest) {
      return new ReadFiles(ipMap, desiredSplitSizeBytes, digest);
    }

    @Override
    public PacketReadResult expand(PCollection<ReadableFile> files) {
      IpMap resolved = ipMap.resolve();
      PCollectionTuple outputs =
          PacketReadResult.applyReadStep(
              files,
              "ParseRows",
              mux ->
                  new PacketCsvReadFn(
                      resolved,
                      desiredSplitSizeBytes,
                      digest == null ? null : digest.digester(),
                      mux),
              digest,
              Map.of());
      return PacketReadResult.of(outputs, digest);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("desiredSplitSizeBytes", desiredSplitSizeBytes));
      if (ipMap.file() != null) {
        builder.add(DisplayData.item("ipMapFile", ipMap.file()));
      }
    }
  }

  private static void checkSplitSize(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("desired split size must be positive, not " + bytes);
    }
  }
}
