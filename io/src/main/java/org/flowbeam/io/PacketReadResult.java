package org.flowbeam.io;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.transforms.PTransform;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * What a packet reader produces, in the manner of Beam's {@code CsvIOParseResult}: the packets,
 * the records it rejected, and how many records it read from each file.
 *
 * <p>{@link #getRecordsRead()} is counted where records are framed (one per CSV row or capture
 * record), before any field is parsed, so {@code sum(recordsRead) = count(packets) +
 * count(errors)} is a real check of the reader, not a restatement.
 */
public final class PacketReadResult implements POutput {
  public static final TupleTag<Packet> PACKETS = new TupleTag<Packet>() {};
  public static final TupleTag<RejectedRecord> ERRORS = new TupleTag<RejectedRecord>() {};
  public static final TupleTag<KV<String, Long>> RECORDS_READ =
      new TupleTag<KV<String, Long>>() {};

  private final Pipeline pipeline;
  private final PCollection<Packet> packets;
  private final PCollection<RejectedRecord> errors;
  private final PCollection<KV<String, Long>> recordsRead;

  private PacketReadResult(
      Pipeline pipeline,
      PCollection<Packet> packets,
      PCollection<RejectedRecord> errors,
      PCollection<KV<String, Long>> recordsRead) {
    this.pipeline = pipeline;
    this.packets = packets;
    this.errors = errors;
    this.recordsRead = recordsRead;
  }

  /** Wraps the three outputs of a reader's multi-output ParDo. */
  public static PacketReadResult of(PCollectionTuple tuple) {
    return new PacketReadResult(
        tuple.getPipeline(), tuple.get(PACKETS), tuple.get(ERRORS), tuple.get(RECORDS_READ));
  }

  /** Wraps three collections (for instance the flattened results of several readers). */
  public static PacketReadResult of(
      PCollection<Packet> packets,
      PCollection<RejectedRecord> errors,
      PCollection<KV<String, Long>> recordsRead) {
    return new PacketReadResult(packets.getPipeline(), packets, errors, recordsRead);
  }

  /** The packets, each with its capture time as event timestamp. */
  public PCollection<Packet> getOutput() {
    return packets;
  }

  /** The rejected records, with file, offset and reason. */
  public PCollection<RejectedRecord> getErrors() {
    return errors;
  }

  /** Records framed per file, one element per file range in which a record starts; sum per file for the total. */
  public PCollection<KV<String, Long>> getRecordsRead() {
    return recordsRead;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(PACKETS, packets, ERRORS, errors, RECORDS_READ, recordsRead);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
