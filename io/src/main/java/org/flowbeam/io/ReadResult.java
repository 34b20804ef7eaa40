package org.flowbeam.io;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * What every packet read produces besides its packets or their digest, in the manner of Beam's
 * {@code CsvIOParseResult}: the records it rejected, how many records it read from each file, the
 * frames that hold no IP packet, and the format's own per-range report ({@link #get}).
 *
 * <p>{@link #getRecordsRead()} is counted where records are framed (one per CSV row or capture
 * record), before any field is parsed, so {@code sum(recordsRead) = packets + errors + nonIp +
 * filtered} is a real check of the reader, not a restatement. {@link PacketReadResult} adds the
 * packets, {@link DigestReadResult} their digest.
 */
public abstract class ReadResult implements POutput {
  /** Packets, each with its capture time as event timestamp. */
  public static final TupleTag<Packet> PACKETS = new TupleTag<Packet>() {};

  /** Rejected records: file, offset, raw text, reason. */
  public static final TupleTag<RejectedRecord> ERRORS = new TupleTag<RejectedRecord>() {};

  /** Records framed per file, one element per range in which a record starts. */
  public static final TupleTag<KV<String, Long>> RECORDS_READ = new TupleTag<KV<String, Long>>() {};

  /** Frames without an IP packet per type, one element per range and type. */
  public static final TupleTag<KV<String, Long>> NON_IP = new TupleTag<KV<String, Long>>() {};

  /**
   * Packets the read's {@link org.flowbeam.io.filter.PacketFilter} left out, per reason ({@code
   * time}, {@code protocol}, {@code address}, {@code port}), one element per range and reason.
   */
  public static final TupleTag<KV<String, Long>> FILTERED = new TupleTag<KV<String, Long>>() {};

  private final PCollectionTuple outputs;

  ReadResult(PCollectionTuple outputs) {
    this.outputs = outputs;
  }

  /** The rejected records, with file, offset and reason. */
  public PCollection<RejectedRecord> getErrors() {
    return outputs.get(ERRORS);
  }

  /**
   * Records framed per file, one element per file range in which a record starts; sum per file for
   * the total.
   */
  public PCollection<KV<String, Long>> getRecordsRead() {
    return outputs.get(RECORDS_READ);
  }

  /** Frames with no IP packet, by type (one element per range and type; sum per key). */
  public PCollection<KV<String, Long>> getNonIpCounts() {
    return outputs.get(NON_IP);
  }

  /** Packets left out by the read's filter, by reason (one element per range and reason). */
  public PCollection<KV<String, Long>> getFilteredCounts() {
    return outputs.get(FILTERED);
  }

  /**
   * An output of the format's own per-range report ({@link InputFormat#reportOutputs()}).
   *
   * @throws IllegalArgumentException if the format has no such output
   */
  public <V> PCollection<V> get(TupleTag<V> tag) {
    if (!outputs.has(tag)) {
      throw new IllegalArgumentException("the format reports no output " + tag);
    }
    return outputs.get(tag);
  }

  @Override
  public Pipeline getPipeline() {
    return outputs.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return outputs.expand();
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
