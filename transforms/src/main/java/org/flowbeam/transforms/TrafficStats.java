package org.flowbeam.transforms;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
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
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.HourlyIpStats;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.Packet;
import org.flowbeam.model.StatsCoders;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.model.TimeBin;
import org.joda.time.Duration;

/**
 * Statistics over packets, as combiners over the partial sums of a {@link PacketDigest}: per-IP
 * traffic (over the whole input or per UTC hour) and per flag-type counts over the global window,
 * time bins over fixed event-time windows, and the totals of the whole input. Each partial sum is a
 * {@link PartialSum} combined by its {@link PartialSumFn}. The {@code PTransform} forms digest the
 * packets themselves; a pipeline that needs several statistics digests once and passes the {@link
 * PacketDigest.Result} to each.
 *
 * <pre>{@code
 * PCollection<IpStats> perIp = packets.apply(TrafficStats.perIp());
 * PacketDigest.Result d = packets.apply(PacketDigest.withBinSizeUs(1_000_000));
 * PCollection<TimeBin> bins = TrafficStats.timeBins(d, flows);
 * }</pre>
 */
public final class TrafficStats {
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

  /** {@link #perIp()} for each UTC hour of packet time: what an hourly partition holds. */
  public static PTransform<PCollection<Packet>, PCollection<HourlyIpStats>> perIpPerHour() {
    return fromPackets(ANY_BIN_US, TrafficStats::perIpPerHour);
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
        .apply("ByIp", ParDo.of(new ByIpFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), IpTraffic.coder()))
        .apply("SumPerIp", Combine.perKey(IpTraffic.combineFn()))
        .apply("ToIpStats", ParDo.of(new ToIpStatsFn()))
        .setCoder(StatsCoders.ipStats());
  }

  /**
   * Per-IP statistics of each UTC hour of packet time, from a digest: for every address and hour in
   * which it sent or received, the packets of that hour. Summed over the hours, the counts are
   * those of {@link #perIp(PacketDigest.Result)}; its first and last times are the earliest and
   * latest of the hours'.
   */
  public static PCollection<HourlyIpStats> perIpPerHour(PacketDigest.Result d) {
    return d.ipPartials()
        .apply("SumPerIpAndHour", Combine.perKey(IpTraffic.combineFn()))
        .apply("ToHourlyIpStats", ParDo.of(new ToHourlyIpStatsFn()))
        .setCoder(StatsCoders.hourlyIpStats());
  }

  /** Flag-type counts from a digest. */
  public static PCollection<KV<String, Long>> flagTypes(PacketDigest.Result d) {
    return d.flagPartials()
        .apply("SumPerFlagType", Sum.longsPerKey())
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  /** The totals from a digest: exactly one element, {@link PacketTotals#isEmpty()} if no packet. */
  public static PCollection<PacketTotals> totals(PacketDigest.Result d) {
    return d.totalPartials()
        .apply("SumTotals", Combine.globally(TotalTraffic.combineFn()))
        .apply(
            "ToTotals",
            MapElements.into(TypeDescriptor.of(PacketTotals.class))
                .via(TotalTraffic::toPacketTotals))
        .setCoder(PacketTotals.coder());
  }

  /** Time bins (of the digest's bin size) from a digest and the flows whose starts they count. */
  public static PCollection<TimeBin> timeBins(
      PacketDigest.Result d, PCollection<FlowRecord> flows) {
    long binSizeUs = d.binSizeUs();
    KvCoder<Long, BinTraffic> binCoder = KvCoder.of(VarLongCoder.of(), BinTraffic.coder());
    PCollection<KV<Long, BinTraffic>> packetBins =
        d.binPartials()
            .apply(
                "FixedWindows",
                Window.<BinTraffic>into(FixedWindows.of(Duration.millis(binSizeUs / 1000))))
            .apply("SumPerWindow", Combine.globally(BinTraffic.combineFn()).withoutDefaults())
            .apply("KeyByWindowStart", ParDo.of(new KeyByWindowStartFn()))
            .setCoder(binCoder)
            .apply("GlobalWindow", Window.<KV<Long, BinTraffic>>into(new GlobalWindows()));
    PCollection<KV<Long, BinTraffic>> flowBins =
        flows.apply("FlowStartBin", ParDo.of(new FlowStartBinFn(binSizeUs))).setCoder(binCoder);
    return PCollectionList.of(packetBins)
        .and(flowBins)
        .apply("BothSides", Flatten.pCollections())
        .apply("MergeBins", Combine.perKey(BinTraffic.combineFn()))
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

  private static final class ByIpFn extends DoFn<KV<IpHour, IpTraffic>, KV<String, IpTraffic>> {
    @ProcessElement
    public void process(
        @Element KV<IpHour, IpTraffic> kv, OutputReceiver<KV<String, IpTraffic>> out) {
      out.output(KV.of(kv.getKey().ip(), kv.getValue()));
    }
  }

  private static final class ToIpStatsFn extends DoFn<KV<String, IpTraffic>, IpStats> {
    @ProcessElement
    public void process(@Element KV<String, IpTraffic> kv, OutputReceiver<IpStats> out) {
      out.output(kv.getValue().toIpStats(kv.getKey()));
    }
  }

  private static final class ToHourlyIpStatsFn extends DoFn<KV<IpHour, IpTraffic>, HourlyIpStats> {
    @ProcessElement
    public void process(@Element KV<IpHour, IpTraffic> kv, OutputReceiver<HourlyIpStats> out) {
      IpHour key = kv.getKey();
      out.output(new HourlyIpStats(key.hourStartUs(), kv.getValue().toIpStats(key.ip())));
    }
  }

  private static final class KeyByWindowStartFn extends DoFn<BinTraffic, KV<Long, BinTraffic>> {
    @ProcessElement
    public void process(
        @Element BinTraffic b, IntervalWindow window, OutputReceiver<KV<Long, BinTraffic>> out) {
      out.output(KV.of(window.start().getMillis() * 1000L, b));
    }
  }

  private static final class FlowStartBinFn extends DoFn<FlowRecord, KV<Long, BinTraffic>> {
    private final long binSizeUs;

    FlowStartBinFn(long binSizeUs) {
      this.binSizeUs = binSizeUs;
    }

    @ProcessElement
    public void process(@Element FlowRecord f, OutputReceiver<KV<Long, BinTraffic>> out) {
      long startUs = Math.floorDiv(f.startUs(), binSizeUs) * binSizeUs;
      out.output(KV.of(startUs, BinTraffic.flowStart()));
    }
  }

  private static final class ToTimeBinFn extends DoFn<KV<Long, BinTraffic>, TimeBin> {
    private final long binSizeUs;

    ToTimeBinFn(long binSizeUs) {
      this.binSizeUs = binSizeUs;
    }

    @ProcessElement
    public void process(@Element KV<Long, BinTraffic> kv, OutputReceiver<TimeBin> out) {
      long start = kv.getKey();
      out.output(kv.getValue().toTimeBin(start, start + binSizeUs));
    }
  }
}
