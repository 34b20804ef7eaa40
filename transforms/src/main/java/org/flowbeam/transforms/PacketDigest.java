package org.flowbeam.transforms;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.PacketFragmentCoder;

/**
 * Reads a packet collection once ({@link PacketDigestFn}) and gives everything FlowBeam derives
 * from it: TCP packets keyed by flow, and the partial sums that {@link TrafficStats} combines into
 * per-IP, flag-type, time-bin statistics and totals.
 *
 * <pre>{@code
 * PacketDigest.Result d = packets.apply(PacketDigest.withBinSizeUs(1_000_000));
 * PCollection<PacketTotals> totals = TrafficStats.totals(d);
 * PCollection<FlowRecord> flows =
 *     d.tcpByKey().apply(AssembleFlows.keyed(rules, AssembleFlows.lastPacketUs(totals)));
 * PCollection<IpStats> perIp = TrafficStats.perIp(d);
 * }</pre>
 */
public final class PacketDigest extends PTransform<PCollection<Packet>, PacketDigest.Result> {
  private final long binSizeUs;
  private final boolean fragments;

  private PacketDigest(long binSizeUs, boolean fragments) {
    this.binSizeUs = TrafficStats.checkBinSize(binSizeUs);
    this.fragments = fragments;
  }

  /**
   * Digests with time bins of {@code binSizeUs} (a whole number of milliseconds), gathering TCP
   * packets into per-bundle fragments.
   */
  public static PacketDigest withBinSizeUs(long binSizeUs) {
    return new PacketDigest(binSizeUs, true);
  }

  /**
   * Whether TCP packets travel to the keyed stage in fragments (default) or one by one; both give
   * the same flows.
   */
  public PacketDigest withFragments(boolean fragments) {
    return new PacketDigest(binSizeUs, fragments);
  }

  @Override
  public Result expand(PCollection<Packet> packets) {
    PCollectionTuple out =
        packets.apply(
            "Digest",
            ParDo.of(new PacketDigestFn(binSizeUs, fragments))
                .withOutputTags(
                    PacketDigestFn.KEYED,
                    TupleTagList.of(PacketDigestFn.PER_IP)
                        .and(PacketDigestFn.PER_FLAGS)
                        .and(PacketDigestFn.PER_BIN)
                        .and(PacketDigestFn.TOTALS)));
    out.get(PacketDigestFn.KEYED)
        .setCoder(KvCoder.of(FlowKeyCoder.of(), PacketFragmentCoder.of()));
    out.get(PacketDigestFn.PER_IP).setCoder(KvCoder.of(StringUtf8Coder.of(), LongVectorFn.coder()));
    out.get(PacketDigestFn.PER_FLAGS).setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    out.get(PacketDigestFn.PER_BIN).setCoder(LongVectorFn.coder());
    out.get(PacketDigestFn.TOTALS).setCoder(LongVectorFn.coder());
    return new Result(out, binSizeUs);
  }

  /** The digest's outputs; the statistics are combined when first asked for. */
  public static final class Result implements POutput {
    private final PCollectionTuple parts;
    private final long binSizeUs;

    private Result(PCollectionTuple parts, long binSizeUs) {
      this.parts = parts;
      this.binSizeUs = binSizeUs;
    }

    /** TCP packets in fragments keyed by their canonical 5-tuple, for {@link AssembleFlows#keyed}. */
    public PCollection<KV<FlowKey, PacketFragment>> tcpByKey() {
      return parts.get(PacketDigestFn.KEYED);
    }

    /** Partial per-IP vectors (see {@link TrafficStats}). */
    PCollection<KV<String, long[]>> ipPartials() {
      return parts.get(PacketDigestFn.PER_IP);
    }

    /** Partial TCP flag-type counts. */
    PCollection<KV<String, Long>> flagPartials() {
      return parts.get(PacketDigestFn.PER_FLAGS);
    }

    /** Partial time-bin vectors, each timestamped at its bin's start. */
    PCollection<long[]> binPartials() {
      return parts.get(PacketDigestFn.PER_BIN);
    }

    /** Partial totals vectors. */
    PCollection<long[]> totalPartials() {
      return parts.get(PacketDigestFn.TOTALS);
    }

    long binSizeUs() {
      return binSizeUs;
    }

    @Override
    public Pipeline getPipeline() {
      return parts.getPipeline();
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      return parts.expand();
    }

    @Override
    public void finishSpecifyingOutput(
        String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}
