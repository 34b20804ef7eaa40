package org.flowbeam.io.sink;

import java.time.LocalDate;
import java.util.regex.Pattern;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.TimeBin;

/**
 * Hive-style partition paths ({@code key=value} directories) for the outputs of the recurring job
 * ({@code src/docs/incremental.md}), as functions from a record to its partition, for {@link
 * org.flowbeam.io.FlowSinks.Write#withPartitioning}. Spark, Hive and DuckDB ({@code
 * read_parquet(..., hive_partitioning = true)}) read the keys back as columns.
 *
 * <ul>
 *   <li>{@link #flowsByStartHour()}: {@code date=YYYY-MM-DD/hour=HH}, the UTC hour of the flow's
 *       first packet, so a flow finished by a later run still lands in the hour it started;
 *   <li>{@link #timeBinsByStartHour()}: the same, of the bin's start;
 *   <li>{@link #run(String)}: {@code run=<runId>} for every record, for outputs that are per run
 *       (flag statistics, rejected records, and per-IP statistics until they are kept per hour).
 * </ul>
 *
 * <pre>{@code
 * HivePartitions.hourOf(1_795_406_838_975_699L); // "date=2026-11-23/hour=04"
 * }</pre>
 */
public final class HivePartitions {
  /** What a run id (and any other partition value given as text) may hold. */
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  /** One directory of a partition path: {@code key=value}. */
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_]+=[A-Za-z0-9._+-]+");

  private static final long MICROS_PER_HOUR = 3_600_000_000L;

  private HivePartitions() {}

  /** Flows by the UTC date and hour of their first packet. */
  public static SerializableFunction<FlowRecord, String> flowsByStartHour() {
    return f -> hourOf(f.startUs());
  }

  /**
   * Per-address statistics of one hour ({@code TrafficStats.perIpPerHour}) by the UTC date and hour
   * of their first packet, which lies in that hour.
   */
  public static SerializableFunction<IpStats, String> ipStatsByHour() {
    return s -> hourOf(s.firstTs());
  }

  /** Time bins by the UTC date and hour of their start. */
  public static SerializableFunction<TimeBin, String> timeBinsByStartHour() {
    return b -> hourOf(b.startUs());
  }

  /**
   * Every record in {@code run=<runId>}.
   *
   * @throws IllegalArgumentException if {@code runId} is not a run id: 1 to 100 letters, digits,
   *     {@code .}, {@code _} or {@code -}, beginning with a letter or digit
   */
  public static <T> SerializableFunction<T, String> run(String runId) {
    String partition = "run=" + checkRunId(runId);
    return record -> partition;
  }

  /**
   * {@code date=YYYY-MM-DD/hour=HH}: the UTC date and hour of {@code epochMicros}, microseconds
   * since 1970-01-01T00:00Z (negative before it).
   */
  public static String hourOf(long epochMicros) {
    long hours = Math.floorDiv(epochMicros, MICROS_PER_HOUR);
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(hours, 24));
    int hour = (int) Math.floorMod(hours, 24);
    return "date=" + date + "/hour=" + (hour < 10 ? "0" : "") + hour;
  }

  /**
   * Returns {@code runId} if it can stand in a file name and a partition value as it is.
   *
   * @throws IllegalArgumentException if it cannot
   */
  public static String checkRunId(String runId) {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException(
          "run id must be 1 to 100 letters, digits, '.', '_' or '-', beginning with a letter or"
              + " digit, got '"
              + runId
              + "'");
    }
    return runId;
  }

  /**
   * Returns {@code partition} if it is a relative Hive partition path: one or more {@code
   * key=value} directories joined by {@code /}, keys of letters, digits and {@code _}, values of
   * letters, digits, {@code .}, {@code _}, {@code +} and {@code -}. Such a path cannot leave the
   * output directory nor name a hidden one.
   *
   * @throws IllegalArgumentException if it is not
   */
  public static String checkPartition(String partition) {
    if (partition == null || partition.isEmpty()) {
      throw new IllegalArgumentException("empty partition path");
    }
    for (String segment : partition.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "partition path '" + partition + "' is not key=value directories joined by '/'");
      }
    }
    return partition;
  }
}
