package org.flowbeam.io;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.sink.HivePartitions;
import org.flowbeam.io.zeek.ConnLogFormat;
import org.flowbeam.io.zeek.ConnLogSink;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowRecord;

/**
 * Writes flows as Zeek's conn.log ({@link ConnLogSink}) under {@code outputDir/conn/}, sharded as
 * FlowBeam's other outputs: {@code conn-SSSSS-of-NNNNN.log} (Zeek's TSV) and {@code
 * conn-SSSSS-of-NNNNN.json} (Zeek's JSON lines), each shard a whole log. Partitions and a file tag
 * work as for {@link FlowSinks.Write} ({@code conn/date=.../hour=.../conn-<run>-...log}).
 * Immutable; made by {@link FlowSinks#connLog}.
 *
 * <pre>{@code
 * flows.apply("WriteConnLog", FlowSinks.connLog(dir, 4, CommunityId.DEFAULT)
 *     .withFormats(EnumSet.of(ConnLogFormat.TSV, ConnLogFormat.JSON)));
 * }</pre>
 *
 * <p>The output is the names of the files written.
 */
public final class ConnLogWrite extends PTransform<PCollection<FlowRecord>, PCollection<String>> {
  private static final long serialVersionUID = 1L;

  /** The output's name: its directory and the start of its file names. */
  public static final String NAME = "conn";

  private final String outputDir;
  private final int numShards;
  private final CommunityId communityId;
  private final Set<ConnLogFormat> formats;
  private final @Nullable SerializableFunction<FlowRecord, String> partitioning;
  private final @Nullable String fileTag;

  private ConnLogWrite(
      String outputDir,
      int numShards,
      CommunityId communityId,
      Set<ConnLogFormat> formats,
      @Nullable SerializableFunction<FlowRecord, String> partitioning,
      @Nullable String fileTag) {
    if (outputDir == null || outputDir.isEmpty()) {
      throw new IllegalArgumentException("output directory is required");
    }
    if (numShards < 0) {
      throw new IllegalArgumentException("numShards must be >= 0, got " + numShards);
    }
    this.outputDir = outputDir;
    this.numShards = numShards;
    this.communityId = communityId;
    this.formats =
        Collections.unmodifiableSet(
            formats.isEmpty() ? EnumSet.noneOf(ConnLogFormat.class) : EnumSet.copyOf(formats));
    this.partitioning = partitioning;
    this.fileTag = fileTag == null ? null : HivePartitions.checkRunId(fileTag);
  }

  /** Zeek's TSV conn.log into {@code outputDir/conn/}. */
  static ConnLogWrite of(String outputDir, int numShards, CommunityId communityId) {
    return new ConnLogWrite(
        outputDir, numShards, communityId, EnumSet.of(ConnLogFormat.TSV), null, null);
  }

  /** Writes these formats (none: writes nothing). */
  public ConnLogWrite withFormats(Set<ConnLogFormat> f) {
    return new ConnLogWrite(outputDir, numShards, communityId, f, partitioning, fileTag);
  }

  /** As {@link FlowSinks.Write#withPartitioning}. */
  public ConnLogWrite withPartitioning(SerializableFunction<FlowRecord, String> partitionOf) {
    if (partitionOf == null) {
      throw new IllegalArgumentException("partition function is required");
    }
    return new ConnLogWrite(outputDir, numShards, communityId, formats, partitionOf, fileTag);
  }

  /** As {@link FlowSinks.Write#withFileTag}. */
  public ConnLogWrite withFileTag(String tag) {
    return new ConnLogWrite(outputDir, numShards, communityId, formats, partitioning, tag);
  }

  /** The formats written. */
  public Set<ConnLogFormat> formats() {
    return formats;
  }

  /** The directory the files go to: {@code outputDir/conn}. */
  public String directory() {
    return outputDir.endsWith("/") ? outputDir + NAME : outputDir + "/" + NAME;
  }

  @Override
  public PCollection<String> expand(PCollection<FlowRecord> input) {
    PCollectionList<String> names = PCollectionList.empty(input.getPipeline());
    for (ConnLogFormat f : formats) {
      String step = f == ConnLogFormat.TSV ? "WriteZeek" : "WriteZeekJson";
      names =
          names.and(
              ShardedWrite.apply(
                  input,
                  step,
                  new ConnLogSink(f, communityId),
                  directory(),
                  prefix(),
                  f.suffix(),
                  tempDirectory(f),
                  numShards,
                  partitioning));
    }
    return names.apply("ConnLogFiles", Flatten.pCollections()).setCoder(StringUtf8Coder.of());
  }

  private String prefix() {
    return fileTag == null ? NAME : NAME + "-" + fileTag;
  }

  private String tempDirectory(ConnLogFormat f) {
    return directory() + "/" + FlowSinks.TEMP_PREFIX + f.label();
  }
}
