package org.flowbeam.pipelines;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.ConnLogWrite;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.sink.FileFormat;
import org.flowbeam.io.sink.HivePartitions;
import org.flowbeam.io.zeek.ConnLogFormat;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.TimeBin;

/**
 * How the job writes its five sharded outputs: where, in which file formats, in how many shards,
 * with which seed the flows' {@code community_id} is hashed, and, for a run of the recurring job,
 * in the Hive partitions of {@code src/docs/incremental.md} with the run id in every file name:
 *
 * <pre>
 * flows/date=YYYY-MM-DD/hour=HH/flows-RUN-SSSSS-of-NNNNN.parquet       by the flow's first packet
 * time_bins/date=YYYY-MM-DD/hour=HH/time_bins-RUN-...                  by the bin's start
 * ip_stats/date=YYYY-MM-DD/hour=HH/ip_stats-RUN-...                    per address and hour
 * flag_stats/run=RUN/flag_stats-RUN-...    rejected/run=RUN/rejected-RUN-...
 * conn/date=YYYY-MM-DD/hour=HH/conn-RUN-SSSSS-of-NNNNN.log             with a conn.log format
 * </pre>
 *
 * The file formats may be none when only the conn.log ({@link #withConnLog}) is asked for: then it
 * is the only sharded output.
 *
 * <p>Immutable; each output's {@link FlowSinks.Write} is made when asked for.
 *
 * <pre>{@code
 * OutputSinks sinks = OutputSinks.flat(dir, 0, FlowSinks.DEFAULT_FORMATS).partitioned(runId);
 * flows.apply("WriteFlows", sinks.flows());
 * }</pre>
 */
public final class OutputSinks {
  private final String outputDir;
  private final int numShards;
  private final Set<FileFormat> formats;
  private final @Nullable String runId;
  private final CommunityId communityId;
  private final Set<ConnLogFormat> connLogFormats;

  private OutputSinks(
      String outputDir,
      int numShards,
      Set<FileFormat> formats,
      @Nullable String runId,
      CommunityId communityId,
      Set<ConnLogFormat> connLogFormats) {
    this.outputDir = outputDir;
    this.numShards = numShards;
    this.formats =
        Collections.unmodifiableSet(
            formats.isEmpty() ? EnumSet.noneOf(FileFormat.class) : EnumSet.copyOf(formats));
    this.runId = runId;
    this.communityId = communityId;
    this.connLogFormats =
        Collections.unmodifiableSet(
            connLogFormats.isEmpty()
                ? EnumSet.noneOf(ConnLogFormat.class)
                : EnumSet.copyOf(connLogFormats));
  }

  /**
   * Today's layout: {@code outputDir/<name>/<name>-SSSSS-of-NNNNN<suffix>} for each of {@code
   * formats}; {@code numShards} for flows, per-IP statistics and rejected records (0: the runner's
   * choice), one shard for flag statistics and time bins.
   */
  public static OutputSinks flat(String outputDir, int numShards, Set<FileFormat> formats) {
    return new OutputSinks(outputDir, numShards, formats, null, CommunityId.DEFAULT, Set.of());
  }

  /**
   * The same outputs and the flows as Zeek's conn.log in {@code connLog} formats (none: no
   * conn.log), {@code conn/conn-SSSSS-of-NNNNN.log|.json}, partitioned as the flows in the
   * partitioned layout.
   */
  public OutputSinks withConnLog(Set<ConnLogFormat> connLog) {
    return new OutputSinks(outputDir, numShards, formats, runId, communityId, connLog);
  }

  /** The same outputs, the flows' {@code community_id} hashed by {@code id} (its seed). */
  public OutputSinks withCommunityId(CommunityId id) {
    return new OutputSinks(outputDir, numShards, formats, runId, id, connLogFormats);
  }

  /**
   * The partitioned layout of run {@code runId} (see the class comment).
   *
   * @throws IllegalArgumentException if {@code runId} cannot stand in a file name ({@link
   *     HivePartitions#checkRunId})
   */
  public OutputSinks partitioned(String runId) {
    return new OutputSinks(
        outputDir,
        numShards,
        formats,
        HivePartitions.checkRunId(runId),
        communityId,
        connLogFormats);
  }

  /** The output directory (the root, with the partitioned layout). */
  public String outputDir() {
    return outputDir;
  }

  /** The file formats of every output but the conn.log (none: only the conn.log is written). */
  public Set<FileFormat> formats() {
    return formats;
  }

  /** The conn.log formats written (none: no conn.log). */
  public Set<ConnLogFormat> connLogFormats() {
    return connLogFormats;
  }

  /** The write of the flows as Zeek's conn.log, partitioned as the flows. */
  public ConnLogWrite connLog() {
    ConnLogWrite write =
        FlowSinks.connLog(outputDir, numShards, communityId).withFormats(connLogFormats);
    return runId == null
        ? write
        : write.withPartitioning(HivePartitions.flowsByStartHour()).withFileTag(runId);
  }

  /** The run id of the partitioned layout; null for the flat one. */
  public @Nullable String runId() {
    return runId;
  }

  /** The write of the flows. */
  public FlowSinks.Write<FlowRecord> flows() {
    return partition(
        FlowSinks.flows(outputDir, numShards, communityId).withFormats(formats),
        HivePartitions.flowsByStartHour());
  }

  /**
   * The write of the per-address statistics; in the partitioned layout these are statistics per
   * address and hour ({@code TrafficStats.perIpPerHour}), partitioned by that hour.
   */
  public FlowSinks.Write<IpStats> ipStats() {
    return partition(
        FlowSinks.ipStats(outputDir, numShards).withFormats(formats),
        HivePartitions.ipStatsByHour());
  }

  /** The write of the flag statistics. */
  public FlowSinks.Write<KV<String, Long>> flagStats() {
    return partitionByRun(FlowSinks.flagStats(outputDir).withFormats(formats));
  }

  /** The write of the time bins. */
  public FlowSinks.Write<TimeBin> timeBins() {
    return partition(
        FlowSinks.timeBins(outputDir).withFormats(formats), HivePartitions.timeBinsByStartHour());
  }

  /** The write of the rejected records. */
  public FlowSinks.Write<RejectedRecord> rejected() {
    return partitionByRun(FlowSinks.rejected(outputDir, numShards).withFormats(formats));
  }

  private <T> FlowSinks.Write<T> partitionByRun(FlowSinks.Write<T> write) {
    return runId == null ? write : partition(write, HivePartitions.run(runId));
  }

  private <T> FlowSinks.Write<T> partition(
      FlowSinks.Write<T> write, SerializableFunction<T, String> partitionOf) {
    return runId == null ? write : write.withPartitioning(partitionOf).withFileTag(runId);
  }
}
