package org.flowbeam.transforms;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
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
 * Statistics over packets, as combiners: per-IP traffic and per flag-type counts over the global
 * window (totals), time bins over fixed event-time windows, and the totals of the whole input.
 *
 * <pre>{@code
 * PCollection<IpStats> perIp = packets.apply(TrafficStats.perIp());
 * PCollection<KV<String, Long>> flagTypes = packets.apply(TrafficStats.flagTypes());
 * PCollection<TimeBin> bins = packets.apply(TrafficStats.timeBins(1_000_000, flows));
 * }</pre>
 */
public final class TrafficStats {
  // Slots of the per-IP vector: sent packets, received packets, sent bytes, received bytes, first
  // and last time seen.
  private static final LongVectorFn IP_FN =
      LongVectorFn.of(Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.MIN, Op.MAX);

  // Slots of the time-bin vector: packets, bytes, the 8 flag counts, flows started.
  private static final int BIN_SLOTS = 11;
  private static final int BIN_FLOWS = 10;
  private static final LongVectorFn BIN_FN =
      LongVectorFn.of(
          Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM, Op.SUM);

  // Slots of the totals vector: packets, TCP packets, bytes, first and last time.
  private static final LongVectorFn TOTALS_FN =
      LongVectorFn.of(Op.SUM, Op.SUM, Op.SUM, Op.MIN, Op.MAX);

  private TrafficStats() {}

  /** Totals of a packet collection, in one pass: see {@link PacketTotals}. */
  public static PTransform<PCollection<Packet>, PCollection<PacketTotals>> totals() {
    return new Totals();
  }

  /** Packets and bytes each address sent and received, with first and last time seen. */
  public static PTransform<PCollection<Packet>, PCollection<IpStats>> perIp() {
    return new PerIp();
  }

  /** The number of TCP packets of each TimeArcs flag type ({@link TcpFlags#typeName}). */
  public static PTransform<PCollection<Packet>, PCollection<KV<String, Long>>> flagTypes() {
    return new FlagTypes();
  }

  /**
   * Time bins of {@code binSizeUs} (a whole number of milliseconds): packets, bytes and TCP flag
   * counts from the packets, combined in fixed event-time windows, and the number of {@code flows}
   * that started in each bin. Bins with no packet and no flow start are absent.
   */
  public static PTransform<PCollection<Packet>, PCollection<TimeBin>> timeBins(
      long binSizeUs, PCollection<FlowRecord> flows) {
    if (binSizeUs <= 0 || binSizeUs % 1000 != 0) {
      throw new IllegalArgumentException(
          "bin size must be a positive whole number of milliseconds, got " + binSizeUs + " µs");
    }
    return new TimeBins(binSizeUs, flows);
  }

  private static final class Totals
      extends PTransform<PCollection<Packet>, PCollection<PacketTotals>> {
    @Override
    public PCollection<PacketTotals> expand(PCollection<Packet> packets) {
      return packets
          .apply(
              "PacketVector",
              MapElements.into(TypeDescriptor.of(long[].class))
                  .via(
                      (Packet p) ->
                          new long[] {
                            1, p.isTcp() ? 1 : 0, p.length(), p.timestampMicros(), p.timestampMicros()
                          }))
          .setCoder(LongVectorFn.coder())
          .apply("Sum", Combine.globally(TOTALS_FN))
          .apply(
              "ToTotals",
              MapElements.into(TypeDescriptor.of(PacketTotals.class))
                  .via((long[] v) -> new PacketTotals(v[0], v[1], v[2], v[3], v[4])))
          .setCoder(PacketTotals.coder());
    }
  }

  private static final class PerIp extends PTransform<PCollection<Packet>, PCollection<IpStats>> {
    @Override
    public PCollection<IpStats> expand(PCollection<Packet> packets) {
      return packets
          .apply("BothEnds", ParDo.of(new IpContributionsFn()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), LongVectorFn.coder()))
          .apply("SumPerIp", Combine.perKey(IP_FN))
          .apply("ToIpStats", ParDo.of(new ToIpStatsFn()))
          .setCoder(StatsCoders.ipStats());
    }
  }

  /** Each packet counts as sent by its source and received by its destination. */
  private static final class IpContributionsFn extends DoFn<Packet, KV<String, long[]>> {
    @ProcessElement
    public void process(@Element Packet p, OutputReceiver<KV<String, long[]>> out) {
      long ts = p.timestampMicros();
      long len = p.length();
      out.output(KV.of(p.srcIpText(), new long[] {1, 0, len, 0, ts, ts}));
      out.output(KV.of(p.dstIpText(), new long[] {0, 1, 0, len, ts, ts}));
    }
  }

  private static final class ToIpStatsFn extends DoFn<KV<String, long[]>, IpStats> {
    @ProcessElement
    public void process(@Element KV<String, long[]> kv, OutputReceiver<IpStats> out) {
      long[] v = kv.getValue();
      out.output(new IpStats(kv.getKey(), v[0], v[1], v[2], v[3], v[4], v[5]));
    }
  }

  private static final class FlagTypes
      extends PTransform<PCollection<Packet>, PCollection<KV<String, Long>>> {
    @Override
    public PCollection<KV<String, Long>> expand(PCollection<Packet> packets) {
      return packets
          .apply("TcpOnly", Filter.by(Packet::isTcp))
          .apply(
              "FlagType",
              MapElements.into(TypeDescriptors.strings()).via(p -> TcpFlags.typeName(p.flags())))
          .apply("CountPerType", Count.perElement())
          .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
    }
  }

  private static final class TimeBins extends PTransform<PCollection<Packet>, PCollection<TimeBin>> {
    private final long binSizeUs;
    private final PCollection<FlowRecord> flows;

    TimeBins(long binSizeUs, PCollection<FlowRecord> flows) {
      this.binSizeUs = binSizeUs;
      this.flows = flows;
    }

    @Override
    public PCollection<TimeBin> expand(PCollection<Packet> packets) {
      KvCoder<Long, long[]> binCoder = KvCoder.of(VarLongCoder.of(), LongVectorFn.coder());
      PCollection<KV<Long, long[]>> packetBins =
          packets
              .apply(
                  "FixedWindows",
                  Window.<Packet>into(FixedWindows.of(Duration.millis(binSizeUs / 1000))))
              .apply("PacketVector", ParDo.of(new PacketVectorFn()))
              .setCoder(LongVectorFn.coder())
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
  }

  private static final class PacketVectorFn extends DoFn<Packet, long[]> {
    @ProcessElement
    public void process(@Element Packet p, OutputReceiver<long[]> out) {
      long[] v = new long[BIN_SLOTS];
      v[0] = 1;
      v[1] = p.length();
      if (p.isTcp()) {
        for (int i = 0; i < 8; i++) {
          if ((p.flags() & (1 << i)) != 0) {
            v[2 + i] = 1;
          }
        }
      }
      out.output(v);
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
