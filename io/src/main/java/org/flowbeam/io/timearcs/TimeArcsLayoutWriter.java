package org.flowbeam.io.timearcs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVPrinter;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.AtomicFiles;
import org.flowbeam.io.sink.CsvSink;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.transforms.IpTraffic;

/**
 * Writes the TimeArcs v2.0 chunked folder that the TCP TimeArcs browser viewer loads, from flows
 * (with their retained packets) and packets held in memory. Plain Java, so it is tested without a
 * pipeline; {@link TimeArcsWrite} runs it in a Beam pipeline.
 *
 * <p>What it writes under the directory (see {@code FORMATS.md}):
 *
 * <ul>
 *   <li>{@code packets.csv}: every packet, sorted by {@link Packet#EVENT_ORDER} (timestamp first),
 *       columns {@link #PACKET_COLUMNS}.
 *   <li>{@code flows/chunk_NNNNN.json}: the TCP flows sorted by start time then id, cut into arrays
 *       of {@link TimeArcsOptions#flowsPerChunk()}; each flow object holds the index summary
 *       fields, its {@code "packets"} and its {@code "phases"} (see {@link PhaseClassifier}), each
 *       phase entry holding the whole packet object.
 *   <li>{@code flows/flows_index.json}: the summaries, with {@code chunk_file} and {@code
 *       chunk_index} (the flow's position within its chunk).
 *   <li>{@code ips/ip_stats.json} and {@code ips/flag_stats.json}: from TCP packets only, as the
 *       TimeArcs loaders compute them; keys sorted.
 *   <li>{@code ips/unique_ips.json}: every address of every packet, sorted as strings.
 *   <li>{@code indices/bins.json}: {@link TimeBins} over every packet's timestamp, 100 bins.
 *   <li>{@code manifest.json}, unless {@link TimeArcsOptions#writeManifest()} is off: the keys
 *       {@link #write} returns. {@code total_packets} counts the packets and the frames without an
 *       IP packet, as the TimeArcs loader counts every row of its CSV (those without addresses
 *       too); these frames are in no other file of the layout.
 * </ul>
 *
 * <p>The viewer knows TCP flows only (handshake, data and closing phases; close types of FIN and
 * RST), as the TimeArcs loaders make flows of TCP packets only: flows of other protocols (UDP,
 * ICMP) are left out of the chunks, the index and {@code total_flows}; their packets stay in {@code
 * packets.csv}, as every packet does.
 *
 * <p>Flow fields: {@code key} is {@code "ipA:portA-ipB:portB"} with the two endpoints ordered as
 * strings; {@code state} and {@code closeType} in the viewer's words ({@link ViewerVocabulary}:
 * {@code graceful}, {@code abortive}, {@code invalid}, {@code open}), not FlowBeam's close reason;
 * {@code invalidReason} {@code null} unless the flow is invalid; {@code ongoing} whether the state
 * is {@code ongoing}; {@code dataTransferStarted} and {@code closingStarted} whether any packet is
 * in that phase. Flows without retained packets get empty packet and phase lists. JSON is written
 * compact (manifest aside), each file atomically; chunk files left from an earlier, larger write
 * are removed. Local directories only.
 *
 * <pre>{@code
 * Map<String, Object> manifestKeys =
 *     new TimeArcsLayoutWriter(TimeArcsOptions.defaults()).write(dir, flows, packets);
 * }</pre>
 */
public final class TimeArcsLayoutWriter {
  public static final String PACKETS_CSV = "packets.csv";
  public static final String FLOWS_DIR = "flows";
  public static final String FLOWS_INDEX = "flows/flows_index.json";
  public static final String IP_STATS = "ips/ip_stats.json";
  public static final String FLAG_STATS = "ips/flag_stats.json";
  public static final String UNIQUE_IPS = "ips/unique_ips.json";
  public static final String BINS = "indices/bins.json";

  /** The columns of {@code packets.csv}, which are also the fields of a JSON packet object. */
  public static final List<String> PACKET_COLUMNS =
      List.of(
          "timestamp",
          "src_ip",
          "dst_ip",
          "src_port",
          "dst_port",
          "flags",
          "flag_type",
          "seq_num",
          "ack_num",
          "length",
          "protocol");

  /** Flows in chunk order: start time, then id. */
  public static final Comparator<FlowRecord> FLOW_ORDER =
      Comparator.comparingLong(FlowRecord::startUs).thenComparing(FlowRecord::flowId);

  private static final JsonFactory JSON =
      new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private final TimeArcsOptions options;

  public TimeArcsLayoutWriter(TimeArcsOptions options) {
    this.options = options;
  }

  /** The chunk file name of chunk {@code i}: {@code chunk_00000.json}, ... */
  public static String chunkFileName(int i) {
    return String.format("chunk_%05d.json", i);
  }

  /** The TimeArcs key of a flow: both endpoints as {@code ip:port}, the smaller string first. */
  public static String flowKey(FlowRecord f) {
    String a = f.initiatorIp() + ":" + f.initiatorPort();
    String b = f.responderIp() + ":" + f.responderPort();
    return a.compareTo(b) <= 0 ? a + "-" + b : b + "-" + a;
  }

  /**
   * Writes the layout of a dataset without non-IP frames; see {@link #write(Path, Collection,
   * Collection, long)}.
   */
  public Map<String, Object> write(
      Path dir, Collection<FlowRecord> flows, Collection<Packet> packets) throws IOException {
    return write(dir, flows, packets, 0);
  }

  /**
   * Writes the layout into {@code dir} (created if needed) and returns the TimeArcs manifest keys,
   * in the manifest's order, for a pipeline that merges them into its own manifest.
   *
   * @param flows the flows, any order; their retained packets feed the chunks; flows other than TCP
   *     are left out
   * @param packets every packet of the dataset, any order
   * @param nonIpFrames the dataset's frames without an IP packet (a capture's ARP frames, CSV rows
   *     without addresses): they count in {@code total_packets}, as the TimeArcs loader counts
   *     every row of its CSV, and nowhere else
   */
  public Map<String, Object> write(
      Path dir, Collection<FlowRecord> flows, Collection<Packet> packets, long nonIpFrames)
      throws IOException {
    return write(Location.local(dir), flows, packets, nonIpFrames);
  }

  /**
   * Writes the layout as {@link #write(Path, Collection, Collection, long)} does, into a directory
   * on any file system {@link Location} reaches (local or HDFS).
   */
  public Map<String, Object> write(
      Location dir, Collection<FlowRecord> flows, Collection<Packet> packets, long nonIpFrames)
      throws IOException {
    if (nonIpFrames < 0) {
      throw new IllegalArgumentException("nonIpFrames must not be negative, got " + nonIpFrames);
    }
    List<Packet> sortedPackets = new ArrayList<>(packets);
    sortedPackets.sort(Packet.EVENT_ORDER);
    List<FlowRecord> sortedFlows = new ArrayList<>();
    for (FlowRecord f : flows) {
      if (f.protocol() == IpProtocol.TCP) {
        sortedFlows.add(f);
      }
    }
    sortedFlows.sort(FLOW_ORDER);

    dir.mkdirs();
    writePacketsCsv(dir.resolve(PACKETS_CSV), sortedPackets);
    int chunks = writeFlows(dir, sortedFlows);
    long tcpPackets = writeIpAndFlagStats(dir, sortedPackets);
    int uniqueIps = writeUniqueIps(dir.resolve(UNIQUE_IPS), sortedPackets);
    writeBins(dir.resolve(BINS), sortedPackets);

    Map<String, Object> manifest =
        manifest(sortedPackets, nonIpFrames, tcpPackets, uniqueIps, sortedFlows.size(), chunks);
    if (options.writeManifest()) {
      ManifestWriter.write(dir, manifest);
    }
    return manifest;
  }

  private Map<String, Object> manifest(
      List<Packet> packets,
      long nonIpFrames,
      long tcpPackets,
      int uniqueIps,
      int flows,
      int chunks) {
    long start = packets.isEmpty() ? 0 : packets.get(0).timestampMicros();
    long end = packets.isEmpty() ? 0 : packets.get(packets.size() - 1).timestampMicros();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", "2.0");
    m.put("format", "chunked");
    m.put("created", options.created() != null ? options.created() : Instant.now().toString());
    m.put("source_files", options.sourceFiles());
    m.put("total_packets", packets.size() + nonIpFrames);
    m.put("tcp_packets", tcpPackets);
    m.put("unique_ips", uniqueIps);
    m.put("total_flows", flows);
    m.put("flows_per_chunk", options.flowsPerChunk());
    m.put("total_chunks", chunks);
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("start", start);
    range.put("end", end);
    range.put("duration", end - start);
    m.put("time_range", range);
    Map<String, Object> structure = new LinkedHashMap<>();
    structure.put("packets", PACKETS_CSV);
    structure.put("flows_index", FLOWS_INDEX);
    structure.put("flow_chunks", "flows/chunk_*.json");
    structure.put("time_bins", BINS);
    structure.put("ip_stats", IP_STATS);
    structure.put("flag_stats", FLAG_STATS);
    structure.put("unique_ips", UNIQUE_IPS);
    m.put("structure", structure);
    return m;
  }

  private static void writePacketsCsv(Location target, List<Packet> packets) throws IOException {
    AtomicFiles.write(
        target,
        out -> {
          Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
          CSVPrinter csv = new CSVPrinter(w, CsvSink.FORMAT);
          csv.printRecord(PACKET_COLUMNS);
          for (Packet p : packets) {
            csv.printRecord(
                p.timestampMicros(),
                p.srcIpText(),
                p.dstIpText(),
                p.srcPort(),
                p.dstPort(),
                p.flags(),
                TcpFlags.typeName(p.flags()),
                p.seq(),
                p.ack(),
                p.length(),
                p.protocol());
          }
          csv.flush();
        });
  }

  /** Writes the chunks and the index; returns the number of chunks. */
  private int writeFlows(Location dir, List<FlowRecord> flows) throws IOException {
    Location flowsDir = dir.resolve(FLOWS_DIR);
    flowsDir.mkdirs();
    int perChunk = options.flowsPerChunk();
    int chunks = (flows.size() + perChunk - 1) / perChunk;
    int[][] phaseCounts = new int[flows.size()][];
    for (int c = 0; c < chunks; c++) {
      String chunkFile = chunkFileName(c);
      int from = c * perChunk;
      List<FlowRecord> chunk = flows.subList(from, Math.min(from + perChunk, flows.size()));
      AtomicFiles.write(
          flowsDir.resolve(chunkFile),
          out -> {
            try (JsonGenerator g = JSON.createGenerator(out)) {
              g.writeStartArray();
              for (int i = 0; i < chunk.size(); i++) {
                FlowRecord f = chunk.get(i);
                List<PhaseClassifier.Entry> phases = PhaseClassifier.classify(f);
                int[] counts = countPhases(phases);
                phaseCounts[from + i] = counts;
                g.writeStartObject();
                writeSummaryFields(g, f, counts, chunkFile, i);
                g.writeArrayFieldStart("packets");
                for (Packet p : f.packets()) {
                  writePacket(g, p);
                }
                g.writeEndArray();
                writePhases(g, f.packets(), phases);
                g.writeEndObject();
              }
              g.writeEndArray();
            }
          });
    }
    AtomicFiles.write(
        dir.resolve(FLOWS_INDEX),
        out -> {
          try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (int i = 0; i < flows.size(); i++) {
              g.writeStartObject();
              writeSummaryFields(
                  g, flows.get(i), phaseCounts[i], chunkFileName(i / perChunk), i % perChunk);
              g.writeEndObject();
            }
            g.writeEndArray();
          }
        });
    removeStaleChunks(flowsDir, chunks);
    return chunks;
  }

  private static void removeStaleChunks(Location flowsDir, int chunks) throws IOException {
    for (String name : flowsDir.list()) {
      if (!name.startsWith("chunk_") || !name.endsWith(".json")) {
        continue;
      }
      String digits = name.substring("chunk_".length(), name.length() - ".json".length());
      if (!digits.isEmpty()
          && digits.chars().allMatch(Character::isDigit)
          && Integer.parseInt(digits) >= chunks) {
        flowsDir.resolve(name).deleteRecursively();
      }
    }
  }

  private static int[] countPhases(List<PhaseClassifier.Entry> phases) {
    int[] counts = new int[PhaseClassifier.Phase.values().length];
    for (PhaseClassifier.Entry e : phases) {
      counts[e.phase().ordinal()]++;
    }
    return counts;
  }

  private static void writeSummaryFields(
      JsonGenerator g, FlowRecord f, int[] counts, String chunkFile, int chunkIndex)
      throws IOException {
    g.writeStringField("id", f.flowId());
    g.writeStringField("key", flowKey(f));
    g.writeStringField("initiator", f.initiatorIp());
    g.writeStringField("responder", f.responderIp());
    g.writeNumberField("initiatorPort", f.initiatorPort());
    g.writeNumberField("responderPort", f.responderPort());
    g.writeStringField("state", ViewerVocabulary.state(f.state()));
    g.writeStringField("closeType", ViewerVocabulary.closeType(f.state()));
    g.writeNumberField("startTime", f.startUs());
    g.writeNumberField("endTime", f.endUs());
    g.writeNumberField("totalPackets", f.packetCount());
    g.writeNumberField("totalBytes", f.byteCount());
    g.writeBooleanField("establishmentComplete", f.handshakeComplete());
    g.writeBooleanField(
        "dataTransferStarted", counts[PhaseClassifier.Phase.DATA_TRANSFER.ordinal()] > 0);
    g.writeBooleanField("closingStarted", counts[PhaseClassifier.Phase.CLOSING.ordinal()] > 0);
    if (f.invalidReason() == InvalidReason.NONE) {
      g.writeNullField("invalidReason");
    } else {
      g.writeStringField("invalidReason", f.invalidReason().label());
    }
    g.writeBooleanField("ongoing", f.state() == FlowState.ONGOING);
    g.writeNumberField(
        "establishment_packets", counts[PhaseClassifier.Phase.ESTABLISHMENT.ordinal()]);
    g.writeNumberField(
        "data_transfer_packets", counts[PhaseClassifier.Phase.DATA_TRANSFER.ordinal()]);
    g.writeNumberField("closing_packets", counts[PhaseClassifier.Phase.CLOSING.ordinal()]);
    g.writeStringField("chunk_file", chunkFile);
    g.writeNumberField("chunk_index", chunkIndex);
  }

  private static void writePhases(
      JsonGenerator g, List<Packet> packets, List<PhaseClassifier.Entry> entries)
      throws IOException {
    g.writeObjectFieldStart("phases");
    for (PhaseClassifier.Phase phase : PhaseClassifier.Phase.values()) {
      g.writeArrayFieldStart(phase.key());
      for (PhaseClassifier.Entry e : entries) {
        if (e.phase() == phase) {
          g.writeStartObject();
          g.writeFieldName("packet");
          writePacket(g, packets.get(e.packetIndex()));
          g.writeStringField("phase", e.step());
          g.writeStringField("description", e.description());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writePacket(JsonGenerator g, Packet p) throws IOException {
    g.writeStartObject();
    g.writeNumberField("timestamp", p.timestampMicros());
    g.writeStringField("src_ip", p.srcIpText());
    g.writeStringField("dst_ip", p.dstIpText());
    g.writeNumberField("src_port", p.srcPort());
    g.writeNumberField("dst_port", p.dstPort());
    g.writeNumberField("flags", p.flags());
    g.writeStringField("flag_type", TcpFlags.typeName(p.flags()));
    g.writeNumberField("seq_num", p.seq());
    g.writeNumberField("ack_num", p.ack());
    g.writeNumberField("length", p.length());
    g.writeNumberField("protocol", p.protocol());
    g.writeEndObject();
  }

  /** Writes ip_stats.json and flag_stats.json from the TCP packets; returns their count. */
  private static long writeIpAndFlagStats(Location dir, List<Packet> packets) throws IOException {
    Map<String, IpTraffic> ips = new TreeMap<>();
    Map<String, Long> flags = new TreeMap<>();
    long tcp = 0;
    for (Packet p : packets) {
      if (!p.isTcp()) {
        continue;
      }
      tcp++;
      flags.merge(TcpFlags.typeName(p.flags()), 1L, Long::sum);
      long ts = p.timestampMicros();
      ips.computeIfAbsent(p.srcIpText(), k -> new IpTraffic()).addSent(p.length(), ts);
      ips.computeIfAbsent(p.dstIpText(), k -> new IpTraffic()).addReceived(p.length(), ts);
    }
    AtomicFiles.write(
        dir.resolve(IP_STATS),
        out -> {
          try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, IpTraffic> e : ips.entrySet()) {
              IpStats s = e.getValue().toIpStats(e.getKey());
              g.writeObjectFieldStart(s.ip());
              g.writeNumberField("sent_packets", s.sentPackets());
              g.writeNumberField("recv_packets", s.recvPackets());
              g.writeNumberField("sent_bytes", s.sentBytes());
              g.writeNumberField("recv_bytes", s.recvBytes());
              g.writeNumberField("first_ts", s.firstTs());
              g.writeNumberField("last_ts", s.lastTs());
              g.writeEndObject();
            }
            g.writeEndObject();
          }
        });
    AtomicFiles.write(
        dir.resolve(FLAG_STATS),
        out -> {
          try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Long> e : flags.entrySet()) {
              g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
          }
        });
    return tcp;
  }

  private static int writeUniqueIps(Location target, List<Packet> packets) throws IOException {
    TreeSet<String> ips = new TreeSet<>();
    for (Packet p : packets) {
      ips.add(p.srcIpText());
      ips.add(p.dstIpText());
    }
    AtomicFiles.write(
        target,
        out -> {
          try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (String ip : ips) {
              g.writeString(ip);
            }
            g.writeEndArray();
          }
        });
    return ips.size();
  }

  private static void writeBins(Location target, List<Packet> packets) throws IOException {
    long[] ts = new long[packets.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = packets.get(i).timestampMicros();
    }
    List<TimeBins.Bin> bins = TimeBins.of(ts, TimeBins.TIMEARCS_BINS);
    AtomicFiles.write(
        target,
        out -> {
          try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (TimeBins.Bin b : bins) {
              g.writeStartObject();
              g.writeNumberField("bin", b.bin());
              g.writeNumberField("start", b.start());
              g.writeNumberField("end", b.end());
              g.writeNumberField("count", b.count());
              g.writeEndObject();
            }
            g.writeEndArray();
          }
        });
  }
}
