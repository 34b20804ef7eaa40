package org.flowbeam.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.Digests;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;

/**
 * Splits the packets of one 5-tuple, given in event-time order, into flows and emits a {@link
 * FlowRecord} for each.
 *
 * <p>A flow ends, and the next packet starts a new one, when:
 *
 * <ol>
 *   <li>the gap since the flow's last packet exceeds the idle timeout ({@code idle_timeout}; the
 *       next flow continues the same connection);
 *   <li>the flow has lasted longer than the active timeout, when one is set ({@code
 *       active_timeout}; likewise a continuation);
 *   <li>a SYN without ACK carries a sequence number other than its direction's base: the 5-tuple is
 *       reused by a new connection ({@code port_reuse}, or {@code fin} / {@code rst} if the old one
 *       had closed), as tshark, tcptrace and suricata split; a SYN with the same sequence number is
 *       a retransmission and stays, also after a close (as in tshark);
 *   <li>only when a close linger is set ({@link FlowRules#closeLingerUs}): the flow had terminated
 *       (both FINs, or a RST) more than the close linger before the packet, which starts a flow of
 *       its own (an "appendix" flow, as CICFlowMeter makes of a late RST).
 * </ol>
 *
 * <p>By default there is no close linger limit: after a close, packets without a new connection's
 * SYN (a late RST, a retransmitted FIN, a stray ACK) join the closed flow until the idle timeout,
 * as they join the closed connection's stream in tshark.
 *
 * <p>Whatever is open at {@link #finish} ends with {@code end_of_data}. Flow ids are deterministic:
 * a hash of the key, the start time and the flow's ordinal among the key's flows that start in the
 * same microsecond, so any runner and parallelism give the same ids.
 *
 * <p>The tracker holds one open flow's state and counters, never the packets (unless the rules
 * retain them), and emits each flow as soon as it ends, to the consumer of the call that ended it:
 * so it can live in a keyed stage's state between elements ({@link #writeTo}, {@link #readFrom}).
 *
 * <pre>{@code
 * TcpFlowTracker t = new TcpFlowTracker(key, FlowRules.defaults());
 * sortedPackets.forEach(p -> t.accept(p, records::add));
 * t.finish(records::add);
 * }</pre>
 */
public final class TcpFlowTracker implements FlowTracker {
  private final FlowKey key;
  private final FlowRules rules;
  private final String keyText;

  private TcpConnection current;
  private long lastStartUs = Long.MIN_VALUE;
  private int startsInSameMicro;
  private long lastPacketTs = Long.MIN_VALUE;

  public TcpFlowTracker(FlowKey key, FlowRules rules) {
    this.key = key;
    this.rules = rules;
    this.keyText = key.toString();
  }

  /** The 5-tuple whose packets this tracker splits. */
  public FlowKey key() {
    return key;
  }

  /**
   * Adds the key's next packet; a flow that it ends goes to {@code out}.
   *
   * @throws IllegalArgumentException if {@code p} is earlier than the previous packet
   */
  public void accept(Packet p, Consumer<FlowRecord> out) {
    long ts = p.timestampMicros();
    if (ts < lastPacketTs) {
      throw new IllegalArgumentException(
          "packets of " + keyText + " out of order: " + ts + " after " + lastPacketTs);
    }
    lastPacketTs = ts;
    if (current == null) {
      current = TcpConnection.startWith(p, rules.retainPackets());
      return;
    }
    if (ts - current.lastTs() > rules.idleTimeoutUs()) {
      TcpConnection previous = current;
      emit(previous, CloseReason.IDLE_TIMEOUT, out);
      current = startAfter(previous, p);
    } else if (rules.activeTimeoutUs() > 0 && ts - current.firstTs() > rules.activeTimeoutUs()) {
      TcpConnection previous = current;
      emit(previous, CloseReason.ACTIVE_TIMEOUT, out);
      current = startAfter(previous, p);
    } else if (current.isNewConnection(p)) {
      emit(current, CloseReason.PORT_REUSE, out);
      current = TcpConnection.startWith(p, rules.retainPackets());
    } else if (current.isTerminated() && rules.closeLingerPassed(current.terminatedAt(), ts)) {
      emit(current, CloseReason.END_OF_DATA, out); // terminated: its own reason wins
      current = TcpConnection.startWith(p, rules.retainPackets());
    } else {
      current.add(p);
    }
  }

  /** After a timeout split, a terminated flow is followed by a fresh one, else a continuation. */
  private TcpConnection startAfter(TcpConnection previous, Packet p) {
    if (previous.isTerminated() || previous.isNewConnection(p)) {
      return TcpConnection.startWith(p, rules.retainPackets());
    }
    return TcpConnection.continueFrom(previous, p);
  }

  /** Ends the open flow, if any, with {@code end_of_data}, into {@code out}. */
  public void finish(Consumer<FlowRecord> out) {
    if (current != null) {
      emit(current, CloseReason.END_OF_DATA, out);
      current = null;
    }
  }

  /** The time of the newest packet accepted, µs ({@code Long.MIN_VALUE} before the first). */
  public long lastPacketUs() {
    return lastPacketTs;
  }

  /** The packets of the open flow so far (0 if no flow is open): what a carried flow holds. */
  public long openFlowPackets() {
    return current == null ? 0 : current.packets();
  }

  /**
   * Whether a packet at {@code timeUs} or later could still join the open flow: there is one, its
   * newest packet is within the idle timeout of {@code timeUs}, and, when a close linger is set, it
   * has not closed (both FINs, or a RST) longer than the close linger before {@code timeUs}. A
   * closed flow may grow until its idle timeout by default: a late RST still joins it. If not, any
   * packet from {@code timeUs} on ends the open flow as it is now, so {@link #finish} already gives
   * its final record once {@link EndOfDataRule} names it against {@code timeUs} or later.
   */
  public boolean openFlowMayGrowAt(long timeUs) {
    if (current == null || timeUs - current.lastTs() > rules.idleTimeoutUs()) {
      return false;
    }
    return !current.isTerminated() || !rules.closeLingerPassed(current.terminatedAt(), timeUs);
  }

  /** Writes the tracker's state (not its key and rules) for {@link #readFrom}. */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeLong(lastStartUs);
    out.writeInt(startsInSameMicro);
    out.writeLong(lastPacketTs);
    out.writeBoolean(current != null);
    if (current != null) {
      current.writeTo(out);
    }
  }

  /** A tracker of {@code key} under {@code rules} in the state {@link #writeTo} wrote. */
  public static TcpFlowTracker readFrom(DataInputStream in, FlowKey key, FlowRules rules)
      throws IOException {
    TcpFlowTracker t = new TcpFlowTracker(key, rules);
    t.lastStartUs = in.readLong();
    t.startsInSameMicro = in.readInt();
    t.lastPacketTs = in.readLong();
    t.current = in.readBoolean() ? TcpConnection.readFrom(in) : null;
    return t;
  }

  private void emit(TcpConnection c, CloseReason openReason, Consumer<FlowRecord> out) {
    long start = c.firstTs();
    if (start == lastStartUs) {
      startsInSameMicro++;
    } else {
      lastStartUs = start;
      startsInSameMicro = 0;
    }
    out.accept(c.toRecord(flowId(keyText, start, startsInSameMicro), openReason));
  }

  /**
   * The deterministic id of the {@code ordinal}-th flow of {@code keyText} starting at {@code
   * startUs}.
   */
  static String flowId(String keyText, long startUs, int ordinal) {
    byte[] h =
        Digests.sha256((keyText + "|" + startUs + "|" + ordinal).getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(16);
    for (int i = 0; i < 8; i++) {
      sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(h[i] & 0xf, 16));
    }
    return sb.toString();
  }
}
