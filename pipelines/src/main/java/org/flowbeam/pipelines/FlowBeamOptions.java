package org.flowbeam.pipelines;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;
import org.flowbeam.io.FlowSinks;
import org.flowbeam.io.ReadSpec;
import org.flowbeam.io.sink.FileFormat;
import org.flowbeam.io.zeek.ConnLogFormat;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowProtocol;

/**
 * Options of the packets-to-flows job. Times are in seconds (fractions allowed); every option has a
 * default except {@code --input} and {@code --output}. An option that takes one of a few values is
 * an enum, written in lower case on the command line ({@code --layout=timearcs}; any case is
 * accepted) and listed by {@code --help}.
 *
 * <p>{@code --input}, {@code --output} and {@code --ipMap} take local paths or {@code hdfs://}
 * URIs; the Hadoop configuration is Beam's {@link HadoopFileSystemOptions#getHdfsConfiguration}
 * ({@code --hdfsConfiguration}, else {@code HADOOP_CONF_DIR}/{@code YARN_CONF_DIR}; see {@link
 * HadoopPaths}).
 */
public interface FlowBeamOptions extends PipelineOptions, HadoopFileSystemOptions {
  @Description(
      "Input files: a glob or a comma-separated list of globs. Packet CSV (TimeArcs or tshark"
          + " field export), pcap and pcapng, each optionally gzip-compressed; all files together"
          + " form one dataset. Local paths or hdfs://NAMENODE:PORT/... URIs.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description(
      "Output directory: a local path or an hdfs://NAMENODE:PORT/... URI. Receives the flows,"
          + " statistics and rejected records, sharded,"
          + " in each of --formats, and manifest.json; an earlier FlowBeam output there is"
          + " replaced. With --incremental: the root that accumulates every run's partitions.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description(
      "Input format: 'auto' (from each file's first bytes: pcap, pcapng or CSV, gzip or not),"
          + " 'csv' or 'pcap'.")
  @Default.Enum("AUTO")
  Format getFormat();

  void setFormat(Format value);

  @Description(
      "JSON object mapping address text to the integer ids used in the CSV, e.g."
          + " {\"10.0.0.1\": 1}; a local path or an hdfs:// URI.")
  String getIpMap();

  void setIpMap(String value);

  @Description(
      "Which protocols' packets make flows, comma-separated: any of 'tcp', 'udp' and 'icmp' (ICMP"
          + " and ICMPv6). Packets of the others count in the statistics only.")
  @Default.InstanceFactory(Protocol.All.class)
  List<Protocol> getProtocols();

  void setProtocols(List<Protocol> value);

  @Description("Seconds without a packet after which a TCP flow ends (idle_timeout).")
  @Default.Double(300)
  double getIdleTimeout();

  void setIdleTimeout(double value);

  @Description(
      "Seconds without a packet after which a UDP flow ends (idle_timeout); Zeek's default.")
  @Default.Double(60)
  double getUdpIdleTimeout();

  void setUdpIdleTimeout(double value);

  @Description(
      "Seconds without a packet after which an ICMP or ICMPv6 flow ends (idle_timeout); Zeek's"
          + " default.")
  @Default.Double(60)
  double getIcmpIdleTimeout();

  void setIcmpIdleTimeout(double value);

  @Description("Seconds after which a long flow is split (active_timeout); 0 turns it off.")
  @Default.Double(0)
  double getActiveTimeout();

  void setActiveTimeout(double value);

  @Description(
      "How long after a FIN/RST close packets without a new connection's SYN still join the"
          + " closed flow: 'none' (no limit: they join it until the idle timeout, as they join the"
          + " closed connection's stream in tshark) or seconds. With seconds, a packet that comes"
          + " later (mostly a late RST) starts a flow of its own (invalid, incomplete_no_syn), an"
          + " 'appendix' flow as CICFlowMeter makes; 2 is FlowBeam's former default.")
  @Default.String(FlowBeamPipeline.NO_CLOSE_LINGER)
  String getCloseLinger();

  void setCloseLinger(String value);

  @Description(
      "How packets reach the keyed flow stage: 'fragments' (gathered per flow key and bundle"
          + " before the shuffle; faster) or 'packets' (one by one). Both give the same flows.")
  @Default.Enum("FRAGMENTS")
  Assembly getAssembly();

  void setAssembly(Assembly value);

  @Description(
      "With --assembly=fragments, the most packets of one flow key a fragment holds on its way to"
          + " the keyed stage (1 to 1000000). Any value gives the same flows; a long connection"
          + " travels as many fragments, and the keyed stage holds about one fragment per input"
          + " that covers the same time.")
  @Default.Integer(4096)
  int getFragmentPackets();

  void setFragmentPackets(int value);

  @Description("Width of the time bins, in seconds (a whole number of milliseconds).")
  @Default.Double(1)
  double getBinSize();

  void setBinSize(double value);

  @Description(
      "Output layout: 'flowbeam' (the sharded outputs) or 'timearcs' (also the TimeArcs v2.0"
          + " chunked layout for the browser viewer).")
  @Default.Enum("FLOWBEAM")
  Layout getLayout();

  void setLayout(Layout value);

  @Description(
      "File formats of the sharded outputs, comma-separated: any of 'csv' (with a header row),"
          + " 'avro' (deflate) and 'parquet' (Snappy; DuckDB, Spark and pandas read it typed);"
          + " 'zeek' and 'zeek-json' add the flows as Zeek's conn.log (TSV, JSON lines) under"
          + " conn/.")
  @Default.InstanceFactory(OutputFormat.CsvAndAvro.class)
  List<OutputFormat> getFormats();

  void setFormats(List<OutputFormat> value);

  @Description(
      "Seed of the flows' community_id (Community ID v1), 0 to 65535. Flows join with another"
          + " tool's (Zeek, Suricata, tshark) only when both use the same seed.")
  @Default.Integer(CommunityId.DEFAULT_SEED)
  int getCommunityIdSeed();

  void setCommunityIdSeed(int value);

  @Description("Flows per TimeArcs chunk file.")
  @Default.Integer(200)
  int getFlowsPerChunk();

  void setFlowsPerChunk(int value);

  @Description(
      "Files of each sharded output (flows, per-IP statistics, rejected records); 0 (the default)"
          + " lets the runner choose: a file per writing task, with no shuffle before the write.")
  @Default.Integer(0)
  int getNumShards();

  void setNumShards(int value);

  @Description(
      "Read a tunnelled packet in a capture (IP-in-IP, 6in4, 4in6, GRE, PPTP, ERSPAN, GTP-U,"
          + " VXLAN, Geneve, Teredo, AYIYA, L2TP; see src/docs/encapsulations.md) as the packet"
          + " inside the tunnel, keyed by its own 5-tuple. --decapsulate=false reads it as the outer"
          + " packet between the tunnel endpoints.")
  @Default.Boolean(true)
  boolean getDecapsulate();

  void setDecapsulate(boolean value);

  @Description(
      "Print no progress while the job runs (the summary at its end is still printed). Progress"
          + " goes to standard error: one line updated in place on a terminal, a line every"
          + " --progressSeconds otherwise.")
  @Default.Boolean(false)
  boolean getQuiet();

  void setQuiet(boolean value);

  @Description(
      "Write report.html into the output directory at the end of the run: charts and tables of the"
          + " outputs, read back after the job (about 3 s of CPU per million flows). false skips"
          + " it.")
  @Default.Boolean(true)
  boolean getReport();

  void setReport(boolean value);

  @Description(
      "Seconds between two progress lines when standard error is not a terminal (a log, cron).")
  @Default.Double(5)
  double getProgressSeconds();

  void setProgressSeconds(double value);

  @Description(
      "Keep only packets captured at or after this time: ISO-8601 (2024-05-01T12:00:00Z,"
          + " 2024-05-01T14:00:00+02:00; a date or a time without zone is UTC) or seconds since"
          + " the epoch (1714564800.25). Applied while reading; packets left out are counted in"
          + " the manifest (filtered_time).")
  String getFrom();

  void setFrom(String value);

  @Description("Keep only packets captured before this time (the same forms as --from).")
  String getTo();

  void setTo(String value);

  @Description(
      "Keep only packets from or to one of these addresses or CIDR blocks, comma-separated"
          + " (10.0.0.0/8,2001:db8::/32,192.0.2.7). Applied while reading (filtered_address).")
  String getFilterAddresses();

  void setFilterAddresses(String value);

  @Description(
      "Keep only TCP and UDP packets whose source or destination port is one of these,"
          + " comma-separated ports and ranges (53,80,8000-8099); other protocols are left out."
          + " Applied while reading (filtered_port).")
  String getFilterPorts();

  void setFilterPorts(String value);

  @Description(
      "Keep only packets of these IP protocols, comma-separated: tcp, udp, icmp (ICMP and"
          + " ICMPv6), icmpv6, gre, esp, ah, sctp or numbers 0-255. Applied while reading, so the"
          + " statistics leave them out too (filtered_protocol); --protocols only chooses which"
          + " protocols make flows.")
  String getFilterProtocols();

  void setFilterProtocols(String value);

  @Description(
      "Leave out duplicate frames as editcap -D N does: a frame whose bytes (a CSV row: its"
          + " packet fields but the time) equal those of one of the N-1 frames before it in the"
          + " same file, for captures taken on several taps or a SPAN port. editcap -d is 5; 0"
          + " keeps duplicates. Counted in the manifest (duplicates).")
  @Default.Integer(0)
  int getDedupWindow();

  void setDedupWindow(int value);

  @Description(
      "Read only the input's first N records (packets, non-IP frames and bad records alike), the"
          + " files taken in the order of their paths: a quick look at a sample of a large"
          + " capture. 0 reads everything.")
  @Default.Long(0)
  long getMaxRecords();

  void setMaxRecords(long value);

  @Description("Byte range size into which plain input files are split for parallel reading, MiB.")
  @Default.Integer(ReadSpec.DEFAULT_SPLIT_SIZE_MB)
  int getSplitSizeMb();

  void setSplitSizeMb(int value);

  @Description(
      "Run as one run of a recurring job (see src/docs/incremental.md): read only the input files"
          + " that --output's ledger does not hold, add the results to --output as Hive-style"
          + " partitions (flows/date=YYYY-MM-DD/hour=HH/...), and carry the flows still open at"
          + " the end of the data to the next run.")
  @Default.Boolean(false)
  boolean getIncremental();

  void setIncremental(boolean value);

  @Description(
      "With --incremental: end the series. The flows carried from the previous run, and those"
          + " open at the end of this run's data, are written (end_of_data) instead of carried.")
  @Default.Boolean(false)
  boolean getFlushOpenFlows();

  void setFlushOpenFlows(boolean value);

  @Description(
      "With --incremental: leave input files modified less than this many seconds ago for a"
          + " later run (the file a capture process is still writing).")
  @Default.Integer(0)
  int getMinFileAgeSeconds();

  void setMinFileAgeSeconds(int value);

  /** How {@code --format} asks input files to be read. */
  @JsonDeserialize(using = EnumOption.Reader.class)
  enum Format {
    AUTO,
    CSV,
    PCAP;

    /** The command-line spelling, as {@code --help} lists it and the manifest records it. */
    @Override
    public String toString() {
      return EnumOption.spelling(this);
    }
  }

  /** How {@code --assembly} sends packets to the keyed flow stage. */
  @JsonDeserialize(using = EnumOption.Reader.class)
  enum Assembly {
    FRAGMENTS,
    PACKETS;

    /** The command-line spelling, as {@code --help} lists it and the manifest records it. */
    @Override
    public String toString() {
      return EnumOption.spelling(this);
    }
  }

  /** Which output layout {@code --layout} asks for. */
  @JsonDeserialize(using = EnumOption.Reader.class)
  enum Layout {
    FLOWBEAM,
    TIMEARCS;

    /** The command-line spelling, as {@code --help} lists it and the manifest records it. */
    @Override
    public String toString() {
      return EnumOption.spelling(this);
    }
  }

  /** A protocol whose packets {@code --protocols} asks to make flows. */
  @JsonDeserialize(using = EnumOption.Reader.class)
  @EnumOption.Option("protocols")
  enum Protocol {
    TCP,
    UDP,
    ICMP;

    /** The flow protocol of the same name. */
    FlowProtocol flowProtocol() {
      return FlowProtocol.valueOf(name());
    }

    /** The command-line spelling, as {@code --help} lists it and the manifest records it. */
    @Override
    public String toString() {
      return EnumOption.spelling(this);
    }

    /** The default of {@code --protocols}: every flow protocol. */
    static final class All implements DefaultValueFactory<List<Protocol>> {
      @Override
      public List<Protocol> create(PipelineOptions options) {
        return List.of(values());
      }
    }
  }

  /** A file format {@code --formats} asks the sharded outputs to be written in. */
  @JsonDeserialize(using = EnumOption.Reader.class)
  @EnumOption.Option("formats")
  enum OutputFormat {
    CSV,
    AVRO,
    PARQUET,
    ZEEK,
    ZEEK_JSON;

    /** The sinks' file format of the same name; null for a conn.log format. */
    FileFormat fileFormat() {
      return connLogFormat() == null ? FileFormat.valueOf(name()) : null;
    }

    /** The conn.log format this asks for; null for a file format of every output. */
    ConnLogFormat connLogFormat() {
      switch (this) {
        case ZEEK:
          return ConnLogFormat.TSV;
        case ZEEK_JSON:
          return ConnLogFormat.JSON;
        default:
          return null;
      }
    }

    /** The command-line spelling, as {@code --help} lists it and the manifest records it. */
    @Override
    public String toString() {
      return EnumOption.spelling(this);
    }

    /** The default of {@code --formats}: the sinks' default, CSV and Avro. */
    static final class CsvAndAvro implements DefaultValueFactory<List<OutputFormat>> {
      @Override
      public List<OutputFormat> create(PipelineOptions options) {
        return FlowSinks.DEFAULT_FORMATS.stream().map(f -> OutputFormat.valueOf(f.name())).toList();
      }
    }
  }
}
