package org.flowbeam.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.io.filter.PacketFilter;

/**
 * What every packet read is asked, whatever the format: the file patterns (duplicates removed), the
 * split size, what an empty match means, and the compression. Immutable; {@link PacketFileRead}
 * holds one. Its defaults and checks are the only ones: the command line's {@code --splitSizeMb}
 * takes {@link #DEFAULT_SPLIT_SIZE_MB} and {@link #checkSplitSize}.
 *
 * <p>{@link #match} names its steps the same for every format: {@code Patterns}, {@code Match}, and
 * with several patterns {@code Earliest timestamp} and {@code Distinct files}, then {@code Open}.
 */
public final class ReadSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The default size of the ranges a plain file is split into, MiB. */
  public static final int DEFAULT_SPLIT_SIZE_MB = 64;

  /** The default size of the ranges a plain file is split into, bytes. */
  public static final long DEFAULT_SPLIT_SIZE = (long) DEFAULT_SPLIT_SIZE_MB << 20;

  private static final ReadSpec DEFAULTS =
      new ReadSpec(
          List.of(),
          DEFAULT_SPLIT_SIZE,
          EmptyMatchTreatment.ALLOW_IF_WILDCARD,
          Compression.AUTO,
          PacketFilter.all(),
          Map.of());

  private final List<String> filepatterns;
  private final long splitSize;
  private final EmptyMatchTreatment emptyMatchTreatment;
  private final Compression compression;
  private final PacketFilter filter;
  private final Map<String, Long> endOffsets;

  private ReadSpec(
      List<String> filepatterns,
      long splitSize,
      EmptyMatchTreatment emptyMatchTreatment,
      Compression compression,
      PacketFilter filter,
      Map<String, Long> endOffsets) {
    this.filepatterns = filepatterns;
    this.splitSize = splitSize;
    this.emptyMatchTreatment = emptyMatchTreatment;
    this.compression = compression;
    this.filter = filter;
    this.endOffsets = Map.copyOf(endOffsets);
  }

  /** No pattern yet, 64 MiB ranges, an error if a pattern without wildcard matches nothing. */
  public static ReadSpec defaults() {
    return DEFAULTS;
  }

  /**
   * The files to read: a file pattern (glob), or several separated by commas, whose files form one
   * dataset. A file matched by two patterns is read once.
   *
   * @throws IllegalArgumentException if there is no pattern
   */
  public ReadSpec from(String filepatterns) {
    List<String> list = new ArrayList<>();
    for (String s : filepatterns.split(",")) {
      if (!s.isBlank() && !list.contains(s.trim())) {
        list.add(s.trim());
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no file pattern in '" + filepatterns + "'");
    }
    return new ReadSpec(
        List.copyOf(list), splitSize, emptyMatchTreatment, compression, filter, endOffsets);
  }

  /** The size of the ranges a plain file is split into, bytes (default 64 MiB). */
  public ReadSpec withSplitSize(long bytes) {
    return new ReadSpec(
        filepatterns, checkSplitSize(bytes), emptyMatchTreatment, compression, filter, endOffsets);
  }

  /** What a pattern matching no file means (default: an error unless it has a wildcard). */
  public ReadSpec withEmptyMatchTreatment(EmptyMatchTreatment treatment) {
    return new ReadSpec(filepatterns, splitSize, treatment, compression, filter, endOffsets);
  }

  /**
   * How the files are compressed (default {@link Compression#AUTO}: by file name; a gzip file is
   * also recognised by its magic number). A compressed file is read whole.
   */
  public ReadSpec withCompression(Compression compression) {
    return new ReadSpec(
        filepatterns, splitSize, emptyMatchTreatment, compression, filter, endOffsets);
  }

  /**
   * Which packets the reading step keeps (default all); the others are counted by reason on {@link
   * ReadResult#FILTERED} and go no further.
   */
  public ReadSpec withFilter(PacketFilter filter) {
    return new ReadSpec(
        filepatterns, splitSize, emptyMatchTreatment, compression, filter, endOffsets);
  }

  public PacketFilter filter() {
    return filter;
  }

  /**
   * Where reading each of these files stops: no record starting at or after the offset is read
   * (keyed by the file's resource id as text; see {@link PacketFileRead#firstRecords}).
   */
  public ReadSpec withEndOffsets(Map<String, Long> endOffsets) {
    return new ReadSpec(
        filepatterns, splitSize, emptyMatchTreatment, compression, filter, endOffsets);
  }

  public Map<String, Long> endOffsets() {
    return endOffsets;
  }

  public List<String> filepatterns() {
    return filepatterns;
  }

  public long splitSize() {
    return splitSize;
  }

  /**
   * The one check of a split size.
   *
   * @return {@code bytes}
   * @throws IllegalArgumentException if it is not positive
   */
  public static long checkSplitSize(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("split size must be positive, got " + bytes);
    }
    return bytes;
  }

  /**
   * The files the patterns match, opened: {@code Patterns}, {@code Match}, (duplicates removed),
   * {@code Open}.
   *
   * @throws IllegalArgumentException if no pattern was given
   */
  public PCollection<ReadableFile> match(PBegin input, String reader) {
    if (filepatterns.isEmpty()) {
      throw new IllegalArgumentException(reader + ".read() needs from(filepattern)");
    }
    PCollection<MatchResult.Metadata> matched =
        input
            .apply("Patterns", Create.of(filepatterns).withCoder(StringUtf8Coder.of()))
            .apply("Match", FileIO.matchAll().withEmptyMatchTreatment(emptyMatchTreatment));
    if (filepatterns.size() > 1) {
      // Keep the matches' own (minimum) timestamp through the grouping, so that packets may be
      // output at any event time.
      matched =
          matched
              .apply(
                  "Earliest timestamp",
                  Window.<MatchResult.Metadata>configure()
                      .withTimestampCombiner(TimestampCombiner.EARLIEST))
              .apply(
                  "Distinct files",
                  Distinct.withRepresentativeValueFn(
                          (MatchResult.Metadata m) -> m.resourceId().toString())
                      .withRepresentativeType(TypeDescriptors.strings()));
    }
    return matched.apply("Open", FileIO.readMatches().withCompression(compression));
  }

  /** Adds the patterns and the split size to a transform's display data. */
  public void populateDisplayData(DisplayData.Builder builder) {
    builder.add(DisplayData.item("filepatterns", String.join(",", filepatterns)));
    builder.add(DisplayData.item("splitSize", splitSize));
    builder.add(DisplayData.item("emptyMatchTreatment", emptyMatchTreatment.toString()));
    builder.add(DisplayData.item("compression", compression.toString()));
  }
}
