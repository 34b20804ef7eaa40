package org.flowbeam.transforms;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.Packet;
import org.flowbeam.model.StatsCoders;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.model.TimeBin;
import org.flowbeam.transforms.LongVectorFn.Op;
import org.joda.time.Duration;

/**
 * Statistics over packets, as combiners over the partial sums of a {@link PacketDigest}: per-IP
 * traffic and per flag-type counts over the global window (totals), time bins over fixed event-time
 * windows, and the totals of the whole input. The {@code PTransform} forms digest the packets
 * themselves; a pipeline that needs several statistics digests once and passes the {@link
 * PacketDigest.Result} to each.
 *
 * <pre>{@code
 * PCollection<IpStats> perIp = packets.apply(TrafficStats.perIp());
 * PacketDigest.Result d = packets.apply(PacketDigest.withBinSizeUs(1_000_000));
 * PCollection<TimeBin> bins = TrafficStats.timeBins(d, flows);
 * }</pre>
 */
public final class TrafficStats {
  /**
   * Per-IP vector: sent packets, received packets, sent bytes, received bytes, first and last time
   * seen.
   */
  static final LongVectorFn IP_FN = LongVectorFn.of(Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.MIN, Op.MAX);

  /** Time-bin vector: packets, bytes, the 8 TCP flag counts, flows started. */
  static final int BIN_SLOTS = 11;

  private static final int BIN_FLOWS = 10;
  private static final LongVectorFn BIN_FN =
      LongVectorFn.of(
          Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM);

  /** Totals vector: packets, TCP packets, bytes, first and last time. */
  static final LongVectorFn TOTALS_FN = LongVectorFn.of(Op.SUM, Op.SUM, Op.SUM, Op.MIN, Op.MAX);

  /** The bin width used where only the other statistics are asked for. */
  private static final long ANY_BIN_US = 1_000_000;

  private TrafficStats() {}

  static long checkBinSize(long binSizeUs) {
    if (binSizeUs <= 0 || binSizeUs % 1000 != 0) {
      throw new IllegalArgumentException(
          "bin size must be a positive whole number of milliseconds, got " + binSizeUs + " µs");
    }
    return binSizeUs;
  }

  /** Packets and bytes each address sent and received, with first and last time seen. */
  public static PTransform<PCollection<Packet>, PCollection<IpStats>> perIp() {
    return fromPackets(ANY_BIN_US, TrafficStats::perIp);
  }

  /** The number of TCP packets of each TimeArcs flag type ({@link TcpFlags#typeName}). */
  public static PTransform<PCollection<Packet>, PCollection<KV<String, Long>>> flagTypes() {
    return fromPackets(ANY_BIN_US, TrafficStats::flagTypes);
  }

  /** Packets, TCP packets, bytes, first and last time of the whole input: one element. */
  public static PTransform<PCollection<Packet>, PCollection<PacketTotals>> totals() {
    return fromPackets(ANY_BIN_US, TrafficStats::totals);
  }

  /**
   * Time bins of {@code binSizeUs} (a whole number of milliseconds): packets, bytes and TCP flag
   * counts combined in fixed event-time windows, and the number of {@code flows} that started in
   * each bin. Bins with no packet and no flow start are absent.
   */
  public static PTransform<PCollection<Packet>, PCollection<TimeBin>> timeBins(
      long binSizeUs, PCollection<FlowRecord> flows) {
    return fromPackets(checkBinSize(binSizeUs), d -> timeBins(d, flows));
  }

  /** Per-IP statistics from a digest. */
  public static PCollection<IpStats> perIp(PacketDigest.Result d) {
    return d.ipPartials()
        .apply("SumPerIp", Combine.perKey(IP_FN))
        .apply("ToIpStats", ParDo.of(new ToIpStatsFn()))
        .setCoder(StatsCoders.ipStats());
  }

  /** Flag-type counts from a digest. */
  public static PCollection<KV<String, Long>> flagTypes(PacketDigest.Result d) {
    return d.flagPartials()
        .apply("SumPerFlagType", Sum.longsPerKey())
        .setCoder(KvCoder.of(org.apache.beam.sdk.coders.StringUtf8Coder.of(), VarLongCoder.of()));
  }

  /** The totals from a digest: exactly one element, {@link PacketTotals#isEmpty()} if no packet. */
  public static PCollection<PacketTotals> totals(PacketDigest.Result d) {
    return d.totalPartials()
        .apply("SumTotals", Combine.globally(TOTALS_FN))
        .apply(
            "ToTotals",
            MapElements.into(TypeDescriptor.of(PacketTotals.class))
                .via((long[] v) -> new PacketTotals(v[0], v[1], v[2], v[3], v[4])))
        .setCoder(PacketTotals.coder());
  }

  /** Time bins (of the digest's bin size) from a digest and the flows whose starts they count. */
  public static PCollection<TimeBin> timeBins(
      PacketDigest.Result d, PCollection<FlowRecord> flows) {
    long binSizeUs = d.binSizeUs();
    KvCoder<Long, long[]> binCoder = KvCoder.of(VarLongCoder.of(), LongVectorFn.coder());
    PCollection<KV<Long, long[]>> packetBins =
        d.binPartials()
            .apply(
                "FixedWindows",
                Window.<long[]>into(FixedWindows.of(Duration.millis(binSizeUs / 1000))))
            .apply("SumPerWindow", Combine.globally(BIN_FN).withoutDefaults())
            .apply("KeyByWindowStart", ParDo.of(new KeyByWindowStartFn()))
            .setCoder(binCoder)
            .apply("GlobalWindow", Window.<KV<Long, long[]>>into(new GlobalWindows()));
    PCollection<KV<Long, long[]>> flowBins =
        flows.apply("FlowStartBin", ParDo.of(new FlowStartBinFn(binSizeUs))).setCoder(binCoder);
    return PCollectionList.of(packetBins)
        .and(flowBins)
        .apply("BothSides", Flatten.pCollections())
        .apply("MergeBins", Combine.perKey(BIN_FN))
        .apply("ToTimeBin", ParDo.of(new ToTimeBinFn(binSizeUs)))
        .setCoder(StatsCoders.timeBin());
  }

  private static <T> PTransform<PCollection<Packet>, PCollection<T>> fromPackets(
      long binSizeUs, java.util.function.Function<PacketDigest.Result, PCollection<T>> stat) {
    return new PTransform<PCollection<Packet>, PCollection<T>>() {
      @Override
      public PCollection<T> expand(PCollection<Packet> packets) {
        return stat.apply(packets.apply("Digest", PacketDigest.withBinSizeUs(binSizeUs)));
      }
    };
  }

  private static final class ToIpStatsFn extends DoFn<KV<String, long[]>, IpStats> {
    @ProcessElement
    public void process(@Element KV<String, long[]> kv, OutputReceiver<IpStats> out) {
      long[] v = kv.getValue();
      out.output(new IpStats(kv.getKey(), v[0], v[1], v[2], v[3], v[4], v[5]));
    }
  }

  private static final class KeyByWindowStartFn extends DoFn<long[], KV<Long, long[]>> {
    @ProcessElement
    public void process(
        @Element long[] v, IntervalWindow window, OutputReceiver<KV<Long, long[]>> out) {
      out.output(KV.of(window.start().getMillis() * 1000L, v));
    }
  }

  private static final class FlowStartBinFn extends DoFn<FlowRecord, KV<Long, long[]>> {
    private final long binSizeUs;

    FlowStartBinFn(long binSizeUs) {
      this.binSizeUs = binSizeUs;
    }

    @ProcessElement
    public void process(@Element FlowRecord f, OutputReceiver<KV<Long, long[]>> out) {
      long[] v = new long[BIN_SLOTS];
      v[BIN_FLOWS] = 1;
      out.output(KV.of(Math.floorDiv(f.startUs(), binSizeUs) * binSizeUs, v));
    }
  }

  private static final class ToTimeBinFn extends DoFn<KV<Long, long[]>, TimeBin> {
    private final long binSizeUs;

    ToTimeBinFn(long binSizeUs) {
      this.binSizeUs = binSizeUs;
    }

    @ProcessElement
    public void process(@Element KV<Long, long[]> kv, OutputReceiver<TimeBin> out) {
      long[] v = kv.getValue();
      long[] flags = new long[8];
      System.arraycopy(v, 2, flags, 0, 8);
      long start = kv.getKey();
      out.output(
          new TimeBin(start, start + binSizeUs, v[0], v[1], FlagCounts.of(flags), v[BIN_FLOWS]));
    }
  }
}
