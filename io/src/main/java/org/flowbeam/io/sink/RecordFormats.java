package org.flowbeam.io.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.TimeBin;

/**
 * The row layouts of FlowBeam's own sharded outputs, one {@link RecordFormat} per output. The
 * column names here are the CSV headers and the Avro field names ({@code avro/*.avsc} in this jar);
 * times are microseconds since the epoch, enum values their lower-case labels.
 *
 * <pre>{@code
 * RecordFormats.FLOWS.columns(); // [flow_id, initiator_ip, ..., community_id, tunnel_type, ...]
 * }</pre>
 */
public final class RecordFormats {
  private static final List<String> FLAG_COLUMNS =
      List.of("fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr");

  /**
   * The last columns of {@link #FLOWS}, the flow's tunnel ({@link org.flowbeam.model.FlowTunnel}):
   * its type, its outer endpoints (the initiator's side first) and the packets that came otherwise.
   */
  public static final List<String> FLOW_TUNNEL_COLUMNS =
      List.of("tunnel_type", "tunnel_src_ip", "tunnel_dst_ip", "tunnel_other_packets");

  /**
   * Flows: {@code flow_id, initiator_ip, initiator_port, responder_ip, responder_port, protocol,
   * start_us, end_us, duration_us, packets, bytes, packets_fwd, packets_rev, bytes_fwd, bytes_rev,
   * fin, syn, rst, psh, ack, urg, ece, cwr, handshake_complete, state, invalid_reason,
   * close_reason, community_id, tunnel_type, tunnel_src_ip, tunnel_dst_ip, tunnel_other_packets}.
   * Forward is from the initiator; {@code invalid_reason} is empty unless the flow is invalid;
   * {@code community_id} is the flow's Community ID v1 with the default seed ({@link
   * #flows(CommunityId)} for another). The tunnel columns ({@link org.flowbeam.model.FlowTunnel})
   * come last, so readers of the columns before them are unchanged: the first packet's tunnel type
   * and outer endpoints (initiator's side first; empty without a tunnel) and the count of packets
   * that came otherwise. Retained packets are not written.
   */
  public static final RecordFormat<FlowRecord> FLOWS =
      new RecordFormat<>(
          "flows",
          concat(
              List.of(
                  "flow_id",
                  "initiator_ip",
                  "initiator_port",
                  "responder_ip",
                  "responder_port",
                  "protocol",
                  "start_us",
                  "end_us",
                  "duration_us",
                  "packets",
                  "bytes",
                  "packets_fwd",
                  "packets_rev",
                  "bytes_fwd",
                  "bytes_rev"),
              FLAG_COLUMNS,
              List.of(
                  "handshake_complete", "state", "invalid_reason", "close_reason", "community_id"),
              FLOW_TUNNEL_COLUMNS),
          flowValues(CommunityId.DEFAULT),
          "/avro/flow.avsc");

  /** The flows of {@link #FLOWS}, their {@code community_id} hashed with {@code communityId}. */
  public static RecordFormat<FlowRecord> flows(CommunityId communityId) {
    return communityId.equals(CommunityId.DEFAULT)
        ? FLOWS
        : new RecordFormat<>(
            FLOWS.name(), FLOWS.columns(), flowValues(communityId), FLOWS.avroSchemaResource());
  }

  /**
   * Per-address statistics: {@code ip, sent_packets, recv_packets, sent_bytes, recv_bytes,
   * first_us, last_us}.
   */
  public static final RecordFormat<IpStats> IP_STATS =
      new RecordFormat<>(
          "ip_stats",
          List.of(
              "ip",
              "sent_packets",
              "recv_packets",
              "sent_bytes",
              "recv_bytes",
              "first_us",
              "last_us"),
          s ->
              Arrays.asList(
                  s.ip(),
                  s.sentPackets(),
                  s.recvPackets(),
                  s.sentBytes(),
                  s.recvBytes(),
                  s.firstTs(),
                  s.lastTs()),
          "/avro/ip_stats.avsc");

  /** Flag statistics, one row per TimeArcs {@code flag_type}: {@code flag_type, count}. */
  public static final RecordFormat<KV<String, Long>> FLAG_STATS =
      new RecordFormat<>(
          "flag_stats",
          List.of("flag_type", "count"),
          kv -> Arrays.asList(kv.getKey(), kv.getValue()),
          "/avro/flag_stats.avsc");

  /**
   * Time bins: {@code start_us, end_us, packets, bytes, fin, syn, rst, psh, ack, urg, ece, cwr,
   * flows_started}.
   */
  public static final RecordFormat<TimeBin> TIME_BINS =
      new RecordFormat<>(
          "time_bins",
          concat(
              List.of("start_us", "end_us", "packets", "bytes"),
              FLAG_COLUMNS,
              List.of("flows_started")),
          RecordFormats::timeBinValues,
          "/avro/time_bins.avsc");

  /** Dead-letter records: {@code file, offset, reason, raw}. */
  public static final RecordFormat<RejectedRecord> REJECTED =
      new RecordFormat<>(
          "rejected",
          List.of("file", "offset", "reason", "raw"),
          r -> Arrays.asList(r.file(), r.offset(), r.reason(), r.raw()),
          "/avro/rejected.avsc");

  private RecordFormats() {}

  private static SerializableFunction<FlowRecord, List<Object>> flowValues(
      CommunityId communityId) {
    return f -> flowValues(f, communityId);
  }

  private static List<Object> flowValues(FlowRecord f, CommunityId communityId) {
    List<Object> v = new ArrayList<>(32);
    v.add(f.flowId());
    v.add(f.initiatorIp());
    v.add(f.initiatorPort());
    v.add(f.responderIp());
    v.add(f.responderPort());
    v.add(f.protocol());
    v.add(f.startUs());
    v.add(f.endUs());
    v.add(f.durationUs());
    v.add(f.packetCount());
    v.add(f.byteCount());
    v.add(f.packetsFwd());
    v.add(f.packetsRev());
    v.add(f.bytesFwd());
    v.add(f.bytesRev());
    addFlags(v, f.flagCounts());
    v.add(f.handshakeComplete());
    v.add(f.state().label());
    v.add(f.invalidReason().label());
    v.add(f.closeReason().label());
    v.add(communityId.of(f));
    v.add(f.tunnel().typeText());
    v.add(f.tunnel().outerSrcText());
    v.add(f.tunnel().outerDstText());
    v.add(f.tunnel().otherPackets());
    return v;
  }

  private static List<Object> timeBinValues(TimeBin b) {
    List<Object> v = new ArrayList<>(13);
    v.add(b.startUs());
    v.add(b.endUs());
    v.add(b.packets());
    v.add(b.bytes());
    addFlags(v, b.flags());
    v.add(b.flowsStarted());
    return v;
  }

  private static void addFlags(List<Object> v, FlagCounts c) {
    for (int i = 0; i < 8; i++) {
      v.add(c.get(i));
    }
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }
}
