package org.flowbeam.pipelines.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;

/**
 * Computes a {@link ReportData} from the files of an output directory after the job: {@code
 * manifest.json}, {@code time_bins}, {@code flag_stats}, {@code ip_stats}, {@code flows} and {@code
 * rejected} ({@link OutputRows}). Every output is read as a stream of shards and aggregated on the
 * way (top-N, powers-of-two histograms, grouped reasons), so memory is bounded however large the
 * run was.
 *
 * <pre>{@code
 * ReportData data = ReportReader.read(Path.of("out/sample"));
 * }</pre>
 */
public final class ReportReader {
  /** Points of the time-bin charts at most. */
  static final int MAX_POINTS = 2000;

  /** Rows of the top talkers and pairs. */
  static final int TOP = 15;

  /** Distinct pairs of addresses tracked exactly ({@link PairTotals}). */
  static final int PAIR_CAPACITY = 100_000;

  /** Flag types shown one by one; the rest add up to {@code other}. */
  static final int MAX_FLAG_TYPES = 40;

  /** Distinct values of a flow label (close reason, state) shown; the rest add up to other. */
  static final int MAX_LABELS = 40;

  /** Input files of the manifest embedded. */
  static final int MAX_INPUT_FILES = 100;

  /** Kinds of rejection, examples of each and their length. */
  static final int MAX_REJECTED_KINDS = 20;

  static final int EXAMPLES_PER_KIND = 5;
  static final int MAX_EXAMPLE_CHARS = 400;

  /** The label of everything past a limit. */
  static final String OTHER = "(other)";

  private ReportReader() {}

  /**
   * Reads {@code dir}, a finished (or staged) output directory of one run.
   *
   * @throws IOException if its manifest or an output cannot be read
   */
  public static ReportData read(Path dir) throws IOException {
    return read(dir, dir.getFileName() == null ? dir.toString() : dir.getFileName().toString());
  }

  /**
   * Reads {@code dir} as {@link #read(Path)} does, titled {@code title} (the name of the output a
   * staging directory becomes).
   */
  public static ReportData read(Path dir, String title) throws IOException {
    return read(dir, dir.resolve(ManifestWriter.FILE_NAME), title);
  }

  /**
   * Reads the outputs under {@code dir} with the manifest {@code manifestFile} (a run of a series
   * keeps its job's manifest apart from its results), titled {@code title}.
   */
  public static ReportData read(Path dir, Path manifestFile, String title) throws IOException {
    return read(Location.local(dir), Location.local(manifestFile), title);
  }

  /**
   * Reads {@code dir}, local or on HDFS, as {@link #read(Path, String)} does, titled {@code title}.
   */
  public static ReportData read(Location dir, String title) throws IOException {
    return read(dir, dir.resolve(ManifestWriter.FILE_NAME), title);
  }

  /** Reads as {@link #read(Path, Path, String)} does, from a directory local or on HDFS. */
  public static ReportData read(Location dir, Location manifestFile, String title)
      throws IOException {
    List<String> notes = new ArrayList<>();
    for (String output : List.of("flows", "ip_stats", "flag_stats", "time_bins", "rejected")) {
      if (OutputRows.onlyUnreadable(dir, output)) {
        notes.add(
            output
                + " was written only as Parquet, which the report does not read: run with"
                + " --formats including csv or avro to see it here");
      }
    }
    FlowSummary flows = flows(dir);
    return new ReportData(
        title,
        manifest(manifestFile),
        timeBins(dir),
        flagMix(dir),
        talkers(dir),
        flows.pairs(),
        flows.flows(),
        rejected(dir),
        notes,
        null);
  }

  /**
   * The manifest {@code file}, its input files cut to {@link #MAX_INPUT_FILES}; empty if there is
   * none.
   */
  static Map<String, Object> manifest(Path file) throws IOException {
    return manifest(Location.local(file));
  }

  static Map<String, Object> manifest(Location file) throws IOException {
    if (!file.isFile()) {
      return Map.of();
    }
    String json = file.readString();
    Map<String, Object> manifest = new LinkedHashMap<>(ManifestWriter.parse(json));
    if (manifest.get("input_files") instanceof List<?> files) {
      manifest.put("input_files_total", files.size());
      if (files.size() > MAX_INPUT_FILES) {
        manifest.put("input_files", new ArrayList<>(files.subList(0, MAX_INPUT_FILES)));
      }
    }
    if (manifest.get("inputs") instanceof List<?> inputs && inputs.size() > MAX_INPUT_FILES) {
      manifest.put("inputs", new ArrayList<>(inputs.subList(0, MAX_INPUT_FILES)));
    }
    return manifest;
  }

  /** The time bins as at most {@link #MAX_POINTS} points, or null if there are none. */
  static ReportData.Series timeBins(Path dir) throws IOException {
    return timeBins(Location.local(dir));
  }

  static ReportData.Series timeBins(Location dir) throws IOException {
    long[] range = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE}; // first start, last end, width
    OutputRows.forEach(
        dir,
        "time_bins",
        r -> {
          long start = r.longValue("start_us");
          long end = r.longValue("end_us");
          range[0] = Math.min(range[0], start);
          range[1] = Math.max(range[1], end);
          if (end > start) {
            range[2] = Math.min(range[2], end - start);
          }
        });
    if (range[0] == Long.MAX_VALUE) {
      return null;
    }
    long width = range[2] == Long.MAX_VALUE ? 1 : range[2];
    TimeSeries series =
        new TimeSeries(range[0], Math.max(range[1], range[0] + width), width, MAX_POINTS);
    List<String> flagNames = TimeSeries.FLAG_NAMES;
    OutputRows.forEach(
        dir,
        "time_bins",
        r -> {
          long[] flags = new long[flagNames.size()];
          for (int f = 0; f < flags.length; f++) {
            flags[f] = r.longValue(flagNames.get(f));
          }
          series.add(
              r.longValue("start_us"),
              r.longValue("packets"),
              r.longValue("bytes"),
              r.longValue("flows_started"),
              flags);
        });
    Map<String, long[]> flags = new LinkedHashMap<>();
    long[][] counts = series.flags();
    for (int f = 0; f < flagNames.size(); f++) {
      flags.put(flagNames.get(f), counts[f]);
    }
    return new ReportData.Series(
        series.startUs(),
        series.pointUs(),
        series.binsPerPoint(),
        series.packets(),
        series.bytes(),
        series.flowsStarted(),
        flags);
  }

  /** The flag types, most packets first; past {@link #MAX_FLAG_TYPES} one {@link #OTHER}. */
  static List<ReportData.FlagCount> flagMix(Path dir) throws IOException {
    return flagMix(Location.local(dir));
  }

  static List<ReportData.FlagCount> flagMix(Location dir) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    OutputRows.forEach(
        dir,
        "flag_stats",
        r -> counts.merge(r.string("flag_type"), r.longValue("count"), Long::sum));
    return limit(counts, MAX_FLAG_TYPES).entrySet().stream()
        .map(e -> new ReportData.FlagCount(e.getKey(), e.getValue()))
        .toList();
  }

  /**
   * {@code counts}, largest first (ties by label), its entries past {@code max} added up into one
   * {@link #OTHER}.
   */
  static Map<String, Long> limit(Map<String, Long> counts, int max) {
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> limited = new LinkedHashMap<>();
    long other = 0;
    for (int i = 0; i < sorted.size(); i++) {
      if (i < max) {
        limited.put(sorted.get(i).getKey(), sorted.get(i).getValue());
      } else {
        other += sorted.get(i).getValue();
      }
    }
    if (sorted.size() > max) {
      limited.merge(OTHER, other, Long::sum);
    }
    return limited;
  }

  /** The {@link #TOP} addresses by bytes sent and received. */
  static ReportData.Talkers talkers(Path dir) throws IOException {
    return talkers(Location.local(dir));
  }

  static ReportData.Talkers talkers(Location dir) throws IOException {
    TopList<ReportData.Talker> top = new TopList<>(TOP, ReportData.Talker::totalBytes);
    OutputRows.forEach(
        dir,
        "ip_stats",
        r ->
            top.offer(
                new ReportData.Talker(
                    r.string("ip"),
                    r.longValue("sent_packets"),
                    r.longValue("recv_packets"),
                    r.longValue("sent_bytes"),
                    r.longValue("recv_bytes"))));
    return new ReportData.Talkers(top.offered(), top.largestFirst());
  }

  /** The columns of the flows the report reads. */
  private static final Set<String> FLOW_COLUMNS =
      Set.of(
          "initiator_ip",
          "responder_ip",
          "protocol",
          "duration_us",
          "packets",
          "bytes",
          "state",
          "close_reason");

  /** The flows' breakdowns and their top pairs, from one pass over the flows. */
  record FlowSummary(ReportData.Flows flows, ReportData.Pairs pairs) {}

  /**
   * The flows' distributions and breakdowns, and the {@link #TOP} pairs of addresses by the bytes
   * of their flows: one pass over the largest output.
   */
  static FlowSummary flows(Path dir) throws IOException {
    return flows(Location.local(dir));
  }

  static FlowSummary flows(Location dir) throws IOException {
    long[] totals = new long[3];
    Log2Histogram duration = new Log2Histogram();
    Log2Histogram packets = new Log2Histogram();
    Log2Histogram bytes = new Log2Histogram();
    Map<String, Long> closeReasons = new TreeMap<>();
    Map<String, Long> states = new TreeMap<>();
    Map<Integer, long[]> protocols = new TreeMap<>();
    PairTotals pairs = new PairTotals(PAIR_CAPACITY);
    OutputRows.forEach(
        dir,
        "flows",
        FLOW_COLUMNS,
        r -> {
          long p = r.longValue("packets");
          long b = r.longValue("bytes");
          totals[0]++;
          totals[1] += p;
          totals[2] += b;
          duration.add(r.longValue("duration_us"));
          packets.add(p);
          bytes.add(b);
          countLabel(closeReasons, r.string("close_reason"));
          countLabel(states, r.string("state"));
          long[] t = protocols.computeIfAbsent((int) r.longValue("protocol"), k -> new long[3]);
          t[0]++;
          t[1] += p;
          t[2] += b;
          pairs.add(r.string("initiator_ip"), r.string("responder_ip"), p, b);
        });
    List<ReportData.ProtocolTotals> byProtocol = new ArrayList<>();
    protocols.forEach(
        (number, t) ->
            byProtocol.add(
                new ReportData.ProtocolTotals(number, protocolName(number), t[0], t[1], t[2])));
    byProtocol.sort(Comparator.comparingLong(ReportData.ProtocolTotals::flows).reversed());
    ReportData.Flows flows =
        new ReportData.Flows(
            totals[0],
            totals[1],
            totals[2],
            duration.bins(),
            packets.bins(),
            bytes.bins(),
            limit(closeReasons, MAX_LABELS),
            limit(states, MAX_LABELS),
            List.copyOf(byProtocol));
    return new FlowSummary(flows, new ReportData.Pairs(pairs.approximate(), pairs.largest(TOP)));
  }

  /**
   * Counts {@code label} (cut to 100 characters); once {@code 4 ×} {@link #MAX_LABELS} distinct
   * labels are held, new ones count as {@link #OTHER} so that a corrupt file cannot grow the map.
   */
  private static void countLabel(Map<String, Long> counts, String label) {
    String l = label.isEmpty() ? "(none)" : label.length() > 100 ? label.substring(0, 100) : label;
    if (!counts.containsKey(l) && counts.size() >= 4 * MAX_LABELS) {
      l = OTHER;
    }
    counts.merge(l, 1L, Long::sum);
  }

  /** {@code TCP}, {@code UDP}, {@code ICMP}, {@code ICMPv6}, else {@code IP protocol N}. */
  static String protocolName(int number) {
    switch (number) {
      case 6:
        return "TCP";
      case 17:
        return "UDP";
      case 1:
        return "ICMP";
      case 58:
        return "ICMPv6";
      default:
        return "IP protocol " + number;
    }
  }

  /** The rejected records by kind of reason, with examples. */
  static RejectedGroups.Summary rejected(Path dir) throws IOException {
    return rejected(Location.local(dir));
  }

  static RejectedGroups.Summary rejected(Location dir) throws IOException {
    RejectedGroups groups =
        new RejectedGroups(MAX_REJECTED_KINDS, EXAMPLES_PER_KIND, MAX_EXAMPLE_CHARS);
    OutputRows.forEach(
        dir,
        "rejected",
        r ->
            groups.add(
                r.string("file"), r.longValue("offset"), r.string("reason"), r.string("raw")));
    return groups.summary();
  }
}
