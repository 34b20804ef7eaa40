package org.flowbeam.io.pcap;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.io.PacketReadResult;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * What {@code PcapIO} produces: the common {@link PacketReadResult} (packets, rejected records,
 * records read per range) plus what only captures have: non-IP frame counts by type and one {@link
 * CaptureSummary} per file, for the run manifest.
 *
 * <p>Reconciliation: per file, {@code sum(recordsRead) = packets + errors + nonIp} (see {@link
 * CaptureReader} for what a record is).
 */
public final class PcapReadResult implements POutput {
  private final PacketReadResult packets;
  private final PCollection<KV<String, Long>> nonIpCounts;
  private final PCollection<KV<String, CaptureSummary>> summaries;

  public PcapReadResult(
      PacketReadResult packets,
      PCollection<KV<String, Long>> nonIpCounts,
      PCollection<KV<String, CaptureSummary>> summaries) {
    this.packets = packets;
    this.nonIpCounts = nonIpCounts;
    this.summaries = summaries;
  }

  /** The packet, error and records-read outputs, as every FlowBeam reader gives them. */
  public PacketReadResult packetResult() {
    return packets;
  }

  public PCollection<Packet> getOutput() {
    return packets.getOutput();
  }

  public PCollection<RejectedRecord> getErrors() {
    return packets.getErrors();
  }

  public PCollection<KV<String, Long>> getRecordsRead() {
    return packets.getRecordsRead();
  }

  /** Frames with no IP packet, by type (one element per range and type; sum per key). */
  public PCollection<KV<String, Long>> getNonIpCounts() {
    return nonIpCounts;
  }

  /** One summary per file, merged over its ranges. */
  public PCollection<KV<String, CaptureSummary>> getSummaries() {
    return summaries;
  }

  @Override
  public Pipeline getPipeline() {
    return packets.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new HashMap<>(packets.expand());
    m.put(PcapReadFn.NON_IP, nonIpCounts);
    m.put(PcapReadFn.SUMMARIES, summaries);
    return m;
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
