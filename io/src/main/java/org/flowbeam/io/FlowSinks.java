package org.flowbeam.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.flowbeam.io.sink.RecordFormat;
import org.flowbeam.io.sink.RecordFormats;
import org.flowbeam.io.sink.WrittenFiles;
import org.flowbeam.io.timearcs.TimeArcsOptions;
import org.flowbeam.io.timearcs.TimeArcsWrite;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.TimeBin;

/**
 * FlowBeam's outputs, as Beam transforms: each of the sharded outputs (flows, IP statistics, flag
 * statistics, time bins, rejected records) written as CSV and Avro, and the TimeArcs v2.0 chunked
 * layout for the browser viewer.
 *
 * <p>Under the output directory each output gets its own directory named after it, holding both
 * formats with FileIO's shard naming {@code <name>-SSSSS-of-NNNNN.csv|.avro}:
 *
 * <pre>
 * flows/flows-00000-of-00004.csv       flows/flows-00000-of-00004.avro      ...
 * ip_stats/ip_stats-00000-of-00002.csv ip_stats/ip_stats-00000-of-00002.avro ...
 * flag_stats/flag_stats-00000-of-00001.csv|.avro
 * time_bins/time_bins-00000-of-00001.csv|.avro
 * rejected/rejected-00000-of-00001.csv|.avro
 * </pre>
 *
 * <p>Every CSV shard starts with the header row. {@code FileIO.write()} writes windowed, and a
 * windowed write creates no file for a shard that received no rows: a directory may hold fewer than
 * {@code NNNNN} shards of each format, and none for an empty output (count rows in the manifest,
 * not files; {@link WrittenFiles} lists the files written). Rows within a shard, and which shard a
 * row lands in, depend on the runner's bundling: they are not sorted. Each file is written under a
 * temporary directory ({@code <name>/.temp-beam-csv|avro}) and renamed into place by FileIO when it
 * is finalized; {@link #removeEmptyTempDirs} removes the emptied temporary directories once the job
 * has finished (local file systems).
 *
 * <pre>{@code
 * flows.apply("WriteFlows", FlowSinks.flows(outputDir, 4));
 * flagStats.apply("WriteFlagStats", FlowSinks.flagStats(outputDir));
 * }</pre>
 */
public final class FlowSinks {
  /** Shards of the small outputs (flag statistics, time bins). */
  public static final int SMALL_OUTPUT_SHARDS = 1;

  /** Prefix of the temporary directories FileIO writes into before renaming (one per format). */
  static final String TEMP_PREFIX = ".temp-beam-";

  private FlowSinks() {}

  /** Writes flow records (their retained packets are not written) to {@code outputDir/flows/}. */
  public static Write<FlowRecord> flows(String outputDir, int numShards) {
    return new Write<>(RecordFormats.FLOWS, outputDir, numShards, true, true);
  }

  /** Writes per-address statistics to {@code outputDir/ip_stats/}. */
  public static Write<IpStats> ipStats(String outputDir, int numShards) {
    return new Write<>(RecordFormats.IP_STATS, outputDir, numShards, true, true);
  }

  /**
   * Writes flag statistics ({@code flag_type -> count}) to {@code outputDir/flag_stats/}, 1 shard.
   */
  public static Write<KV<String, Long>> flagStats(String outputDir) {
    return new Write<>(RecordFormats.FLAG_STATS, outputDir, SMALL_OUTPUT_SHARDS, true, true);
  }

  /** Writes time bins to {@code outputDir/time_bins/}, 1 shard. */
  public static Write<TimeBin> timeBins(String outputDir) {
    return new Write<>(RecordFormats.TIME_BINS, outputDir, SMALL_OUTPUT_SHARDS, true, true);
  }

  /** Writes rejected (dead-letter) records to {@code outputDir/rejected/}. */
  public static Write<RejectedRecord> rejected(String outputDir, int numShards) {
    return new Write<>(RecordFormats.REJECTED, outputDir, numShards, true, true);
  }

  /**
   * Writes the TimeArcs v2.0 chunked layout into {@code layoutDir} (a local directory); see {@link
   * TimeArcsWrite} for the input tuple and the output.
   */
  public static TimeArcsWrite timeArcs(String layoutDir, TimeArcsOptions options) {
    return TimeArcsWrite.to(layoutDir, options);
  }

  /**
   * Writes one output as CSV and Avro with {@code FileIO.write()}. Immutable; configure with the
   * {@code with*} methods.
   *
   * @param <T> the record type
   */
  public static final class Write<T> extends PTransform<PCollection<T>, WrittenFiles> {
    private static final long serialVersionUID = 1L;

    private final RecordFormat<T> format;
    private final String outputDir;
    private final int numShards;
    private final boolean csv;
    private final boolean avro;

    private Write(
        RecordFormat<T> format, String outputDir, int numShards, boolean csv, boolean avro) {
      if (outputDir == null || outputDir.isEmpty()) {
        throw new IllegalArgumentException("output directory is required");
      }
      if (numShards < 0) {
        throw new IllegalArgumentException("numShards must be >= 0, got " + numShards);
      }
      this.format = format;
      this.outputDir = outputDir;
      this.numShards = numShards;
      this.csv = csv;
      this.avro = avro;
    }

    /** The shard count of each format; 0 lets the runner choose. */
    public Write<T> withNumShards(int n) {
      return new Write<>(format, outputDir, n, csv, avro);
    }

    /** Writes no CSV files. */
    public Write<T> withoutCsv() {
      return new Write<>(format, outputDir, numShards, false, avro);
    }

    /** Writes no Avro files. */
    public Write<T> withoutAvro() {
      return new Write<>(format, outputDir, numShards, csv, false);
    }

    /** The directory the files go to: {@code outputDir/<name>}. */
    public String directory() {
      return outputDir.endsWith("/") ? outputDir + format.name() : outputDir + "/" + format.name();
    }

    @Override
    public WrittenFiles expand(PCollection<T> input) {
      PCollection<String> csvFiles =
          csv ? write(input, "WriteCsv", format.csvSink(), ".csv") : none(input, "NoCsv");
      PCollection<String> avroFiles =
          avro ? write(input, "WriteAvro", format.avroSink(), ".avro") : none(input, "NoAvro");
      return WrittenFiles.of(csvFiles, avroFiles);
    }

    private PCollection<String> write(
        PCollection<T> input, String name, FileIO.Sink<T> sink, String suffix) {
      String tempDir = directory() + "/" + TEMP_PREFIX + suffix.substring(1);
      FileIO.Write<Void, T> write =
          FileIO.<T>write()
              .via(sink)
              .to(directory())
              .withPrefix(format.name())
              .withSuffix(suffix)
              .withTempDirectory(tempDir);
      if (numShards > 0) {
        write = write.withNumShards(numShards);
      }
      WriteFilesResult<Void> result = input.apply(name, write);
      return result
          .getPerDestinationOutputFilenames()
          .apply(name + "Names", Values.<String>create());
    }

    private static PCollection<String> none(PCollection<?> input, String name) {
      return input.getPipeline().apply(name, Create.empty(StringUtf8Coder.of()));
    }
  }

  /**
   * Removes the temporary directories ({@code <name>/.temp-beam-csv|avro}) that the writes leave
   * under {@code outputDir} once the job has finished, if they hold no file: FileIO writes windowed
   * and leaves the emptied directory behind. A directory still holding files (a failed write's) is
   * kept for inspection. Local paths only; on other file systems this does nothing. Done after the
   * job rather than as a step of it, because a step that waits for each write adds a global combine
   * per output and format, about a hundred Flink tasks at parallelism 2.
   *
   * @return the directories removed
   */
  public static List<Path> removeEmptyTempDirs(String outputDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (outputDir.contains("://")) {
      return removed;
    }
    Path root = Paths.get(outputDir);
    if (!Files.isDirectory(root)) {
      return removed;
    }
    List<Path> outputs;
    try (Stream<Path> s = Files.list(root)) {
      outputs = s.filter(Files::isDirectory).collect(Collectors.toList());
    }
    for (Path output : outputs) {
      List<Path> temps;
      try (Stream<Path> s = Files.list(output)) {
        temps =
            s.filter(d -> d.getFileName().toString().startsWith(TEMP_PREFIX))
                .filter(Files::isDirectory)
                .collect(Collectors.toList());
      }
      for (Path temp : temps) {
        List<Path> all;
        try (Stream<Path> s = Files.walk(temp)) {
          all = s.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
        }
        if (all.stream().allMatch(Files::isDirectory)) {
          for (Path p : all) {
            Files.deleteIfExists(p);
          }
          removed.add(temp);
        }
      }
    }
    return removed;
  }
}
