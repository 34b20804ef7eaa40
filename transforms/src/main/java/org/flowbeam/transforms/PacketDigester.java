package org.flowbeam.transforms;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.HourlyIpStats;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.TcpFlags;
import org.joda.time.Instant;

/**
 * The per-packet work of {@link PacketDigest}, for a DoFn to run on the packets it has in hand:
 * gathers the packets of the flow protocols (TCP, UDP, ICMP, or those asked for) per flow key into
 * capped {@link PacketFragment}s (a cap of one passes each on alone, the packet-by-packet path) and
 * adds every packet into the statistics' partial sums; at the end of a bundle it outputs the open
 * fragments and the partial sums on the {@link PacketDigest} tags.
 *
 * <p>Why a class of its own: the readers run it on the packets they decode ({@code
 * PcapIO.read().withDigest(...)}), so that no element per packet ever leaves the reading step — on
 * Flink every element between two steps is serialized, and a multi-output step's elements are
 * decoded by each of its consumers. {@link PacketDigestFn} runs it on a packet collection.
 *
 * <p>Use: a prototype is serialized with its DoFn; call {@link #startBundle()} in
 * {@code @StartBundle}, {@link #add} per packet, and {@link #finishBundle} in {@code @FinishBundle}
 * (or {@link #flush} at the end of each restriction, in a splittable DoFn). A fragment is output as
 * soon as it holds the cap of packets it was given, so that one long connection travels as many
 * small elements that a runner can sort and shuffle; all open fragments are output early once they
 * hold {@link #MAX_BUFFERED_BYTES} encoded bytes or {@link #MAX_BUFFERED_KEYS} keys, which bounds a
 * bundle's memory (Flink runs a whole task's input as one bundle). Every fragment is timestamped at
 * its oldest packet: the keyed stage receives a key's fragments in that order.
 */
public final class PacketDigester implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Encoded packet bytes held in open fragments before they are output early (≈2M packets). */
  static final int MAX_BUFFERED_BYTES = 32 << 20;

  /** Open fragments held before they are output early. */
  static final int MAX_BUFFERED_KEYS = 200_000;

  private final long binSizeUs;
  private final int fragmentPackets;
  private final Set<FlowProtocol> flowProtocols;

  /** Per IP protocol number, whether its packets are keyed for flows (a lookup per packet). */
  private final boolean[] keyed = new boolean[256];

  private transient Map<FlowKey, PacketFragment.Builder> pending;
  private transient long pendingBytes;

  /** Per-address traffic, per hour of packet time. */
  private transient TimeSlots<AddressTraffic> perHour;

  private transient long[] perFlags;
  private transient TimeSlots<BinTraffic> perBin;
  private transient TotalTraffic totals;

  /**
   * @param binSizeUs the time-bin width, a whole number of milliseconds
   * @param fragmentPackets the most packets a fragment holds; 1 sends every packet alone (the
   *     packet-by-packet path)
   */
  public PacketDigester(long binSizeUs, int fragmentPackets) {
    this(binSizeUs, fragmentPackets, FlowProtocol.ALL);
  }

  /**
   * @param binSizeUs the time-bin width, a whole number of milliseconds
   * @param fragmentPackets the most packets a fragment holds; 1 sends every packet alone (the
   *     packet-by-packet path)
   * @param flowProtocols the protocols whose packets are keyed for flows
   */
  public PacketDigester(long binSizeUs, int fragmentPackets, Set<FlowProtocol> flowProtocols) {
    if (fragmentPackets < 1) {
      throw new IllegalArgumentException(
          "a fragment holds at least one packet, got " + fragmentPackets);
    }
    this.binSizeUs = TrafficStats.checkBinSize(binSizeUs);
    this.fragmentPackets = fragmentPackets;
    this.flowProtocols = FlowProtocol.setOf(flowProtocols);
    for (int protocol = 0; protocol < keyed.length; protocol++) {
      keyed[protocol] = FlowProtocol.covers(this.flowProtocols, protocol);
    }
  }

  /** The protocols whose packets are keyed for flows. */
  /** Whether {@code p} goes to the keyed flow stage: its protocol is one of the flow protocols. */
  public boolean keysForFlows(Packet p) {
    return keyed[p.protocol()];
  }

  Set<FlowProtocol> flowProtocols() {
    return flowProtocols;
  }

  long binSizeUs() {
    return binSizeUs;
  }

  /** Starts a bundle with empty fragments and sums. */
  public void startBundle() {
    pending = new HashMap<>();
    pendingBytes = 0;
    perHour = new TimeSlots<>(HourlyIpStats.HOUR_US, AddressTraffic::new);
    perFlags = new long[TcpFlags.ALL + 1];
    perBin = new TimeSlots<>(binSizeUs, BinTraffic::new);
    totals = new TotalTraffic();
  }

  /** Digests one packet, outputting the fragment that it fills. */
  public void add(Packet p, MultiOutputReceiver out) {
    long ts = p.timestampMicros();
    long len = p.length();
    BinTraffic bin = perBin.at(ts);
    if (keyed[p.protocol()]) {
      FlowKey key = FlowKey.of(p);
      PacketFragment.Builder b = pending.computeIfAbsent(key, PacketFragment::builder);
      int before = b.encodedBytes();
      b.add(p);
      pendingBytes += b.encodedBytes() - before;
      if (b.size() >= fragmentPackets) {
        pending.remove(key);
        pendingBytes -= b.encodedBytes();
        output(b.build(), out);
      } else if (pendingBytes >= MAX_BUFFERED_BYTES || pending.size() >= MAX_BUFFERED_KEYS) {
        for (PacketFragment.Builder open : pending.values()) {
          output(open.build(), out);
        }
        pending.clear();
        pendingBytes = 0;
      }
    }
    if (p.isTcp()) {
      perFlags[p.flags()]++;
      bin.addTcpPacket(len, p.flags());
    } else {
      bin.addPacket(len);
    }
    AddressTraffic hour = perHour.at(ts);
    if (p.isIpv4()) {
      hour.ipv4(p.srcIpv4()).addSent(len, ts);
      hour.ipv4(p.dstIpv4()).addReceived(len, ts);
    } else {
      hour.ipv6(p.srcIp()).addSent(len, ts);
      hour.ipv6(p.dstIp()).addReceived(len, ts);
    }
    totals.addPacket(len, p.protocol(), ts);
  }

  /** The traffic of each address in one hour. */
  private static final class AddressTraffic {
    /** IPv4 addresses keyed as an int (cheaper than bytes). */
    final Ipv4Traffic ipv4 = new Ipv4Traffic();

    final Map<ByteBuffer, IpTraffic> ipv6 = new HashMap<>();

    IpTraffic ipv4(int address) {
      return ipv4.of(address);
    }

    IpTraffic ipv6(byte[] address) {
      return ipv6.computeIfAbsent(ByteBuffer.wrap(address), k -> new IpTraffic());
    }
  }

  /** Outputs a fragment timestamped at its oldest packet. */
  private static void output(PacketFragment f, MultiOutputReceiver out) {
    out.get(PacketDigest.KEYED).outputWithTimestamp(KV.of(f.key(), f), toInstant(f.oldestUs()));
  }

  /**
   * Outputs the open fragments and the partial sums from a {@code @FinishBundle} method and forgets
   * them (see {@link #flush}).
   */
  public void finishBundle(DoFn<?, ?>.FinishBundleContext c) {
    flush(
        new Emitter() {
          @Override
          public <T> void output(TupleTag<T> tag, T value, Instant timestamp) {
            c.output(tag, value, timestamp, GlobalWindow.INSTANCE);
          }
        });
  }

  /**
   * Outputs the open fragments and the partial sums from a {@code @ProcessElement} method and
   * forgets them. A splittable reader calls it at the end of each restriction, before the claim
   * that fails: Beam's bounded splittable DoFns on Flink may not output from {@code @FinishBundle}.
   */
  public void flush(MultiOutputReceiver out) {
    flush(
        new Emitter() {
          @Override
          public <T> void output(TupleTag<T> tag, T value, Instant timestamp) {
            out.get(tag).outputWithTimestamp(value, timestamp);
          }
        });
  }

  /**
   * Where the digest's outputs go: a bundle's finishing context or a process element's receiver.
   */
  private interface Emitter {
    <T> void output(TupleTag<T> tag, T value, Instant timestamp);
  }

  /**
   * Outputs the open fragments (timestamped at their oldest packet), the partial sums (time-bin
   * partials at their bin's start, the others at the end of the global window) and starts afresh.
   */
  private void flush(Emitter out) {
    Instant end = GlobalWindow.INSTANCE.maxTimestamp();
    for (Map.Entry<FlowKey, PacketFragment.Builder> e : pending.entrySet()) {
      PacketFragment f = e.getValue().build();
      out.output(PacketDigest.KEYED, KV.of(e.getKey(), f), toInstant(f.oldestUs()));
    }
    for (Map.Entry<Long, AddressTraffic> hour : perHour.byStart().entrySet()) {
      long hourStartUs = hour.getKey();
      hour.getValue()
          .ipv4
          .forEach(
              (address, traffic) -> {
                String ip = IpAddresses.format(IpAddresses.fromInt(address));
                out.output(PacketDigest.PER_IP, KV.of(new IpHour(hourStartUs, ip), traffic), end);
              });
      for (Map.Entry<ByteBuffer, IpTraffic> e : hour.getValue().ipv6.entrySet()) {
        String ip = IpAddresses.format(e.getKey().array());
        out.output(PacketDigest.PER_IP, KV.of(new IpHour(hourStartUs, ip), e.getValue()), end);
      }
    }
    for (int f = 0; f < perFlags.length; f++) {
      if (perFlags[f] > 0) {
        out.output(PacketDigest.PER_FLAGS, KV.of(TcpFlags.typeName(f), perFlags[f]), end);
      }
    }
    for (Map.Entry<Long, BinTraffic> e : perBin.byStart().entrySet()) {
      // Timestamped at the bin's start so that fixed windows of the bin size regroup them.
      out.output(PacketDigest.PER_BIN, e.getValue(), toInstant(e.getKey()));
    }
    if (!totals.isEmpty()) {
      out.output(PacketDigest.TOTALS, totals, end);
    }
    startBundle();
  }

  /** The event time of a moment in µs: Beam timestamps are whole milliseconds, rounded down. */
  static Instant toInstant(long micros) {
    return new Instant(Math.floorDiv(micros, 1000L));
  }
}
