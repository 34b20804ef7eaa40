package org.flowbeam.transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.PacketFragmentCoder;

/**
 * Reads a packet collection once ({@link PacketDigestFn}) and gives everything FlowBeam derives
 * from it: the packets of the flow protocols (TCP, UDP and ICMP by default, {@link
 * #withFlowProtocols}) keyed by flow, and the partial sums that {@link TrafficStats} combines into
 * per-IP, flag-type, time-bin statistics and totals.
 *
 * <pre>{@code
 * PacketDigest.Result d = packets.apply(PacketDigest.withBinSizeUs(1_000_000));
 * PCollection<PacketTotals> totals = TrafficStats.totals(d);
 * PCollection<FlowRecord> flows =
 *     d.byFlowKey().apply(AssembleFlows.keyed(rules, AssembleFlows.lastPacketUs(totals)));
 * PCollection<IpStats> perIp = TrafficStats.perIp(d);
 * }</pre>
 */
public final class PacketDigest extends PTransform<PCollection<Packet>, PacketDigest.Result> {
  /** Packets of the flow protocols in fragments, keyed by their canonical 5-tuple. */
  public static final TupleTag<KV<FlowKey, PacketFragment>> KEYED =
      new TupleTag<KV<FlowKey, PacketFragment>>() {};

  /** Partial per-address traffic, one per address, hour of packet time and bundle. */
  public static final TupleTag<KV<IpHour, IpTraffic>> PER_IP =
      new TupleTag<KV<IpHour, IpTraffic>>() {};

  /** Partial TCP flag-type counts, one per type and bundle. */
  public static final TupleTag<KV<String, Long>> PER_FLAGS = new TupleTag<KV<String, Long>>() {};

  /** Partial time-bin traffic, one per bin and bundle, each timestamped at its bin's start. */
  public static final TupleTag<BinTraffic> PER_BIN = new TupleTag<BinTraffic>() {};

  /** Partial totals, one per bundle. */
  public static final TupleTag<TotalTraffic> TOTALS = new TupleTag<TotalTraffic>() {};

  /**
   * The most packets a fragment holds by default: a long connection travels as elements of about 60
   * KB (15 bytes a packet), few enough for the keyed stage's sort and small enough for any runner's
   * sort buffers.
   */
  public static final int DEFAULT_FRAGMENT_PACKETS = 4096;

  private final long binSizeUs;
  private final int fragmentPackets;
  private final Set<FlowProtocol> flowProtocols;

  private PacketDigest(long binSizeUs, int fragmentPackets, Set<FlowProtocol> flowProtocols) {
    if (fragmentPackets < 1) {
      throw new IllegalArgumentException(
          "a fragment holds at least one packet, got " + fragmentPackets);
    }
    this.binSizeUs = TrafficStats.checkBinSize(binSizeUs);
    this.fragmentPackets = fragmentPackets;
    this.flowProtocols = FlowProtocol.setOf(flowProtocols);
  }

  /**
   * Digests with time bins of {@code binSizeUs} (a whole number of milliseconds), gathering the
   * packets of every flow protocol into fragments of at most {@link #DEFAULT_FRAGMENT_PACKETS}
   * packets.
   */
  public static PacketDigest withBinSizeUs(long binSizeUs) {
    return new PacketDigest(binSizeUs, DEFAULT_FRAGMENT_PACKETS, FlowProtocol.ALL);
  }

  /**
   * The protocols whose packets are keyed for flows (those of {@link
   * org.flowbeam.tcp.FlowRules#protocols()}); the others count in the statistics only.
   */
  public PacketDigest withFlowProtocols(Set<FlowProtocol> flowProtocols) {
    return new PacketDigest(binSizeUs, fragmentPackets, flowProtocols);
  }

  /**
   * Whether packets travel to the keyed stage in fragments (default) or one by one (a fragment per
   * packet); both give the same flows.
   */
  public PacketDigest withFragments(boolean fragments) {
    return withFragmentPackets(fragments ? DEFAULT_FRAGMENT_PACKETS : 1);
  }

  /** The most packets a fragment holds (1: every packet alone); any cap gives the same flows. */
  public PacketDigest withFragmentPackets(int fragmentPackets) {
    return new PacketDigest(binSizeUs, fragmentPackets, flowProtocols);
  }

  /**
   * The per-packet work of this digest, for a reader that digests the packets it decodes instead of
   * outputting them; its step must declare {@link #outputTags()} and wrap its outputs with {@link
   * Result#of}.
   */
  public PacketDigester digester() {
    return new PacketDigester(binSizeUs, fragmentPackets, flowProtocols);
  }

  /** The time-bin width, µs. */
  public long binSizeUs() {
    return binSizeUs;
  }

  /** The digest's tags after {@link #KEYED}, for a step's {@code withOutputTags}. */
  public static TupleTagList outputTags() {
    return TupleTagList.of(PER_IP).and(PER_FLAGS).and(PER_BIN).and(TOTALS);
  }

  /** The coders of {@link #KEYED} and of the {@link #outputTags()}, in that order. */
  public static Map<TupleTag<?>, Coder<?>> outputCoders() {
    Map<TupleTag<?>, Coder<?>> m = new LinkedHashMap<>();
    m.put(KEYED, KvCoder.of(FlowKeyCoder.of(), PacketFragmentCoder.of()));
    m.put(PER_IP, KvCoder.of(IpHour.coder(), IpTraffic.coder()));
    m.put(PER_FLAGS, KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    m.put(PER_BIN, BinTraffic.coder());
    m.put(TOTALS, TotalTraffic.coder());
    return m;
  }

  @Override
  public Result expand(PCollection<Packet> packets) {
    PCollectionTuple out =
        packets.apply(
            "Digest", ParDo.of(new PacketDigestFn(digester())).withOutputTags(KEYED, outputTags()));
    return Result.of(out, binSizeUs);
  }

  /** Sets the coder of every output of {@code out} named in {@code coders}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void setCoders(PCollectionTuple out, Map<TupleTag<?>, Coder<?>> coders) {
    for (Map.Entry<TupleTag<?>, Coder<?>> e : coders.entrySet()) {
      ((PCollection) out.get(e.getKey())).setCoder(e.getValue());
    }
  }

  /** The digest's outputs; the statistics are combined when first asked for. */
  public static final class Result implements POutput {
    private final PCollectionTuple parts;
    private final long binSizeUs;

    private Result(PCollectionTuple parts, long binSizeUs) {
      this.parts = parts;
      this.binSizeUs = binSizeUs;
    }

    /**
     * Wraps the digest outputs of a step that declared {@link #KEYED} and {@link #outputTags()},
     * setting their coders.
     */
    public static Result of(PCollectionTuple out, long binSizeUs) {
      setCoders(out, outputCoders());
      PCollectionTuple parts =
          PCollectionTuple.of(KEYED, out.get(KEYED))
              .and(PER_IP, out.get(PER_IP))
              .and(PER_FLAGS, out.get(PER_FLAGS))
              .and(PER_BIN, out.get(PER_BIN))
              .and(TOTALS, out.get(TOTALS));
      return new Result(parts, binSizeUs);
    }

    /** The digest of no packets: a run of a recurring job that has no input file, only a flush. */
    public static Result empty(Pipeline p, String name, long binSizeUs) {
      PCollectionTuple parts = PCollectionTuple.empty(p);
      for (Map.Entry<TupleTag<?>, Coder<?>> e : outputCoders().entrySet()) {
        parts = withEmpty(p, name, parts, e.getKey(), e.getValue());
      }
      return new Result(parts, binSizeUs);
    }

    @SuppressWarnings("unchecked")
    private static <T> PCollectionTuple withEmpty(
        Pipeline p, String name, PCollectionTuple parts, TupleTag<T> tag, Coder<?> coder) {
      PCollection<T> none = p.apply(name + "/" + tag.getId(), Create.empty((Coder<T>) coder));
      return parts.and(tag, none);
    }

    /**
     * One result of several digests with the same bin size (say, of the CSV and the capture
     * reader).
     */
    public static Result flatten(String name, List<Result> results) {
      if (results.isEmpty()) {
        throw new IllegalArgumentException("nothing to flatten");
      }
      if (results.size() == 1) {
        return results.get(0);
      }
      long binSizeUs = results.get(0).binSizeUs;
      for (Result r : results) {
        if (r.binSizeUs != binSizeUs) {
          throw new IllegalArgumentException("digests with different bin sizes");
        }
      }
      PCollectionTuple parts = flattenTag(name + "/Keyed", results, KEYED, null);
      parts = flattenTag(name + "/PerIp", results, PER_IP, parts);
      parts = flattenTag(name + "/PerFlags", results, PER_FLAGS, parts);
      parts = flattenTag(name + "/PerBin", results, PER_BIN, parts);
      parts = flattenTag(name + "/Totals", results, TOTALS, parts);
      return new Result(parts, binSizeUs);
    }

    private static <T> PCollectionTuple flattenTag(
        String name, List<Result> results, TupleTag<T> tag, PCollectionTuple parts) {
      PCollectionList<T> list = PCollectionList.empty(results.get(0).getPipeline());
      for (Result r : results) {
        list = list.and(r.parts.get(tag));
      }
      PCollection<T> all =
          list.apply(name, Flatten.pCollections())
              .setCoder(results.get(0).parts.get(tag).getCoder());
      return parts == null ? PCollectionTuple.of(tag, all) : parts.and(tag, all);
    }

    /**
     * The packets of the flow protocols in fragments keyed by their canonical 5-tuple, for {@link
     * AssembleFlows#keyed}.
     */
    public PCollection<KV<FlowKey, PacketFragment>> byFlowKey() {
      return parts.get(KEYED);
    }

    /** Partial per-address traffic, keyed by address and hour (see {@link TrafficStats}). */
    PCollection<KV<IpHour, IpTraffic>> ipPartials() {
      return parts.get(PER_IP);
    }

    /** Partial TCP flag-type counts. */
    PCollection<KV<String, Long>> flagPartials() {
      return parts.get(PER_FLAGS);
    }

    /** Partial time-bin traffic, each timestamped at its bin's start. */
    PCollection<BinTraffic> binPartials() {
      return parts.get(PER_BIN);
    }

    /** Partial totals. */
    PCollection<TotalTraffic> totalPartials() {
      return parts.get(TOTALS);
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
