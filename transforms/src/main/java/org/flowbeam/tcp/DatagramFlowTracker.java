package org.flowbeam.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.List;
import java.util.function.Consumer;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.ConnState;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.Packet;
import org.flowbeam.model.Tunnel;

/**
 * Splits the packets of one UDP or ICMP key, given in event-time order, into flows, as {@link
 * TcpFlowTracker} does for TCP: datagram protocols have no handshake and no close, so only time
 * ends a flow.
 *
 * <ol>
 *   <li>A gap since the flow's last packet longer than the protocol's idle timeout ({@link
 *       FlowRules#idleTimeoutUs(int)}: 60 s by default for UDP and ICMP, as Zeek's {@code
 *       udp_inactivity_timeout} and {@code icmp_inactivity_timeout}) ends it ({@code
 *       idle_timeout}); the next packet starts a new flow whose initiator is its sender, as Zeek
 *       starts a new connection.
 *   <li>A flow longer than the active timeout, when one is set, is split ({@code active_timeout});
 *       the next flow continues it: same initiator.
 *   <li>Whatever is open at {@link #finish} ends with {@code end_of_data} ({@link EndOfDataRule}
 *       may then name it {@code idle_timeout}).
 * </ol>
 *
 * <p>The initiator is the sender of the flow's first packet, as for Zeek's UDP and ICMP connections
 * and tshark's conversation {@code a} endpoint. A flow's state is {@code bidirectional} if it has
 * packets both ways, else {@code unidirectional}; it has no TCP flags, no handshake and no invalid
 * reason. Flow ids are made as for TCP flows (the key, the start and the ordinal among the key's
 * flows starting in the same microsecond). Packets are never retained: the TimeArcs layout, which
 * needs them, shows TCP flows only.
 *
 * <p>The tracker holds one open flow's counters (about 60 bytes) and emits each flow as soon as it
 * ends, so it can live in a keyed stage's state between elements ({@link #writeTo}, {@link
 * #readFrom}).
 *
 * <pre>{@code
 * DatagramFlowTracker t = new DatagramFlowTracker(key, FlowRules.defaults());
 * sortedPackets.forEach(p -> t.accept(p, records::add));
 * t.finish(records::add);
 * }</pre>
 */
public final class DatagramFlowTracker implements FlowTracker {
  private final FlowKey key;
  private final String keyText;
  private final long idleTimeoutUs;
  private final long activeTimeoutUs;

  private Flow current;
  private long lastStartUs = Long.MIN_VALUE;
  private int startsInSameMicro;
  private long lastPacketTs = Long.MIN_VALUE;

  public DatagramFlowTracker(FlowKey key, FlowRules rules) {
    this.key = key;
    this.keyText = key.toString();
    this.idleTimeoutUs = rules.idleTimeoutUs(key.protocol());
    this.activeTimeoutUs = rules.activeTimeoutUs();
  }

  /** The key whose packets this tracker splits. */
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
    boolean fromA = key.isAtoB(p);
    if (current == null) {
      current = new Flow(fromA);
    } else if (ts - current.lastTs > idleTimeoutUs) {
      emit(current, CloseReason.IDLE_TIMEOUT, out);
      current = new Flow(fromA);
    } else if (activeTimeoutUs > 0 && ts - current.firstTs > activeTimeoutUs) {
      emit(current, CloseReason.ACTIVE_TIMEOUT, out);
      current = new Flow(current.initiatorIsA);
    }
    current.add(fromA, ts, p.length(), p.payloadLength(), p.ipLength(), p.tunnel());
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
    return current == null ? 0 : current.packetsFwd + current.packetsRev;
  }

  /**
   * Whether a packet at {@code timeUs} or later could still join the open flow: there is one and
   * its newest packet is within the idle timeout of {@code timeUs}. If not, {@link #finish} already
   * gives its final record once {@link EndOfDataRule} names it against {@code timeUs} or later.
   */
  public boolean openFlowMayGrowAt(long timeUs) {
    return current != null && timeUs - current.lastTs <= idleTimeoutUs;
  }

  private void emit(Flow f, CloseReason reason, Consumer<FlowRecord> out) {
    if (f.firstTs == lastStartUs) {
      startsInSameMicro++;
    } else {
      lastStartUs = f.firstTs;
      startsInSameMicro = 0;
    }
    out.accept(
        f.toRecord(key, TcpFlowTracker.flowId(keyText, f.firstTs, startsInSameMicro), reason));
  }

  /** Writes the tracker's state (not its key and rules) for {@link #readFrom}. */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeLong(lastStartUs);
    out.writeInt(startsInSameMicro);
    out.writeLong(lastPacketTs);
    out.writeBoolean(current != null);
    if (current != null) {
      out.writeBoolean(current.initiatorIsA);
      out.writeLong(current.firstTs);
      out.writeLong(current.lastTs);
      out.writeLong(current.packetsFwd);
      out.writeLong(current.packetsRev);
      out.writeLong(current.bytesFwd);
      out.writeLong(current.bytesRev);
      out.writeBoolean(current.firstFromInitiator);
      out.writeLong(current.payloadFwd);
      out.writeLong(current.payloadRev);
      out.writeLong(current.ipBytesFwd);
      out.writeLong(current.ipBytesRev);
      current.tunnel.writeTo(out);
    }
  }

  /** A tracker of {@code key} under {@code rules} in the state {@link #writeTo} wrote. */
  public static DatagramFlowTracker readFrom(DataInputStream in, FlowKey key, FlowRules rules)
      throws IOException {
    DatagramFlowTracker t = new DatagramFlowTracker(key, rules);
    t.lastStartUs = in.readLong();
    t.startsInSameMicro = in.readInt();
    t.lastPacketTs = in.readLong();
    if (in.readBoolean()) {
      Flow f = new Flow(in.readBoolean());
      f.firstTs = in.readLong();
      f.lastTs = in.readLong();
      f.packetsFwd = in.readLong();
      f.packetsRev = in.readLong();
      f.bytesFwd = in.readLong();
      f.bytesRev = in.readLong();
      f.firstFromInitiator = in.readBoolean();
      f.payloadFwd = in.readLong();
      f.payloadRev = in.readLong();
      f.ipBytesFwd = in.readLong();
      f.ipBytesRev = in.readLong();
      f.tunnel = TunnelTally.readFrom(in);
      if (f.payloadFwd < -1
          || f.payloadRev < -1
          || f.ipBytesFwd < -1
          || f.ipBytesRev < -1
          || f.packetsFwd < 0
          || f.packetsRev < 0
          || f.packetsFwd + f.packetsRev <= 0
          || f.bytesFwd < 0
          || f.bytesRev < 0
          || f.lastTs < f.firstTs) {
        throw new StreamCorruptedException("bad datagram flow state of " + key);
      }
      t.current = f;
    }
    return t;
  }

  /** One open flow's counters; its endpoints are the key's. */
  private static final class Flow {
    final boolean initiatorIsA;
    long firstTs;
    long lastTs;
    long packetsFwd;
    long packetsRev;
    long bytesFwd;
    long bytesRev;
    boolean firstFromInitiator;

    /** Payload and IP bytes per direction as Zeek counts them; -1 once a length was unknown. */
    long payloadFwd;

    long payloadRev;
    long ipBytesFwd;
    long ipBytesRev;
    TunnelTally tunnel = new TunnelTally();

    Flow(boolean initiatorIsA) {
      this.initiatorIsA = initiatorIsA;
    }

    void add(boolean fromA, long ts, int length, int payloadLength, int ipLength, Tunnel through) {
      boolean forward = fromA == initiatorIsA;
      tunnel.add(through, forward);
      if (packetsFwd + packetsRev == 0) {
        firstTs = ts;
        firstFromInitiator = forward;
      }
      lastTs = ts;
      if (forward) {
        packetsFwd++;
        bytesFwd += length;
        payloadFwd = plus(payloadFwd, payloadLength);
        ipBytesFwd = plus(ipBytesFwd, ipLength);
      } else {
        packetsRev++;
        bytesRev += length;
        payloadRev = plus(payloadRev, payloadLength);
        ipBytesRev = plus(ipBytesRev, ipLength);
      }
    }

    /** A sum that stays unknown (-1) once a term is unknown. */
    private static long plus(long sum, int term) {
      return sum < 0 || term < 0 ? -1 : sum + term;
    }

    /**
     * Zeek's conn.log facts: for UDP, {@code SF} with packets both ways, {@code S0} from the
     * originator only, {@code SHR} from the responder only, and the history {@code D} / {@code d}
     * in the order the two sides first sent; for ICMP always {@code OTH} and no history. Payload
     * and IP bytes per direction where every packet's lengths were known.
     */
    private ConnSummary conn(FlowKey key) {
      boolean udp = key.protocol() == org.flowbeam.model.IpProtocol.UDP;
      ConnState state = ConnState.OTH;
      String history = "";
      if (udp) {
        if (packetsFwd > 0) {
          state = packetsRev > 0 ? ConnState.SF : ConnState.S0;
        } else if (packetsRev > 0) {
          state = ConnState.SHR;
        }
        String orig = packetsFwd > 0 ? "D" : "";
        String resp = packetsRev > 0 ? "d" : "";
        history = firstFromInitiator ? orig + resp : resp + orig;
      }
      boolean ipKnown = ipBytesFwd >= 0 && ipBytesRev >= 0;
      boolean payloadKnown = payloadFwd >= 0 && payloadRev >= 0;
      return new ConnSummary(
          state,
          history,
          payloadKnown ? payloadFwd : ConnSummary.UNSET,
          payloadKnown ? payloadRev : ConnSummary.UNSET,
          ipKnown ? ipBytesFwd : ConnSummary.UNSET,
          ipKnown ? ipBytesRev : ConnSummary.UNSET,
          lastTs);
    }

    FlowRecord toRecord(FlowKey key, String flowId, CloseReason reason) {
      byte[] initiatorIp = initiatorIsA ? key.ipA() : key.ipB();
      byte[] responderIp = initiatorIsA ? key.ipB() : key.ipA();
      return new FlowRecord(
          flowId,
          IpAddresses.format(initiatorIp),
          initiatorIsA ? key.portA() : key.portB(),
          IpAddresses.format(responderIp),
          initiatorIsA ? key.portB() : key.portA(),
          key.protocol(),
          firstTs,
          lastTs,
          packetsFwd,
          packetsRev,
          bytesFwd,
          bytesRev,
          FlagCounts.ZERO,
          false,
          packetsFwd > 0 && packetsRev > 0 ? FlowState.BIDIRECTIONAL : FlowState.UNIDIRECTIONAL,
          InvalidReason.NONE,
          reason,
          conn(key),
          tunnel.result(),
          List.of());
    }
  }
}
