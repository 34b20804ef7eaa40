package org.flowbeam.pipelines;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.CarriedFlows;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.ReadSpec;
import org.flowbeam.io.sink.FileFormat;
import org.flowbeam.io.timearcs.TimeArcsOptions;
import org.flowbeam.io.timearcs.TimeArcsWrite;
import org.flowbeam.io.zeek.ConnLogFormat;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.HourlyIpStats;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.StatsCoders;
import org.flowbeam.pipelines.FlowBeamOptions.Assembly;
import org.flowbeam.pipelines.FlowBeamOptions.Layout;
import org.flowbeam.pipelines.FlowBeamOptions.OutputFormat;
import org.flowbeam.pipelines.FlowBeamOptions.Protocol;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.transforms.AssembleFlows;
import org.flowbeam.transforms.KeyAssemblyCoder;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.PacketTotals;
import org.flowbeam.transforms.TrafficStats;

/**
 * The packets-to-flows job: read packets, assemble TCP, UDP and ICMP flows, compute statistics,
 * write the sharded outputs (and the TimeArcs layout when asked) and the manifest. Each stage is a
 * static method that tests wire directly.
 */
public final class FlowBeamPipeline {
  private FlowBeamPipeline() {}

  /** {@code --closeLinger}'s default: no limit after a close but the idle timeout. */
  static final String NO_CLOSE_LINGER = "none";

  /** The flow rules the options ask for. */
  public static FlowRules rules(FlowBeamOptions o) {
    OptionalDouble closeLinger = closeLingerSeconds(o);
    return new FlowRules(
        seconds("idleTimeout", o.getIdleTimeout(), false),
        seconds("activeTimeout", o.getActiveTimeout(), true),
        closeLinger.isPresent()
            ? seconds("closeLinger", closeLinger.getAsDouble(), true)
            : FlowRules.NO_CLOSE_LINGER_LIMIT,
        o.getLayout() == Layout.TIMEARCS,
        seconds("udpIdleTimeout", o.getUdpIdleTimeout(), false),
        seconds("icmpIdleTimeout", o.getIcmpIdleTimeout(), false),
        protocols(o));
  }

  /** The protocols whose packets make flows ({@code --protocols}), at least one. */
  static Set<FlowProtocol> protocols(FlowBeamOptions o) {
    List<Protocol> asked = o.getProtocols();
    if (asked == null || asked.isEmpty()) {
      throw new UsageException("--protocols must list at least one of tcp, udp or icmp");
    }
    return FlowProtocol.setOf(asked.stream().map(Protocol::flowProtocol).toList());
  }

  /**
   * The seconds of {@code --closeLinger}, or empty for {@code none} (any case), its default.
   *
   * @throws UsageException if it is neither
   */
  static OptionalDouble closeLingerSeconds(FlowBeamOptions o) {
    String text = o.getCloseLinger() == null ? NO_CLOSE_LINGER : o.getCloseLinger().trim();
    if (text.equalsIgnoreCase(NO_CLOSE_LINGER)) {
      return OptionalDouble.empty();
    }
    double seconds;
    try {
      seconds = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      seconds = Double.NaN;
    }
    if (Double.isNaN(seconds) || seconds < 0 || seconds > 1e9) {
      throw new UsageException(
          "--closeLinger must be 'none' or zero or more seconds, got '" + o.getCloseLinger() + "'");
    }
    return OptionalDouble.of(seconds);
  }

  /** The time-bin width the options ask for, in µs. */
  public static long binSizeUs(FlowBeamOptions o) {
    long us = seconds("binSize", o.getBinSize(), false);
    if (us % 1000 != 0) {
      throw new UsageException(
          "--binSize must be a whole number of milliseconds, got " + o.getBinSize());
    }
    return us;
  }

  private static long seconds(String name, double value, boolean zeroAllowed) {
    if (Double.isNaN(value) || value < 0 || (!zeroAllowed && value == 0) || value > 1e9) {
      throw new UsageException(
          "--"
              + name
              + " must be "
              + (zeroAllowed ? "zero or more" : "more than zero")
              + " seconds, got "
              + value);
    }
    return Math.round(value * 1_000_000d);
  }

  /**
   * The most packets a fragment holds on its way to the keyed stage ({@code --assembly}, {@code
   * --fragmentPackets}): 1 on the packet-by-packet path.
   */
  static int fragmentPackets(FlowBeamOptions o) {
    if (o.getAssembly() == Assembly.PACKETS) {
      return 1;
    }
    if (o.getFragmentPackets() < 1 || o.getFragmentPackets() > 1_000_000) {
      throw new UsageException(
          "--fragmentPackets must be between 1 and 1000000, got " + o.getFragmentPackets());
    }
    return o.getFragmentPackets();
  }

  /**
   * The file formats of every sharded output {@code --formats} asks for: none if it asks only for
   * the conn.log ({@code zeek}, {@code zeek-json}), which then is the only sharded output.
   */
  public static Set<FileFormat> formats(FlowBeamOptions o) {
    Set<FileFormat> formats = EnumSet.noneOf(FileFormat.class);
    for (OutputFormat f : askedFormats(o)) {
      if (f.fileFormat() != null) {
        formats.add(f.fileFormat());
      }
    }
    return formats;
  }

  /** The conn.log formats {@code --formats} asks for (none by default). */
  public static Set<ConnLogFormat> connLogFormats(FlowBeamOptions o) {
    Set<ConnLogFormat> formats = EnumSet.noneOf(ConnLogFormat.class);
    for (OutputFormat f : askedFormats(o)) {
      if (f.connLogFormat() != null) {
        formats.add(f.connLogFormat());
      }
    }
    return formats;
  }

  private static List<OutputFormat> askedFormats(FlowBeamOptions o) {
    List<OutputFormat> asked = o.getFormats();
    if (asked == null || asked.isEmpty()) {
      throw new UsageException(
          "--formats must list at least one of csv, avro, parquet, zeek or zeek-json");
    }
    return asked;
  }

  /** The Community ID hash of the flows' {@code community_id} ({@code --communityIdSeed}). */
  public static CommunityId communityId(FlowBeamOptions o) {
    try {
      return CommunityId.withSeed(o.getCommunityIdSeed());
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--communityIdSeed must be between 0 and "
              + CommunityId.MAX_SEED
              + ", got "
              + o.getCommunityIdSeed());
    }
  }

  /** Checks option values that Beam's own validation does not. */
  public static void validate(FlowBeamOptions o) {
    rules(o);
    fragmentPackets(o);
    binSizeUs(o);
    formats(o);
    communityId(o);
    PacketFilterOptions.filter(o);
    if (o.getMaxRecords() < 0) {
      throw new UsageException("--maxRecords must be 0 (all) or more, got " + o.getMaxRecords());
    }
    if (o.getNumShards() < 0 || o.getNumShards() > 10_000) {
      throw new UsageException("--numShards must be between 0 and 10000, got " + o.getNumShards());
    }
    try {
      ReadSpec.checkSplitSize((long) o.getSplitSizeMb() << 20);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--splitSizeMb must be at least 1, got " + o.getSplitSizeMb());
    }
    if (!(o.getProgressSeconds() >= 0.01 && o.getProgressSeconds() <= 86_400)) {
      throw new UsageException(
          "--progressSeconds must be between 0.01 and 86400, got " + o.getProgressSeconds());
    }
    if (o.getFlowsPerChunk() < 1) {
      throw new UsageException("--flowsPerChunk must be at least 1, got " + o.getFlowsPerChunk());
    }
  }

  /**
   * Builds the whole job into {@code p}, writing into {@code outputDir} the outputs the options ask
   * for, in the flat layout.
   *
   * @param head the manifest's static part (inputs, options, versions)
   */
  public static void build(
      Pipeline p,
      FlowBeamOptions o,
      InputFiles inputs,
      String outputDir,
      Map<String, Object> head) {
    validate(o);
    OutputSinks sinks =
        OutputSinks.flat(outputDir, o.getNumShards(), formats(o))
            .withConnLog(connLogFormats(o))
            .withCommunityId(communityId(o));
    build(p, o, inputs, sinks, head);
  }

  /**
   * Builds the whole job into {@code p}, writing the sharded outputs as {@code sinks} says and the
   * manifest (and TimeArcs layout) into {@code sinks.outputDir()}.
   *
   * @param head the manifest's static part (inputs, options, versions)
   */
  static void build(
      Pipeline p,
      FlowBeamOptions o,
      InputFiles inputs,
      OutputSinks sinks,
      Map<String, Object> head) {
    build(p, o, inputs, sinks, head, null);
  }

  /**
   * Builds the whole job into {@code p} as above, or, given a {@code series}, as one run of a
   * recurring job: the flows carried from the previous run are resumed and the flows still open at
   * the end are carried out ({@link SeriesRun}), and the manifest goes to {@link
   * SeriesRun#manifestDir}.
   */
  static void build(
      Pipeline p,
      FlowBeamOptions o,
      InputFiles inputs,
      OutputSinks sinks,
      Map<String, Object> head,
      @Nullable SeriesRun series) {
    validate(o);
    FlowRules rules = rules(o);
    String outputDir = sinks.outputDir();

    // One pass over the packets feeds the flows and every statistic (see PacketDigest): the
    // readers run it on the packets they decode, so no element per packet leaves the reading step
    // (but the packets themselves, when the TimeArcs layout asks for them).
    boolean timeArcsLayout = o.getLayout() == Layout.TIMEARCS;
    PacketDigest digestPackets =
        PacketDigest.withBinSizeUs(binSizeUs(o))
            .withFragmentPackets(fragmentPackets(o))
            .withFlowProtocols(rules.protocols());
    DatasetRead read = DatasetRead.read(p, inputs, o, digestPackets, timeArcsLayout);
    PacketDigest.Result digest = read.digest();
    PCollection<PacketTotals> totals = TrafficStats.totals(digest);
    AssembleFlows.Keyed assemble = AssembleFlows.keyed(rules, AssembleFlows.lastPacketUs(totals));
    PCollection<FlowRecord> flows;
    PCollection<KV<FlowKey, KeyAssembly>> carriedIn = null;
    PCollection<KV<FlowKey, KeyAssembly>> carriedOut = null;
    if (series == null) {
      flows = digest.byFlowKey().apply("AssembleFlows", assemble);
    } else {
      carriedIn = readCarried(p, series);
      AssembleFlows.Carrying.Result run = assembleRun(digest, assemble, carriedIn, series);
      flows = run.flows();
      carriedOut = run.carried();
    }
    // A run of a series partitions per-address statistics by hour, so it keeps them per hour.
    PCollection<IpStats> ipStats =
        sinks.runId() == null
            ? TrafficStats.perIp(digest)
            : TrafficStats.perIpPerHour(digest)
                .apply(
                    "HourlyIpStats",
                    MapElements.into(TypeDescriptor.of(IpStats.class))
                        .via((HourlyIpStats h) -> h.stats()))
                .setCoder(StatsCoders.ipStats());

    if (!sinks.formats().isEmpty()) {
      flows.apply("WriteFlows", sinks.flows());
      ipStats.apply("WriteIpStats", sinks.ipStats());
      TrafficStats.flagTypes(digest).apply("WriteFlagStats", sinks.flagStats());
      TrafficStats.timeBins(digest, flows).apply("WriteTimeBins", sinks.timeBins());
      read.errors().apply("WriteRejected", sinks.rejected());
    }
    if (!sinks.connLogFormats().isEmpty()) {
      flows.apply("WriteConnLog", sinks.connLog());
    }

    PCollection<String> timeArcsKeys;
    if (timeArcsLayout) {
      @SuppressWarnings("unchecked")
      List<String> sources = (List<String>) head.getOrDefault("inputs", List.of());
      TimeArcsOptions timeArcs =
          TimeArcsOptions.defaults()
              .withFlowsPerChunk(o.getFlowsPerChunk())
              .withSourceFiles(sources)
              .withWriteManifest(false);
      timeArcsKeys =
          PCollectionTuple.of(TimeArcsWrite.FLOWS, flows)
              .and(TimeArcsWrite.PACKETS, read.packets())
              .and(TimeArcsWrite.NON_IP_FRAMES, read.nonIpCounts())
              .apply("WriteTimeArcs", FlowSinks.timeArcs(outputDir, timeArcs));
    } else {
      timeArcsKeys = p.apply("NoTimeArcs", Create.empty(StringUtf8Coder.of()));
    }

    PCollection<PacketTotals> seen =
        totals.apply("AnyPacket", Filter.by((PacketTotals t) -> !t.isEmpty()));
    Set<FlowProtocol> flowProtocols = rules.protocols();
    RunCounts counts =
        new RunCounts()
            .sum(RunManifest.RECORDS_READ, read.recordsRead(), kv -> kv.getValue())
            .count(RunManifest.REJECTED, read.errors())
            .sum(RunManifest.NON_IP_FRAMES, read.nonIpCounts(), kv -> kv.getValue())
            .sums(
                "Filtered",
                read.filteredCounts(),
                RunManifest.FILTERED_COUNTS,
                RunManifest::filteredCounts)
            .sums(
                "Packets",
                totals,
                RunManifest.PACKET_COUNTS,
                t -> RunManifest.packetCounts(t, flowProtocols))
            .sums("Flows", flows, RunManifest.FLOW_COUNTS, RunManifest::flowCounts)
            .count(RunManifest.IP_ADDRESSES, ipStats)
            .min(RunManifest.TIME_START, seen, PacketTotals::firstUs)
            .max(RunManifest.TIME_END, seen, PacketTotals::lastUs);
    if (series != null) {
      counts
          .sum(RunManifest.CARRIED_IN_PACKETS, carriedIn, kv -> kv.getValue().openFlowPackets())
          .sum(RunManifest.CARRIED_OUT_PACKETS, carriedOut, kv -> kv.getValue().openFlowPackets());
    }
    p.apply(
        "Manifest",
        new RunManifest(
            series == null ? outputDir : series.manifestDir(),
            head,
            flowProtocols,
            counts.all(),
            read.recordsRead(),
            read.nonIpCounts(),
            read.captureSummaries(),
            timeArcsKeys));
  }

  /** The flows the previous run of {@code series} carried (none for its first run). */
  private static PCollection<KV<FlowKey, KeyAssembly>> readCarried(Pipeline p, SeriesRun series) {
    return series.carriedIn().isPresent()
        ? p.apply("ReadCarried", CarriedFlows.read(series.carriedIn().get()))
        : p.apply(
            "NoneCarried", Create.empty(KvCoder.of(FlowKeyCoder.of(), KeyAssemblyCoder.of())));
  }

  /**
   * Assembles one run of a series: the carried flows resumed, this run's open flows written to
   * {@link SeriesRun#carriedOut} (nothing carried when flushing).
   */
  private static AssembleFlows.Carrying.Result assembleRun(
      PacketDigest.Result digest,
      AssembleFlows.Keyed assemble,
      PCollection<KV<FlowKey, KeyAssembly>> carriedIn,
      SeriesRun series) {
    AssembleFlows.Carrying carrying = assemble.carrying(carriedIn, series.seriesEndBeforeUs());
    if (series.flush()) {
      carrying = carrying.flushing();
    }
    AssembleFlows.Carrying.Result run = digest.byFlowKey().apply("AssembleFlows", carrying);
    if (!series.flush()) {
      run.carried()
          .apply("WriteCarried", CarriedFlows.write(series.carriedOut(), run.seriesEndUs()));
    }
    return run;
  }

  /**
   * The options that shape what a run of an {@code --incremental} series writes, by their
   * command-line names: a series keeps them from run to run ({@link
   * org.flowbeam.pipelines.incremental.SeriesOptions}). Options that change only how the job runs
   * (runner, shards, split size, assembly path) or what it reads are not among them.
   */
  static Map<String, Object> seriesOptions(FlowBeamOptions o) {
    Map<String, Object> recorded = manifestOptions(o);
    Map<String, Object> m = new LinkedHashMap<>();
    for (String name : SERIES_OPTIONS) {
      String key = name.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
      String recordedKey = SERIES_OPTION_KEYS.getOrDefault(key, key);
      if (!recorded.containsKey(recordedKey)) {
        throw new IllegalStateException("no manifest option " + recordedKey + " for --" + name);
      }
      m.put(name, recorded.get(recordedKey));
    }
    return m;
  }

  /** The options a series keeps ({@link #seriesOptions}), by their command-line names. */
  private static final List<String> SERIES_OPTIONS =
      List.of(
          "ipMap",
          "protocols",
          "idleTimeout",
          "udpIdleTimeout",
          "icmpIdleTimeout",
          "activeTimeout",
          "closeLinger",
          "binSize",
          "fragmentPackets",
          "formats",
          "communityIdSeed",
          "decapsulate",
          "from",
          "to",
          "filterProtocols",
          "filterAddresses",
          "filterPorts",
          "dedupWindow");

  /** Manifest keys that are not the snake case of the option's name: those with a unit. */
  private static final Map<String, String> SERIES_OPTION_KEYS =
      Map.of(
          "idle_timeout", "idle_timeout_s",
          "udp_idle_timeout", "udp_idle_timeout_s",
          "icmp_idle_timeout", "icmp_idle_timeout_s",
          "active_timeout", "active_timeout_s",
          "close_linger", "close_linger_s",
          "bin_size", "bin_size_s");

  /** The manifest's static part: what was asked and with which software. */
  static Map<String, Object> manifestHead(FlowBeamOptions o, InputFiles inputs, String runner) {
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("flowbeam_version", Versions.flowBeam());
    head.put("beam_version", Versions.beam());
    head.put("runner", runner);
    head.put("created_at", java.time.Instant.now().toString());
    List<String> read = new java.util.ArrayList<>(inputs.csv());
    read.addAll(inputs.captures());
    head.put("inputs", read);
    List<Map<String, Object>> rejected = new java.util.ArrayList<>();
    for (InputFiles.Rejected r : inputs.rejected()) {
      rejected.add(Map.of("file", r.file(), "reason", r.reason()));
    }
    head.put("rejected_files", rejected);
    head.put("options", manifestOptions(o));
    return head;
  }

  /** The options as the manifest records them, by snake-case keys with units. */
  private static Map<String, Object> manifestOptions(FlowBeamOptions o) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("input", o.getInput());
    options.put("format", o.getFormat().toString());
    options.put("ip_map", o.getIpMap());
    options.put("protocols", o.getProtocols().stream().map(EnumOption::spelling).toList());
    options.put("idle_timeout_s", o.getIdleTimeout());
    options.put("udp_idle_timeout_s", o.getUdpIdleTimeout());
    options.put("icmp_idle_timeout_s", o.getIcmpIdleTimeout());
    options.put("active_timeout_s", o.getActiveTimeout());
    OptionalDouble closeLinger = closeLingerSeconds(o);
    options.put(
        "close_linger_s", closeLinger.isPresent() ? closeLinger.getAsDouble() : NO_CLOSE_LINGER);
    options.put("bin_size_s", o.getBinSize());
    options.put("layout", o.getLayout().toString());
    options.put("assembly", o.getAssembly().toString());
    options.put("fragment_packets", o.getFragmentPackets());
    options.put("formats", o.getFormats().stream().map(EnumOption::spelling).toList());
    options.put("community_id_seed", o.getCommunityIdSeed());
    options.put("num_shards", o.getNumShards());
    options.put("split_size_mb", o.getSplitSizeMb());
    options.put("decapsulate", o.getDecapsulate());
    options.put("from", o.getFrom());
    options.put("to", o.getTo());
    options.put("filter_protocols", o.getFilterProtocols());
    options.put("filter_addresses", o.getFilterAddresses());
    options.put("filter_ports", o.getFilterPorts());
    options.put("dedup_window", o.getDedupWindow());
    options.put("max_records", o.getMaxRecords());
    return options;
  }
}
