package org.flowbeam.tcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Consumer;
import org.flowbeam.model.CloseReason;
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
 *       a retransmission and stays;
 *   <li>the flow had terminated (both FINs, or a RST) more than the close linger before the packet.
 * </ol>
 *
 * <p>Whatever is open at {@link #finish()} ends with {@code end_of_data}. Flow ids are
 * deterministic: a hash of the key, the start time and the flow's ordinal among the key's flows
 * that start in the same microsecond, so any runner and parallelism give the same ids.
 *
 * <pre>{@code
 * TcpFlowTracker t = new TcpFlowTracker(key, FlowRules.defaults(), records::add);
 * sortedPackets.forEach(t::accept);
 * t.finish();
 * }</pre>
 */
public final class TcpFlowTracker {
  private final FlowKey key;
  private final FlowRules rules;
  private final Consumer<FlowRecord> out;
  private final String keyText;

  private TcpConnection current;
  private long lastStartUs = Long.MIN_VALUE;
  private int startsInSameMicro;
  private long lastPacketTs = Long.MIN_VALUE;

  public TcpFlowTracker(FlowKey key, FlowRules rules, Consumer<FlowRecord> out) {
    this.key = key;
    this.rules = rules;
    this.out = out;
    this.keyText = key.toString();
  }

  /**
   * Adds the key's next packet.
   *
   * @throws IllegalArgumentException if {@code p} is earlier than the previous packet
   */
  public void accept(Packet p) {
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
      emit(previous, CloseReason.IDLE_TIMEOUT);
      current = startAfter(previous, p);
    } else if (rules.activeTimeoutUs() > 0 && ts - current.firstTs() > rules.activeTimeoutUs()) {
      TcpConnection previous = current;
      emit(previous, CloseReason.ACTIVE_TIMEOUT);
      current = startAfter(previous, p);
    } else if (current.isNewConnection(p)) {
      emit(current, CloseReason.PORT_REUSE);
      current = TcpConnection.startWith(p, rules.retainPackets());
    } else if (current.isTerminated() && ts - current.terminatedAt() > rules.closeLingerUs()) {
      emit(current, CloseReason.END_OF_DATA); // terminated: its own reason wins
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

  /** Ends the open flow, if any, with {@code end_of_data}. */
  public void finish() {
    if (current != null) {
      emit(current, CloseReason.END_OF_DATA);
      current = null;
    }
  }

  private void emit(TcpConnection c, CloseReason openReason) {
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
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] h =
          sha.digest((keyText + "|" + startUs + "|" + ordinal).getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(16);
      for (int i = 0; i < 8; i++) {
        sb.append(Character.forDigit((h[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(h[i] & 0xf, 16));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
