package org.flowbeam.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.FileFormat;
import org.flowbeam.io.sink.HivePartitions;
import org.flowbeam.io.sink.RecordFormat;
import org.flowbeam.io.sink.RecordFormats;
import org.flowbeam.io.sink.WrittenFiles;
import org.flowbeam.io.timearcs.TimeArcsOptions;
import org.flowbeam.io.timearcs.TimeArcsWrite;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.TimeBin;

/**
 * FlowBeam's outputs, as Beam transforms: each of the sharded outputs (flows, IP statistics, flag
 * statistics, time bins, rejected records) written in the {@link FileFormat}s asked for (CSV and
 * Avro unless told otherwise; Parquet on request), and the TimeArcs v2.0 chunked layout for the
 * browser viewer.
 *
 * <p>Under the output directory each output gets its own directory named after it, holding every
 * format with FileIO's shard naming {@code <name>-SSSSS-of-NNNNN.csv|.avro|.parquet}:
 *
 * <pre>
 * flows/flows-00000-of-00004.csv       flows/flows-00000-of-00004.avro      ...
 * ip_stats/ip_stats-00000-of-00002.csv ip_stats/ip_stats-00000-of-00002.avro ...
 * flag_stats/flag_stats-00000-of-00001.csv|.avro
 * time_bins/time_bins-00000-of-00001.csv|.avro
 * rejected/rejected-00000-of-00001.csv|.avro
 * </pre>
 *
 * <p>The flows can also be written as Zeek's conn.log ({@link #connLog}, {@code
 * conn/conn-SSSSS-of-NNNNN.log|.json}; see {@code src/docs/zeek.md}).
 *
 * <p>A write can also be split into Hive-style partitions ({@link Write#withPartitioning}, with the
 * functions of {@link HivePartitions}) and carry a tag, the run id, in every file name ({@link
 * Write#withFileTag}), so that runs adding to one output root never overwrite each other's files:
 *
 * <pre>
 * flows/date=2026-12-03/hour=09/flows-20261203T100000Z-1a2b-00000-of-00002.parquet
 * flag_stats/run=20261203T100000Z-1a2b/flag_stats-20261203T100000Z-1a2b-00000-of-00001.parquet
 * </pre>
 *
 * <p>Every CSV file starts with the header row. {@code FileIO.write()} writes windowed, and a
 * windowed write creates no file for a shard that received no rows: a directory may hold fewer than
 * {@code NNNNN} shards of each format, and none for an empty output (count rows in the manifest,
 * not files; {@link WrittenFiles} lists the files written). Rows within a shard, and which shard a
 * row lands in, depend on the runner's bundling: they are not sorted. Each file is written under a
 * temporary directory ({@code <name>/.temp-beam-csv|avro|parquet}) and renamed into place by FileIO
 * when it is finalized; {@link #removeEmptyTempDirs} removes the emptied temporary directories once
 * the job has finished (local file systems).
 *
 * <pre>{@code
 * flows.apply("WriteFlows", FlowSinks.flows(outputDir, 4));
 * flows.apply("WriteFlows", FlowSinks.flows(root, 0)
 *     .withFormats(EnumSet.of(FileFormat.PARQUET))
 *     .withPartitioning(HivePartitions.flowsByStartHour())
 *     .withFileTag(runId));
 * }</pre>
 */
public final class FlowSinks {
  /** Shards of the small outputs (flag statistics, time bins). */
  public static final int SMALL_OUTPUT_SHARDS = 1;

  /** The formats written unless {@link Write#withFormats} says otherwise: CSV and Avro. */
  public static final Set<FileFormat> DEFAULT_FORMATS =
      Collections.unmodifiableSet(EnumSet.of(FileFormat.CSV, FileFormat.AVRO));

  /** Prefix of the temporary directories FileIO writes into before renaming (one per format). */
  static final String TEMP_PREFIX = ".temp-beam-";

  private FlowSinks() {}

  /**
   * Writes flow records (their retained packets are not written) to {@code outputDir/flows/}, their
   * Community IDs with the default seed.
   */
  public static Write<FlowRecord> flows(String outputDir, int numShards) {
    return flows(outputDir, numShards, CommunityId.DEFAULT);
  }

  /**
   * As {@link #flows(String, int)}, the {@code community_id} column hashed by {@code communityId}.
   */
  public static Write<FlowRecord> flows(String outputDir, int numShards, CommunityId communityId) {
    return Write.of(RecordFormats.flows(communityId), outputDir, numShards);
  }

  /**
   * Writes flows as Zeek's conn.log (TSV unless {@link ConnLogWrite#withFormats} says otherwise) to
   * {@code outputDir/conn/}, their {@code community_id} hashed by {@code communityId}.
   */
  public static ConnLogWrite connLog(String outputDir, int numShards, CommunityId communityId) {
    return ConnLogWrite.of(outputDir, numShards, communityId);
  }

  /** Writes per-address statistics to {@code outputDir/ip_stats/}. */
  public static Write<IpStats> ipStats(String outputDir, int numShards) {
    return Write.of(RecordFormats.IP_STATS, outputDir, numShards);
  }

  /**
   * Writes flag statistics ({@code flag_type -> count}) to {@code outputDir/flag_stats/}, 1 shard.
   */
  public static Write<KV<String, Long>> flagStats(String outputDir) {
    return Write.of(RecordFormats.FLAG_STATS, outputDir, SMALL_OUTPUT_SHARDS);
  }

  /** Writes time bins to {@code outputDir/time_bins/}, 1 shard. */
  public static Write<TimeBin> timeBins(String outputDir) {
    return Write.of(RecordFormats.TIME_BINS, outputDir, SMALL_OUTPUT_SHARDS);
  }

  /** Writes rejected (dead-letter) records to {@code outputDir/rejected/}. */
  public static Write<RejectedRecord> rejected(String outputDir, int numShards) {
    return Write.of(RecordFormats.REJECTED, outputDir, numShards);
  }

  /**
   * Writes the TimeArcs v2.0 chunked layout into {@code layoutDir} (a local directory); see {@link
   * TimeArcsWrite} for the input tuple and the output.
   */
  public static TimeArcsWrite timeArcs(String layoutDir, TimeArcsOptions options) {
    return TimeArcsWrite.to(layoutDir, options);
  }

  /**
   * Writes one output in each of its formats with {@code FileIO.write()}, or with {@code
   * FileIO.writeDynamic()} into partitions. Immutable; configure with the {@code with*} methods.
   *
   * @param <T> the record type
   */
  public static final class Write<T> extends PTransform<PCollection<T>, WrittenFiles> {
    private static final long serialVersionUID = 1L;

    private final RecordFormat<T> format;
    private final String outputDir;
    private final int numShards;
    private final Set<FileFormat> formats;
    private final @Nullable SerializableFunction<T, String> partitioning;
    private final @Nullable String fileTag;

    private Write(
        RecordFormat<T> format,
        String outputDir,
        int numShards,
        Set<FileFormat> formats,
        @Nullable SerializableFunction<T, String> partitioning,
        @Nullable String fileTag) {
      if (outputDir == null || outputDir.isEmpty()) {
        throw new IllegalArgumentException("output directory is required");
      }
      if (numShards < 0) {
        throw new IllegalArgumentException("numShards must be >= 0, got " + numShards);
      }
      if (formats == null || formats.isEmpty()) {
        throw new IllegalArgumentException("at least one file format is required");
      }
      this.format = format;
      this.outputDir = outputDir;
      this.numShards = numShards;
      this.formats = Collections.unmodifiableSet(EnumSet.copyOf(formats));
      this.partitioning = partitioning;
      this.fileTag = fileTag == null ? null : HivePartitions.checkRunId(fileTag);
    }

    private static <T> Write<T> of(RecordFormat<T> format, String outputDir, int numShards) {
      return new Write<>(format, outputDir, numShards, DEFAULT_FORMATS, null, null);
    }

    /** The shard count of each format (of each partition); 0 lets the runner choose. */
    public Write<T> withNumShards(int n) {
      return new Write<>(format, outputDir, n, formats, partitioning, fileTag);
    }

    /** Writes exactly these formats (at least one). */
    public Write<T> withFormats(Set<FileFormat> fileFormats) {
      return new Write<>(format, outputDir, numShards, fileFormats, partitioning, fileTag);
    }

    /**
     * Writes each record under {@code outputDir/<name>/<partitionOf(record)>/} (a relative path of
     * {@code key=value} directories, see {@link HivePartitions#checkPartition}), with {@code
     * FileIO.writeDynamic()}: the shards of each partition are named {@code
     * <partition>/<name>[-<tag>]-SSSSS-of-NNNNN<suffix>}.
     */
    public Write<T> withPartitioning(SerializableFunction<T, String> partitionOf) {
      if (partitionOf == null) {
        throw new IllegalArgumentException("partition function is required");
      }
      return new Write<>(format, outputDir, numShards, formats, partitionOf, fileTag);
    }

    /**
     * Puts {@code tag} (a run id, see {@link HivePartitions#checkRunId}) after the output's name in
     * every file name, {@code <name>-<tag>-SSSSS-of-NNNNN<suffix>}, so the files of two runs never
     * have the same name.
     */
    public Write<T> withFileTag(String tag) {
      return new Write<>(format, outputDir, numShards, formats, partitioning, tag);
    }

    /** The formats written. */
    public Set<FileFormat> formats() {
      return formats;
    }

    /** The directory the files go to: {@code outputDir/<name>}. */
    public String directory() {
      return outputDir.endsWith("/") ? outputDir + format.name() : outputDir + "/" + format.name();
    }

    /** The start of every file name: {@code <name>} or {@code <name>-<tag>}. */
    String filePrefix() {
      return fileTag == null ? format.name() : format.name() + "-" + fileTag;
    }

    @Override
    public WrittenFiles expand(PCollection<T> input) {
      Map<FileFormat, PCollection<String>> files = new EnumMap<>(FileFormat.class);
      for (FileFormat f : formats) {
        String name = "Write" + stepName(f);
        files.put(
            f,
            ShardedWrite.apply(
                input,
                name,
                f.sink(format),
                directory(),
                filePrefix(),
                f.suffix(),
                tempDirectory(f),
                numShards,
                partitioning));
      }
      return WrittenFiles.of(input.getPipeline(), files);
    }

    private String tempDirectory(FileFormat f) {
      return directory() + "/" + TEMP_PREFIX + f.label();
    }

    private static String stepName(FileFormat f) {
      String label = f.label();
      return Character.toUpperCase(label.charAt(0)) + label.substring(1);
    }
  }

  /**
   * Removes the temporary directories ({@code <name>/.temp-beam-csv|avro|parquet}) that the writes
   * leave under {@code outputDir} once the job has finished, if they hold no file: FileIO writes
   * windowed and leaves the emptied directory behind. A directory still holding files (a failed
   * write's) is kept for inspection. Works on any file system {@link Location} reaches (local or
   * HDFS). Done after the job rather than as a step of it, because a step that waits for each write
   * adds a global combine per output and format, about a hundred Flink tasks at parallelism 2.
   *
   * @return the directories removed
   */
  public static List<Location> removeEmptyTempDirs(Location outputDir) throws IOException {
    List<Location> removed = new ArrayList<>();
    if (!outputDir.isDirectory()) {
      return removed;
    }
    for (String output : outputDir.list()) {
      Location dir = outputDir.resolve(output);
      if (!dir.isDirectory()) {
        continue;
      }
      for (String name : dir.list()) {
        Location temp = dir.resolve(name);
        if (name.startsWith(TEMP_PREFIX) && temp.isDirectory() && temp.filesUnder().isEmpty()) {
          temp.deleteRecursively();
          removed.add(temp);
        }
      }
    }
    return removed;
  }
}
