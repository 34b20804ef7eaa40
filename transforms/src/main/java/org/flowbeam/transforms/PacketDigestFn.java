package org.flowbeam.transforms;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.TcpFlags;
import org.joda.time.Instant;

/**
 * One pass over the packets that feeds everything downstream: TCP packets keyed by flow for the
 * stateful stage (main output; gathered per key and bundle into {@link PacketFragment}s, or one
 * packet each on the packet-by-packet path), and the statistics' partial sums, added up within the bundle and
 * emitted when it finishes (per address, per TCP flag combination, per time bin, and the totals).
 *
 * <p>Why one pass: every extra consumer of a large collection costs a full copy of it between
 * operators (on Flink, serialization per consumer), which dominated the job's profile; partial
 * sums per bundle shrink the statistics' input from one element per packet to one per key per
 * bundle. The partial vectors have the slot layouts of {@link TrafficStats}.
 */
final class PacketDigestFn extends DoFn<Packet, KV<FlowKey, PacketFragment>> {
  static final TupleTag<KV<FlowKey, PacketFragment>> KEYED =
      new TupleTag<KV<FlowKey, PacketFragment>>() {};
  static final TupleTag<KV<String, long[]>> PER_IP = new TupleTag<KV<String, long[]>>() {};
  static final TupleTag<KV<String, Long>> PER_FLAGS = new TupleTag<KV<String, Long>>() {};
  static final TupleTag<long[]> PER_BIN = new TupleTag<long[]>() {};
  static final TupleTag<long[]> TOTALS = new TupleTag<long[]>() {};

  /** Packets held in fragments before they are emitted early, bounding a bundle's memory. */
  static final int MAX_BUFFERED_PACKETS = 200_000;

  private final long binSizeUs;
  private final boolean fragments;

  private transient Map<FlowKey, List<Packet>> pending;
  private transient int pendingPackets;
  private transient Map<ByteBuffer, long[]> perIp;
  private transient long[] perFlags;
  private transient Map<Long, long[]> perBin;
  private transient long[] totals;

  /**
   * @param fragments gather each key's packets of a bundle into one fragment; otherwise every
   *     packet travels alone (the packet-by-packet path)
   */
  PacketDigestFn(long binSizeUs, boolean fragments) {
    this.binSizeUs = binSizeUs;
    this.fragments = fragments;
  }

  @StartBundle
  public void startBundle() {
    pending = new HashMap<>();
    pendingPackets = 0;
    perIp = new HashMap<>();
    perFlags = new long[256];
    perBin = new HashMap<>();
    totals = TrafficStats.TOTALS_FN.createAccumulator();
  }

  @ProcessElement
  public void process(@Element Packet p, MultiOutputReceiver out) {
    long ts = p.timestampMicros();
    long len = p.length();
    boolean tcp = p.isTcp();
    if (tcp) {
      FlowKey key = FlowKey.of(p);
      if (fragments) {
        pending.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        if (++pendingPackets >= MAX_BUFFERED_PACKETS) {
          for (Map.Entry<FlowKey, List<Packet>> e : pending.entrySet()) {
            out.get(KEYED).output(KV.of(e.getKey(), new PacketFragment(e.getKey(), e.getValue())));
          }
          pending.clear();
          pendingPackets = 0;
        }
      } else {
        out.get(KEYED).output(KV.of(key, new PacketFragment(key, List.of(p))));
      }
      perFlags[p.flags()]++;
    }
    add(perIp.computeIfAbsent(ByteBuffer.wrap(p.srcIp()), k -> newIpVector()), 1, 0, len, 0, ts);
    add(perIp.computeIfAbsent(ByteBuffer.wrap(p.dstIp()), k -> newIpVector()), 0, 1, 0, len, ts);
    long[] bin =
        perBin.computeIfAbsent(
            Math.floorDiv(ts, binSizeUs) * binSizeUs, k -> new long[TrafficStats.BIN_SLOTS]);
    bin[0]++;
    bin[1] += len;
    if (tcp) {
      for (int i = 0; i < 8; i++) {
        if ((p.flags() & (1 << i)) != 0) {
          bin[2 + i]++;
        }
      }
    }
    totals[0]++;
    totals[1] += tcp ? 1 : 0;
    totals[2] += len;
    totals[3] = Math.min(totals[3], ts);
    totals[4] = Math.max(totals[4], ts);
  }

  private static long[] newIpVector() {
    return TrafficStats.IP_FN.createAccumulator();
  }

  private static void add(long[] v, long sent, long recv, long sentBytes, long recvBytes, long ts) {
    v[0] += sent;
    v[1] += recv;
    v[2] += sentBytes;
    v[3] += recvBytes;
    v[4] = Math.min(v[4], ts);
    v[5] = Math.max(v[5], ts);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    Instant now = GlobalWindow.INSTANCE.maxTimestamp();
    for (Map.Entry<FlowKey, List<Packet>> e : pending.entrySet()) {
      PacketFragment f = new PacketFragment(e.getKey(), e.getValue());
      c.output(KEYED, KV.of(e.getKey(), f), new Instant(Math.floorDiv(f.newestUs(), 1000L)), GlobalWindow.INSTANCE);
    }
    for (Map.Entry<ByteBuffer, long[]> e : perIp.entrySet()) {
      c.output(PER_IP, KV.of(IpAddresses.format(e.getKey().array()), e.getValue()), now, GlobalWindow.INSTANCE);
    }
    for (int f = 0; f < 256; f++) {
      if (perFlags[f] > 0) {
        c.output(PER_FLAGS, KV.of(TcpFlags.typeName(f), perFlags[f]), now, GlobalWindow.INSTANCE);
      }
    }
    for (Map.Entry<Long, long[]> e : perBin.entrySet()) {
      // Timestamped at the bin's start so that fixed windows of the bin size regroup them.
      c.output(PER_BIN, e.getValue(), new Instant(e.getKey() / 1000), GlobalWindow.INSTANCE);
    }
    if (totals[0] > 0) {
      c.output(TOTALS, totals, now, GlobalWindow.INSTANCE);
    }
    pending = null;
    perIp = null;
    perBin = null;
  }
}
