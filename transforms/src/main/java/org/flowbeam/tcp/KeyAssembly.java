package org.flowbeam.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.PacketFragment;

/**
 * The flows of one 5-tuple, assembled while its {@link PacketFragment}s arrive in the order of
 * their oldest packet: the keyed stage's state between elements.
 *
 * <p>The key's protocol picks the state machine: {@link TcpFlowTracker} for TCP, {@link
 * DatagramFlowTracker} for UDP, ICMP and ICMPv6. The rest of this comment says "tracker" for
 * either.
 *
 * <p>Fragments may overlap in time (two input files of the same hour, a capture slightly out of
 * order), so a fragment's packets cannot simply be fed to the tracker as they come. Each call names
 * a horizon: no packet still to come is older than it. Packets older than the horizon are released
 * to the tracker in {@link Packet#EVENT_ORDER}, merged from the fragments that hold them; the rest
 * wait. What the assembly holds is therefore the tracker's one open flow (counters and TCP state)
 * and the packets of the fragments that overlap the horizon — about one fragment's worth per input
 * that covers the same time — never all of a key's packets.
 *
 * <p>The flows come out exactly as sorting all of the key's packets and tracking them in one pass
 * would give ({@link FlowAssembler}): every released packet is older than every packet still to
 * come, and the waiting ones are merged in event order.
 *
 * <pre>{@code
 * KeyAssembly a = new KeyAssembly(key, rules);
 * for (PacketFragment f : fragmentsByOldestPacket) {
 *   a.add(f, f.oldestUs(), flows::add);
 * }
 * a.finish(flows::add);
 * }</pre>
 *
 * <h2>Carried from run to run</h2>
 *
 * <p>A recurring job that reads only new data ends each run with {@link #endRun} instead of {@link
 * #finish}: the waiting packets are released, and the open flow is either kept, if a packet of a
 * later run could still join it, or written now. A kept assembly is the state to carry ({@link
 * #writeTo}); read back ({@link #readFrom}) it takes the next run's fragments as if the run had
 * never ended, and the flows come out with the ids, packets, bytes, states and close reasons of one
 * pass over all the data, as long as each run's packets are no older than the previous runs'.
 *
 * <pre>{@code
 * // end of run k: seriesEndUs is the newest packet of run k and of every run before it
 * if (a.endRun(seriesEndUs, flows::add)) {
 *   carried.put(key, a);
 * }
 * // run k + 1: a = carried.get(key) (or a new assembly), then add(...) as usual
 * }</pre>
 *
 * <p>A fragment of a later run may hold packets older than the carried flow's newest (a late file):
 * they cannot join flows already (partly) emitted, so they make flows of their own, ended at the
 * end of that run; the carried flow goes on with the rest.
 */
public final class KeyAssembly {
  private final FlowKey key;
  private final FlowRules rules;
  private final FlowTracker tracker;
  private final PriorityQueue<Run> pending = new PriorityQueue<>();
  private long pendingPackets;
  private long horizonUs = Long.MIN_VALUE;

  /**
   * Packets older than this were released before the run that carried this assembly ended ({@link
   * #endRun}); {@code Long.MIN_VALUE} if it was never carried.
   */
  private long carriedUpToUs = Long.MIN_VALUE;

  /** The flows of packets that came later than {@link #carriedUpToUs}, or null. */
  private KeyAssembly late;

  public KeyAssembly(FlowKey key, FlowRules rules) {
    this(key, rules, newTracker(key, rules));
  }

  private KeyAssembly(FlowKey key, FlowRules rules, FlowTracker tracker) {
    this.key = key;
    this.tracker = tracker;
    this.rules = rules;
  }

  /**
   * Adds {@code fragment} and releases every waiting packet older than {@code horizonUs}; flows
   * that end go to {@code out}.
   *
   * @param horizonUs no packet of a fragment still to come is older than this, µs: the fragment's
   *     event time as the runner sorted by it (its oldest packet, or that time rounded down)
   * @throws IllegalStateException if the horizon goes back in time or the fragment holds a packet
   *     older than an earlier horizon: the fragments did not arrive in time order (packets older
   *     than a carried flow are not out of order, see the class comment)
   */
  public void add(PacketFragment fragment, long horizonUs, Consumer<FlowRecord> out) {
    if (fragment.oldestUs() < carriedUpToUs) {
      addAcrossCarry(fragment, horizonUs, out);
      return;
    }
    // No packet older than carriedUpToUs comes here: that is a horizon too.
    horizonUs = Math.max(horizonUs, carriedUpToUs);
    if (horizonUs < this.horizonUs || fragment.oldestUs() < this.horizonUs) {
      throw new IllegalStateException(
          "fragments of "
              + key
              + " arrived out of time order: a fragment from "
              + fragment.oldestUs()
              + " µs came after packets up to "
              + this.horizonUs
              + " µs were released");
    }
    this.horizonUs = horizonUs;
    List<Packet> packets = fragment.packets();
    if (!packets.isEmpty()) {
      packets.sort(Packet.EVENT_ORDER);
      pending.add(new Run(packets));
      pendingPackets += packets.size();
    }
    release(horizonUs, out);
  }

  /** Splits a fragment into packets older than the carried flow (late) and the rest. */
  private void addAcrossCarry(PacketFragment fragment, long horizonUs, Consumer<FlowRecord> out) {
    PacketFragment.Builder older = PacketFragment.builder(key);
    PacketFragment.Builder rest = PacketFragment.builder(key);
    for (Packet p : fragment.packets()) {
      (p.timestampMicros() < carriedUpToUs ? older : rest).add(p);
    }
    if (late == null) {
      late = new KeyAssembly(key, rules);
    }
    late.add(older.build(), horizonUs, out);
    if (rest.size() > 0) {
      add(rest.build(), horizonUs, out);
    }
  }

  /** Releases every waiting packet and ends the open flow with {@code end_of_data}. */
  public void finish(Consumer<FlowRecord> out) {
    release(Long.MAX_VALUE, out);
    tracker.finish(out);
    if (late != null) {
      late.finish(out);
      late = null;
    }
  }

  /**
   * Ends the key at the end of a dataset that ends at {@code datasetEndUs}, which may lie past the
   * key's own packets: as {@link #finish(Consumer)}, with the flows still open named by {@link
   * EndOfDataRule}. What the last run of a recurring job (or one that is told to flush) does.
   */
  public void finish(long datasetEndUs, Consumer<FlowRecord> out) {
    finish(f -> out.accept(EndOfDataRule.apply(f, datasetEndUs, rules)));
  }

  /**
   * Ends this run's share of the key in a recurring job: releases every waiting packet, ends the
   * flows of late packets, and then either keeps the open flow to carry or ends it.
   *
   * <p>The open flow is kept if a packet of a later run could still join it ({@link
   * TcpFlowTracker#openFlowMayGrowAt}, {@link DatagramFlowTracker#openFlowMayGrowAt}): its newest
   * packet is within its protocol's idle timeout of {@code seriesEndUs}, and, if it closed (FIN,
   * RST) and a close linger is set, it did so within the close linger (by default a closed flow is
   * carried as long as an open one). Otherwise no later packet can change it, and it is written
   * now, named by {@link EndOfDataRule} against {@code seriesEndUs}: {@code idle_timeout}, or
   * {@code fin} / {@code rst}, as one pass over all the data would name it.
   *
   * @param seriesEndUs the newest packet of this run and of every run before it (any protocol)
   * @return true if the assembly holds an open flow to carry ({@link #writeTo}), to be resumed by
   *     the next run's {@link #add} calls; false if the key is done
   */
  public boolean endRun(long seriesEndUs, Consumer<FlowRecord> out) {
    Consumer<FlowRecord> named = f -> out.accept(EndOfDataRule.apply(f, seriesEndUs, rules));
    release(Long.MAX_VALUE, named);
    if (late != null) {
      late.finish(named);
      late = null;
    }
    if (!tracker.openFlowMayGrowAt(seriesEndUs)) {
      tracker.finish(named);
      return false;
    }
    carriedUpToUs = tracker.lastPacketUs();
    horizonUs = Math.max(horizonUs, carriedUpToUs);
    return true;
  }

  /**
   * The packets of the open flow a carried assembly holds (after {@link #endRun} returned true):
   * packets of earlier runs that a later run writes, for the manifest's reconciliation.
   */
  public long openFlowPackets() {
    return tracker.openFlowPackets();
  }

  /** The 5-tuple whose flows this assembles. */
  public FlowKey key() {
    return key;
  }

  /** The rules its flows are split by. */
  public FlowRules rules() {
    return rules;
  }

  /** Packets added and not yet released to the tracker. */
  public long pendingPackets() {
    return pendingPackets;
  }

  private void release(long beforeUs, Consumer<FlowRecord> out) {
    while (!pending.isEmpty()) {
      Run run = pending.peek();
      if (run.head().timestampMicros() >= beforeUs) {
        return;
      }
      pending.poll();
      // Take from this run while it stays ahead of the next one: one comparison a packet when
      // fragments do not overlap, the usual case.
      Run next = pending.peek();
      do {
        tracker.accept(run.head(), out);
        pendingPackets--;
        run.advance();
      } while (run.hasHead()
          && run.head().timestampMicros() < beforeUs
          && (next == null || Packet.EVENT_ORDER.compare(run.head(), next.head()) <= 0));
      if (run.hasHead()) {
        pending.add(run);
      }
    }
  }

  /**
   * Writes the assembly (rules, key, tracker and waiting packets) for {@link #readFrom}. The
   * tracker's state is that of the key's protocol's tracker.
   */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeLong(rules.idleTimeoutUs());
    out.writeLong(rules.activeTimeoutUs());
    out.writeLong(rules.closeLingerUs());
    out.writeBoolean(rules.retainPackets());
    out.writeLong(rules.udpIdleTimeoutUs());
    out.writeLong(rules.icmpIdleTimeoutUs());
    out.writeByte(FlowProtocol.toMask(rules.protocols()));
    out.flush();
    FlowKeyCoder.of().encode(key, out);
    out.writeLong(horizonUs);
    tracker.writeTo(out);
    List<Packet> waiting = waiting();
    out.writeInt(waiting.size());
    out.flush();
    for (Packet p : waiting) {
      PacketCoder.of().encode(p, out);
    }
    // Carried: one byte more, nothing for an assembly that never was.
    out.writeBoolean(carriedUpToUs != Long.MIN_VALUE);
    if (carriedUpToUs != Long.MIN_VALUE) {
      out.writeLong(carriedUpToUs);
      out.writeBoolean(late != null);
      if (late != null) {
        late.writeTo(out);
      }
    }
  }

  /** Reads an assembly written by {@link #writeTo}. */
  public static KeyAssembly readFrom(DataInputStream in) throws IOException {
    FlowRules rules;
    try {
      rules =
          new FlowRules(
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readBoolean(),
              in.readLong(),
              in.readLong(),
              FlowProtocol.fromMask(in.readUnsignedByte()));
    } catch (IllegalArgumentException e) {
      throw new StreamCorruptedException("bad assembly state: " + e.getMessage());
    }
    FlowKey key = FlowKeyCoder.of().decode(in);
    long horizonUs = in.readLong();
    KeyAssembly a = new KeyAssembly(key, rules, readTracker(in, key, rules));
    a.horizonUs = horizonUs;
    int waiting = in.readInt();
    if (waiting < 0) {
      throw new StreamCorruptedException("bad assembly state: " + waiting + " waiting packets");
    }
    List<Packet> packets = new ArrayList<>(Math.min(waiting, 1 << 16));
    for (int i = 0; i < waiting; i++) {
      packets.add(PacketCoder.of().decode(in));
    }
    if (!packets.isEmpty()) {
      a.pending.add(new Run(packets));
      a.pendingPackets = packets.size();
    }
    if (in.readBoolean()) {
      a.carriedUpToUs = in.readLong();
      if (in.readBoolean()) {
        a.late = readFrom(in);
        if (a.late.carriedUpToUs != Long.MIN_VALUE) {
          throw new StreamCorruptedException("bad assembly state: late packets carried twice");
        }
      }
    }
    return a;
  }

  /** The waiting packets in event order. */
  private List<Packet> waiting() {
    List<Packet> all = new ArrayList<>();
    for (Run r : pending) {
      all.addAll(r.packets.subList(r.at, r.packets.size()));
    }
    all.sort(Packet.EVENT_ORDER);
    return all;
  }

  /** A new tracker for the key's protocol. */
  private static FlowTracker newTracker(FlowKey key, FlowRules rules) {
    return key.protocol() == IpProtocol.TCP
        ? new TcpFlowTracker(key, rules)
        : new DatagramFlowTracker(key, rules);
  }

  /** The key's protocol's tracker as {@link FlowTracker#writeTo} wrote it. */
  private static FlowTracker readTracker(DataInputStream in, FlowKey key, FlowRules rules)
      throws IOException {
    return key.protocol() == IpProtocol.TCP
        ? TcpFlowTracker.readFrom(in, key, rules)
        : DatagramFlowTracker.readFrom(in, key, rules);
  }

  /** A fragment's packets in event order, and how far they have been released. */
  private static final class Run implements Comparable<Run> {
    private final List<Packet> packets;
    private int at;

    Run(List<Packet> packets) {
      this.packets = packets;
    }

    boolean hasHead() {
      return at < packets.size();
    }

    Packet head() {
      return packets.get(at);
    }

    void advance() {
      at++;
    }

    @Override
    public int compareTo(Run o) {
      return Packet.EVENT_ORDER.compare(head(), o.head());
    }
  }
}
