package org.flowbeam.io;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileIO.ReadableFile;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.RejectedRecordCoder;
import org.flowbeam.transforms.PacketDigest;

/**
 * What a packet reader produces, in the manner of Beam's {@code CsvIOParseResult}: the packets, the
 * records it rejected, and how many records it read from each file.
 *
 * <p>{@link #getRecordsRead()} is counted where records are framed (one per CSV row or capture
 * record), before any field is parsed, so {@code sum(recordsRead) = count(packets) + count(errors)}
 * is a real check of the reader, not a restatement.
 *
 * <p>A reader asked to digest ({@code withDigest}) runs the {@link PacketDigest} on the packets it
 * decodes: {@link #getDigest()} is then what {@code getOutput().apply(digest)} would give, and
 * {@link #getOutput()} is empty.
 */
public final class PacketReadResult implements POutput {
  public static final TupleTag<Packet> PACKETS = new TupleTag<Packet>() {};
  public static final TupleTag<RejectedRecord> ERRORS = new TupleTag<RejectedRecord>() {};
  public static final TupleTag<KV<String, Long>> RECORDS_READ = new TupleTag<KV<String, Long>>() {};

  private final Pipeline pipeline;
  private final PCollection<Packet> packets;
  private final PCollection<RejectedRecord> errors;
  private final PCollection<KV<String, Long>> recordsRead;
  private final PacketDigest.@Nullable Result digest;

  private PacketReadResult(
      Pipeline pipeline,
      PCollection<Packet> packets,
      PCollection<RejectedRecord> errors,
      PCollection<KV<String, Long>> recordsRead,
      PacketDigest.@Nullable Result digest) {
    this.pipeline = pipeline;
    this.packets = packets;
    this.errors = errors;
    this.recordsRead = recordsRead;
    this.digest = digest;
  }

  /**
   * The outputs a reader's step has, with their coders: {@link #PACKETS}, {@link #ERRORS}, {@link
   * #RECORDS_READ}, the digest's when it digests, then {@code more}.
   */
  public static Map<TupleTag<?>, Coder<?>> outputCoders(
      @Nullable PacketDigest digest, Map<TupleTag<?>, Coder<?>> more) {
    Map<TupleTag<?>, Coder<?>> m = new LinkedHashMap<>();
    m.put(PACKETS, PacketCoder.of());
    m.put(ERRORS, RejectedRecordCoder.of());
    m.put(RECORDS_READ, KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    if (digest != null) {
      m.putAll(PacketDigest.outputCoders());
    }
    m.putAll(more);
    return m;
  }

  /**
   * Applies a reader's reading step to {@code files}, with every output but its main one
   * multiplexed ({@link MultiplexedOutputs}): the main output is the fragments when it digests,
   * else the packets. {@code fn} builds the step's DoFn, which must pass its receiver through the
   * {@link MultiplexedOutputs} it is given. The result holds every output of {@link #outputCoders},
   * coders set, for {@link #of(PCollectionTuple, PacketDigest)}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static PCollectionTuple applyReadStep(
      PCollection<ReadableFile> files,
      String name,
      Function<MultiplexedOutputs, DoFn<ReadableFile, ?>> fn,
      @Nullable PacketDigest digest,
      Map<TupleTag<?>, Coder<?>> more) {
    Map<TupleTag<?>, Coder<?>> coders = outputCoders(digest, more);
    TupleTag main = digest == null ? PACKETS : PacketDigest.KEYED;
    Coder<?> mainCoder = coders.remove(main);
    MultiplexedOutputs mux = MultiplexedOutputs.of(main, coders);
    // The DoFn is declared with packets as its output type; in digest mode its main output is
    // the fragments, whose coder is set here rather than inferred from that type.
    ParDo.MultiOutput<ReadableFile, Object> read =
        ParDo.of((DoFn<ReadableFile, Object>) fn.apply(mux))
            .withOutputTags((TupleTag<Object>) main, mux.additionalTags());
    PCollectionTuple step = files.apply(name, read);
    ((PCollection) step.get(main)).setCoder(mainCoder);
    return mux.demultiplex(step, name + " (outputs)");
  }

  /** Wraps the outputs of a reader's step (see {@link #applyReadStep}), setting their coders. */
  public static PacketReadResult of(PCollectionTuple tuple, @Nullable PacketDigest digest) {
    PacketDigest.setCoders(tuple, outputCoders(null, Map.of()));
    return new PacketReadResult(
        tuple.getPipeline(),
        tuple.get(PACKETS),
        tuple.get(ERRORS),
        tuple.get(RECORDS_READ),
        digest == null ? null : PacketDigest.Result.of(tuple, digest.binSizeUs()));
  }

  /** Wraps collections (for instance the flattened results of several readers). */
  public static PacketReadResult of(
      PCollection<Packet> packets,
      PCollection<RejectedRecord> errors,
      PCollection<KV<String, Long>> recordsRead,
      PacketDigest.@Nullable Result digest) {
    return new PacketReadResult(packets.getPipeline(), packets, errors, recordsRead, digest);
  }

  /** The packets, each with its capture time as event timestamp; empty if the reader digests. */
  public PCollection<Packet> getOutput() {
    return packets;
  }

  /** Whether the reader digested its packets ({@link #getDigest()}). */
  public boolean isDigested() {
    return digest != null;
  }

  /**
   * The digest of the packets read.
   *
   * @throws IllegalStateException if the reader was not asked to digest
   */
  public PacketDigest.Result getDigest() {
    if (digest == null) {
      throw new IllegalStateException("the reader was not asked to digest (withDigest)");
    }
    return digest;
  }

  /** The rejected records, with file, offset and reason. */
  public PCollection<RejectedRecord> getErrors() {
    return errors;
  }

  /**
   * Records framed per file, one element per file range in which a record starts; sum per file for
   * the total.
   */
  public PCollection<KV<String, Long>> getRecordsRead() {
    return recordsRead;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new HashMap<>();
    m.put(PACKETS, packets);
    m.put(ERRORS, errors);
    m.put(RECORDS_READ, recordsRead);
    if (digest != null) {
      m.putAll(digest.expand());
    }
    return m;
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
