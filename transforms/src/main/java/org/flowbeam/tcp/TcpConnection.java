package org.flowbeam.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.TcpFlags;

/**
 * The TCP state of one flow while its packets are added in event-time order: handshake progress,
 * FIN and RST, per-direction counters and each direction's base sequence number.
 *
 * <p>Mutable and not thread-safe; {@link TcpFlowTracker} owns one at a time. It keeps counters, not
 * packets, unless packet retention is on.
 */
final class TcpConnection {
  /**
   * The most packets a flow may hold when packets are retained: a record is shuffled whole, and a
   * runner sorts records in fixed buffers (Flink's hold about 3 MB at a 1 GiB heap, about 40 bytes
   * a packet).
   */
  static final int MAX_RETAINED_PACKETS = 50_000;

  /** The handshake as far as it has been seen. */
  enum Handshake {
    NONE,
    SYN,
    SYN_ACK,
    COMPLETE
  }

  private final byte[] initiatorIp;
  private final int initiatorPort;
  private final byte[] responderIp;
  private final int responderPort;
  private final int protocol;
  private final boolean continuation;
  private final boolean retainPackets;

  private long firstTs;
  private long lastTs;
  private long packetsFwd;
  private long packetsRev;
  private long bytesFwd;
  private long bytesRev;
  private FlagCounts.Accumulator flags = new FlagCounts.Accumulator();
  private final List<Packet> packets;

  private Handshake handshake = Handshake.NONE;
  private boolean sawSyn;
  private long synSeq;
  private long synAckSeq;
  private InvalidReason handshakeError = InvalidReason.NONE;

  /** Base sequence number per direction (index 0 = forward), set by the first packet each way. */
  private final long[] baseSeq = new long[2];

  private final boolean[] baseSeqSet = new boolean[2];
  private final boolean[] finSent = new boolean[2];

  private CloseReason terminatedBy;
  private long terminatedAt;

  /** Zeek's view of the flow (its conn.log facts), made with the flow's first packet. */
  private ZeekTcpState zeek;

  /** The tunnel the flow was seen in: its first packet's. */
  private TunnelTally tunnel = new TunnelTally();

  private TcpConnection(
      byte[] initiatorIp,
      int initiatorPort,
      byte[] responderIp,
      int responderPort,
      int protocol,
      boolean continuation,
      boolean retainPackets) {
    this.initiatorIp = initiatorIp;
    this.initiatorPort = initiatorPort;
    this.responderIp = responderIp;
    this.responderPort = responderPort;
    this.protocol = protocol;
    this.continuation = continuation;
    this.retainPackets = retainPackets;
    this.packets = retainPackets ? new ArrayList<>() : List.of();
  }

  /**
   * Starts a flow with its first packet. The initiator is the SYN's sender, the SYN-ACK's receiver,
   * or else the first packet's sender.
   */
  static TcpConnection startWith(Packet first, boolean retainPackets) {
    boolean synAck = TcpFlags.has(first.flags(), TcpFlags.SYN | TcpFlags.ACK);
    TcpConnection c =
        synAck
            ? new TcpConnection(
                first.dstIp(),
                first.dstPort(),
                first.srcIp(),
                first.srcPort(),
                first.protocol(),
                false,
                retainPackets)
            : new TcpConnection(
                first.srcIp(),
                first.srcPort(),
                first.dstIp(),
                first.dstPort(),
                first.protocol(),
                false,
                retainPackets);
    c.add(first);
    return c;
  }

  /**
   * Starts the flow that continues {@code previous} after a timeout split: same initiator, and the
   * handshake and sequence bases carried over, so its state reads as the same connection.
   */
  static TcpConnection continueFrom(TcpConnection previous, Packet first) {
    TcpConnection c =
        new TcpConnection(
            previous.initiatorIp,
            previous.initiatorPort,
            previous.responderIp,
            previous.responderPort,
            previous.protocol,
            true,
            previous.retainPackets);
    c.handshake = previous.handshake;
    c.sawSyn = previous.sawSyn;
    c.synSeq = previous.synSeq;
    c.synAckSeq = previous.synAckSeq;
    c.handshakeError = previous.handshakeError;
    System.arraycopy(previous.baseSeq, 0, c.baseSeq, 0, 2);
    System.arraycopy(previous.baseSeqSet, 0, c.baseSeqSet, 0, 2);
    System.arraycopy(previous.finSent, 0, c.finSent, 0, 2);
    c.add(first);
    return c;
  }

  private int direction(Packet p) {
    return p.isFrom(initiatorIp, initiatorPort) ? 0 : 1;
  }

  /**
   * True if {@code p} is a SYN (without ACK) whose sequence number differs from its direction's
   * base: a new connection on the same 5-tuple, not a retransmitted SYN.
   */
  boolean isNewConnection(Packet p) {
    if ((p.flags() & (TcpFlags.SYN | TcpFlags.ACK)) != TcpFlags.SYN) {
      return false;
    }
    int d = direction(p);
    return baseSeqSet[d] && baseSeq[d] != p.seq();
  }

  /** Adds the next packet in event-time order. */
  void add(Packet p) {
    long ts = p.timestampMicros();
    int f = p.flags();
    int d = direction(p);
    if (packetsFwd + packetsRev == 0) {
      firstTs = ts;
      zeek = new ZeekTcpState(d != 0);
    }
    zeek.add(d == 0, f, p.seq(), p.ack(), p.payloadLength(), p.ipLength(), ts);
    tunnel.add(p.tunnel(), d == 0);
    lastTs = ts;
    if (d == 0) {
      packetsFwd++;
      bytesFwd += p.length();
    } else {
      packetsRev++;
      bytesRev += p.length();
    }
    flags.add(f);
    if (retainPackets) {
      if (packets.size() >= MAX_RETAINED_PACKETS) {
        throw new FlowTooLargeException(
            "the flow "
                + this
                + " has more than "
                + MAX_RETAINED_PACKETS
                + " packets, the most a layout that keeps every packet of a flow (--layout=timearcs)"
                + " accepts; --layout=flowbeam has no such limit");
      }
      packets.add(p);
    }
    if (!baseSeqSet[d]) {
      baseSeqSet[d] = true;
      baseSeq[d] = p.seq();
    }
    trackHandshake(p, d, f);
    trackClose(p, d, f, ts);
  }

  private void trackHandshake(Packet p, int d, int f) {
    boolean syn = (f & TcpFlags.SYN) != 0;
    boolean ack = (f & TcpFlags.ACK) != 0;
    if (syn && !ack && d == 0) {
      if (!sawSyn) {
        sawSyn = true;
        synSeq = p.seq();
        // A SYN seen first sets the initiator's base to the SYN itself.
        baseSeq[0] = p.seq();
        baseSeqSet[0] = true;
      }
      if (handshake == Handshake.NONE) {
        handshake = Handshake.SYN;
      }
    } else if (syn && ack && d == 1) {
      if (handshake == Handshake.SYN || handshake == Handshake.NONE) {
        if (sawSyn && p.ack() != ((synSeq + 1) & 0xffffffffL)) {
          handshakeError = InvalidReason.INVALID_SYNACK;
        }
        synAckSeq = p.seq();
        baseSeq[1] = p.seq();
        baseSeqSet[1] = true;
        handshake = Handshake.SYN_ACK;
      }
    } else if (ack && !syn && d == 0 && handshake == Handshake.SYN_ACK) {
      if (p.ack() != ((synAckSeq + 1) & 0xffffffffL)) {
        if (handshakeError == InvalidReason.NONE) {
          handshakeError = InvalidReason.INVALID_ACK;
        }
      } else if (sawSyn && handshakeError == InvalidReason.NONE) {
        handshake = Handshake.COMPLETE;
      }
    }
  }

  private void trackClose(Packet p, int d, int f, long ts) {
    if (terminatedBy != null) {
      return;
    }
    if ((f & TcpFlags.RST) != 0) {
      terminatedBy = CloseReason.RST;
      terminatedAt = ts;
      return;
    }
    if ((f & TcpFlags.FIN) != 0) {
      finSent[d] = true;
      if (finSent[0] && finSent[1]) {
        terminatedBy = CloseReason.FIN;
        terminatedAt = ts;
      }
    }
  }

  /** True once both sides sent FIN or either sent RST. */
  boolean isTerminated() {
    return terminatedBy != null;
  }

  /** When the flow terminated (the second FIN or the RST), in µs; only if terminated. */
  long terminatedAt() {
    return terminatedAt;
  }

  long firstTs() {
    return firstTs;
  }

  long lastTs() {
    return lastTs;
  }

  boolean handshakeComplete() {
    return handshake == Handshake.COMPLETE;
  }

  /**
   * The flow's record. A terminated flow's close reason is how it terminated; an open flow's is
   * {@code openReason}.
   */
  /** The packets of this flow so far, both directions. */
  long packets() {
    return packetsFwd + packetsRev;
  }

  FlowRecord toRecord(String flowId, CloseReason openReason) {
    CloseReason reason = terminatedBy != null ? terminatedBy : openReason;
    FlowState state;
    InvalidReason invalid = InvalidReason.NONE;
    boolean established = handshake == Handshake.COMPLETE;
    if (established) {
      state =
          terminatedBy == CloseReason.FIN
              ? FlowState.CLOSED
              : terminatedBy == CloseReason.RST ? FlowState.ABORTED : FlowState.ONGOING;
    } else if (continuation && !sawSyn) {
      // A split piece of a connection whose start was never seen stays as its first piece was.
      state = FlowState.INVALID;
      invalid = InvalidReason.INCOMPLETE_NO_SYN;
    } else {
      state = FlowState.INVALID;
      if (handshakeError != InvalidReason.NONE) {
        invalid = handshakeError;
      } else if (terminatedBy == CloseReason.RST && sawSyn) {
        invalid = InvalidReason.RST_DURING_HANDSHAKE;
      } else if (!sawSyn) {
        invalid = InvalidReason.INCOMPLETE_NO_SYN;
      } else if (handshake == Handshake.SYN) {
        invalid = InvalidReason.INCOMPLETE_NO_SYNACK;
      } else {
        invalid = InvalidReason.INCOMPLETE_NO_ACK;
      }
    }
    return new FlowRecord(
        flowId,
        IpAddresses.format(initiatorIp),
        initiatorPort,
        IpAddresses.format(responderIp),
        responderPort,
        protocol,
        firstTs,
        lastTs,
        packetsFwd,
        packetsRev,
        bytesFwd,
        bytesRev,
        flags.build(),
        established,
        state,
        invalid,
        reason,
        zeek.summary(),
        tunnel.result(),
        packets);
  }

  /** Writes the whole state, retained packets included, for {@link #readFrom}. */
  void writeTo(DataOutputStream out) throws IOException {
    writeBytes(out, initiatorIp);
    out.writeShort(initiatorPort);
    writeBytes(out, responderIp);
    out.writeShort(responderPort);
    out.writeByte(protocol);
    out.writeBoolean(continuation);
    out.writeBoolean(retainPackets);
    out.writeLong(firstTs);
    out.writeLong(lastTs);
    out.writeLong(packetsFwd);
    out.writeLong(packetsRev);
    out.writeLong(bytesFwd);
    out.writeLong(bytesRev);
    for (long c : flags.toArray()) {
      out.writeLong(c);
    }
    out.writeByte(handshake.ordinal());
    out.writeBoolean(sawSyn);
    out.writeLong(synSeq);
    out.writeLong(synAckSeq);
    out.writeByte(handshakeError.ordinal());
    for (int d = 0; d < 2; d++) {
      out.writeLong(baseSeq[d]);
      out.writeBoolean(baseSeqSet[d]);
      out.writeBoolean(finSent[d]);
    }
    out.writeByte(terminatedBy == null ? -1 : terminatedBy.ordinal());
    out.writeLong(terminatedAt);
    zeek.writeTo(out);
    tunnel.writeTo(out);
    out.writeInt(packets.size());
    out.flush();
    for (Packet p : packets) {
      PacketCoder.of().encode(p, out);
    }
  }

  /** Reads a state written by {@link #writeTo}. */
  static TcpConnection readFrom(DataInputStream in) throws IOException {
    byte[] initiatorIp = readBytes(in);
    int initiatorPort = in.readUnsignedShort();
    byte[] responderIp = readBytes(in);
    int responderPort = in.readUnsignedShort();
    int protocol = in.readUnsignedByte();
    boolean continuation = in.readBoolean();
    boolean retainPackets = in.readBoolean();
    TcpConnection c =
        new TcpConnection(
            initiatorIp,
            initiatorPort,
            responderIp,
            responderPort,
            protocol,
            continuation,
            retainPackets);
    c.firstTs = in.readLong();
    c.lastTs = in.readLong();
    c.packetsFwd = in.readLong();
    c.packetsRev = in.readLong();
    c.bytesFwd = in.readLong();
    c.bytesRev = in.readLong();
    long[] counts = new long[8];
    for (int i = 0; i < 8; i++) {
      counts[i] = in.readLong();
    }
    c.flags = FlagCounts.Accumulator.from(counts);
    c.handshake = enumAt(Handshake.values(), in.readUnsignedByte());
    c.sawSyn = in.readBoolean();
    c.synSeq = in.readLong();
    c.synAckSeq = in.readLong();
    c.handshakeError = enumAt(InvalidReason.values(), in.readUnsignedByte());
    for (int d = 0; d < 2; d++) {
      c.baseSeq[d] = in.readLong();
      c.baseSeqSet[d] = in.readBoolean();
      c.finSent[d] = in.readBoolean();
    }
    int terminated = in.readByte();
    c.terminatedBy = terminated < 0 ? null : enumAt(CloseReason.values(), terminated);
    c.terminatedAt = in.readLong();
    c.zeek = ZeekTcpState.readFrom(in);
    c.tunnel = TunnelTally.readFrom(in);
    int retained = in.readInt();
    if (retained < 0 || retained > MAX_RETAINED_PACKETS || (retained > 0 && !retainPackets)) {
      throw new StreamCorruptedException("bad flow state: " + retained + " retained packets");
    }
    for (int i = 0; i < retained; i++) {
      c.packets.add(PacketCoder.of().decode(in));
    }
    return c;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeByte(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readUnsignedByte();
    if (n != 4 && n != 16) {
      throw new StreamCorruptedException("bad flow state: address of " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static <E> E enumAt(E[] values, int ordinal) throws StreamCorruptedException {
    if (ordinal >= values.length) {
      throw new StreamCorruptedException(
          "bad flow state: no value " + ordinal + " among " + values.length);
    }
    return values[ordinal];
  }

  @Override
  public String toString() {
    return IpAddresses.format(initiatorIp)
        + ":"
        + initiatorPort
        + " -> "
        + IpAddresses.format(responderIp)
        + ":"
        + responderPort
        + " "
        + handshake
        + " fin="
        + Arrays.toString(finSent)
        + " terminated="
        + terminatedBy;
  }
}
