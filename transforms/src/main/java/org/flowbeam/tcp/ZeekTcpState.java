package org.flowbeam.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import org.flowbeam.model.ConnState;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.TcpFlags;

/**
 * Zeek's view of one TCP flow, for its {@code conn.log}: the two endpoints' TCP states as Zeek's
 * TCP analyzer moves them ({@code TCPSessionAdapter::UpdateStateMachine}), the connection {@code
 * history} letters ({@code update_history}), the payload sizes Zeek takes from sequence numbers
 * ({@code TCP_Endpoint::Size}), the IP bytes, and Zeek's {@code conn_state} from the endpoint
 * states ({@code base/protocols/conn/main.zeek}). The originator is the flow's initiator; if the
 * flow's first packet came from the responder (a flow seen from its SYN-ACK) the history starts
 * with {@code ^}, as a connection whose roles Zeek flipped.
 *
 * <p>What FlowBeam cannot see is left out: the window ({@code W}), checksums ({@code C}) and
 * content gaps ({@code G}) need the payload or fields a {@code Packet} does not keep. A packet of
 * unknown payload length (packet CSV) makes the history and the payload sizes unknown (Zeek's
 * unset): without it a data packet ({@code D}) cannot be told from a pure ACK ({@code A}).
 *
 * <p>Sequence numbers are held in a 64-bit space unwrapped from each endpoint's start, so sizes
 * over 4 GiB come out as Zeek's wrap counting gives them. Mutable, not thread-safe; {@link
 * TcpConnection} feeds it every packet of its flow in order.
 */
final class ZeekTcpState {
  /** Zeek's {@code EndpointState}. */
  enum EndpointState {
    INACTIVE,
    SYN_SENT,
    SYN_ACK_SENT,
    PARTIAL,
    ESTABLISHED,
    CLOSED,
    RESET
  }

  /** Zeek ignores sequence jumps of SYNs and RSTs larger than this. */
  private static final int TOO_LARGE_SEQ_DELTA = 1_048_576;

  /** The most history letters kept (a RST storm with changing sequence numbers adds one each). */
  static final int MAX_HISTORY = 4096;

  private static final long MASK = 0xffffffffL;

  // Zeek's history masks: one bit per kind of event, per direction.
  private static final int HIST_SYN = 1;
  private static final int HIST_FIN = 1 << 1;
  private static final int HIST_RST = 1 << 2;
  private static final int HIST_FIN_RST = 1 << 3;
  private static final int HIST_DATA = 1 << 4;
  private static final int HIST_ACK = 1 << 5;
  private static final int HIST_MULTI_FLAG = 1 << 6;

  private final Endpoint orig = new Endpoint(true);
  private final Endpoint resp = new Endpoint(false);
  private final StringBuilder history = new StringBuilder();
  private int historySeen;
  private boolean payloadKnown = true;
  private boolean ipKnown = true;
  private long lastTimeUs = Long.MIN_VALUE;

  /**
   * @param flipped whether the flow's first packet came from its responder
   */
  ZeekTcpState(boolean flipped) {
    if (flipped) {
      history.append('^');
    }
  }

  /**
   * Adds the flow's next packet.
   *
   * @param fromOrig whether the initiator sent it
   * @param payloadLength its TCP payload length, or negative if unknown
   * @param ipLength its IP total length, or negative if unknown
   */
  void add(
      boolean fromOrig,
      int flags,
      long seq,
      long ackSeq,
      int payloadLength,
      int ipLength,
      long ts) {
    Endpoint e = fromOrig ? orig : resp;
    Endpoint peer = fromOrig ? resp : orig;
    if (payloadLength < 0) {
      payloadKnown = false;
    }
    if (ipLength < 0) {
      ipKnown = false;
    } else {
      e.ipBytes += ipLength;
    }
    int len = Math.max(payloadLength, 0);
    boolean syn = (flags & TcpFlags.SYN) != 0;
    boolean fin = (flags & TcpFlags.FIN) != 0;
    boolean rst = (flags & TcpFlags.RST) != 0;
    boolean ack = (flags & TcpFlags.ACK) != 0;

    int segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0) - (rst ? len : 0);
    long seqEnd = (seq + segLen) & MASK;
    initEndpoint(e, syn, seq, seqEnd);
    long relSeq = e.fullNearLast(seq) - e.start;
    updateHistory(e, syn, fin, rst, ack, relSeq, len);
    if (!orig.didClose || !resp.didClose) {
      lastTimeUs = ts;
    }
    if (fin) {
      e.finCount++;
    }
    if (ack) {
      if (peer.state == EndpointState.INACTIVE) {
        peer.init((ackSeq - 1) & MASK, (ackSeq - 1) & MASK);
      } else {
        long full = peer.ack + seqDelta(ackSeq, peer.ack);
        boolean underflow = full < peer.start;
        if (!underflow && !rst) {
          int deltaAck = seqDelta(ackSeq, peer.ack);
          if (!(ackSeq == 0 && deltaAck > TOO_LARGE_SEQ_DELTA) && deltaAck > 0) {
            peer.ack += deltaAck;
          }
        }
      }
    }
    int deltaLast = updateLastSeq(e, seqEnd, syn, fin, rst, len);
    boolean close = updateStateMachine(e, peer, fromOrig, seq, len, deltaLast, syn, fin, rst, ack);
    if (close) {
      e.didClose = true;
    }
  }

  /** Zeek's {@code init_endpoint}: an endpoint's sequence numbers start with its first packet. */
  private static void initEndpoint(Endpoint e, boolean syn, long seq, long seqEnd) {
    switch (e.state) {
      case INACTIVE:
        if (syn) {
          e.init(seq, seqEnd);
        } else {
          // A partial connection: number as though a SYN had been seen.
          e.init((seq - 1) & MASK, seq);
        }
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        if (syn && seq != e.start32()) {
          e.init(seq, seqEnd);
        }
        break;
      case ESTABLISHED:
      case PARTIAL:
        if (syn) {
          e.init(seq, seqEnd);
        }
        break;
      case RESET:
        if (syn && e.prevState == EndpointState.INACTIVE) {
          e.init(seq, seqEnd);
        }
        break;
      default:
        break;
    }
  }

  /** Zeek's {@code update_history}. */
  private void updateHistory(
      Endpoint e, boolean syn, boolean fin, boolean rst, boolean ack, long relSeq, int len) {
    int bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits > 1) {
      if (fin && rst) {
        checkHistory(e, HIST_FIN_RST, 'I');
      } else {
        checkHistory(e, HIST_MULTI_FLAG, 'Q');
      }
    } else if (bits == 1) {
      if (syn) {
        char code = ack ? 'H' : 'S';
        if (checkHistory(e, HIST_SYN, code) && relSeq != e.histLastSyn) {
          addHistory(e, code);
        }
        e.histLastSyn = relSeq;
      }
      if (fin) {
        // A FIN's sequence number is at the end of the data it carries.
        if (checkHistory(e, HIST_FIN, 'F') && relSeq + len != e.histLastFin) {
          addHistory(e, 'F');
        }
        e.histLastFin = relSeq + len;
      }
      if (rst) {
        if (checkHistory(e, HIST_RST, 'R') && relSeq != e.histLastRst) {
          addHistory(e, 'R');
        }
        e.histLastRst = relSeq;
      }
    } else if (len > 0) {
      checkHistory(e, HIST_DATA, 'D');
    } else if (ack) {
      checkHistory(e, HIST_ACK, 'A');
    }
  }

  /**
   * Zeek's {@code Connection::CheckHistory}: records {@code code} the first time this kind of event
   * is seen in this direction and returns false; returns true if it had been seen before.
   */
  private boolean checkHistory(Endpoint e, int mask, char code) {
    int m = e.isOrig ? mask : mask << 16;
    if ((historySeen & m) == 0) {
      historySeen |= m;
      addHistory(e, code);
      return false;
    }
    return true;
  }

  private void addHistory(Endpoint e, char code) {
    if (history.length() < MAX_HISTORY) {
      history.append(e.isOrig ? code : Character.toLowerCase(code));
    }
  }

  /** Zeek's {@code update_last_seq}; a retransmission of data counts toward {@code T}. */
  private int updateLastSeq(
      Endpoint e, long seqEnd, boolean syn, boolean fin, boolean rst, int len) {
    int deltaLast = seqDelta(seqEnd, e.last);
    if ((syn || rst) && (deltaLast > TOO_LARGE_SEQ_DELTA || deltaLast < -TOO_LARGE_SEQ_DELTA)) {
      // Not trusted.
    } else if (fin && e.last32() == ((e.start + 1) & MASK)) {
      // Only the SYN and the FIN seen: take the FIN's number even if it went back.
      e.last += deltaLast;
    } else if (e.state == EndpointState.RESET) {
      // Nothing after a RST is trusted.
    } else if (deltaLast > 0) {
      e.last += deltaLast;
    } else if (len > 0) {
      // Zeek's DidRxmit: 'T' at the 1st, 10th, 100th ... retransmission.
      e.retransmits++;
      if (e.retransmits == e.retransmitThreshold) {
        addHistory(e, 'T');
        e.retransmitThreshold *= 10;
      }
    }
    return deltaLast;
  }

  /**
   * Zeek's {@code UpdateStateMachine}, with its weirds and events left out.
   *
   * @return whether the packet closes its endpoint ({@code do_close})
   */
  private boolean updateStateMachine(
      Endpoint e,
      Endpoint peer,
      boolean fromOrig,
      long baseSeq,
      int len,
      int deltaLast,
      boolean syn,
      boolean fin,
      boolean rst,
      boolean ack) {
    boolean close = false;
    switch (e.state) {
      case INACTIVE:
        if (syn) {
          if (fromOrig) {
            e.setState(ack ? EndpointState.SYN_ACK_SENT : EndpointState.SYN_SENT);
          } else {
            if (!ack && peer.state == EndpointState.SYN_ACK_SENT && baseSeq == e.start32()) {
              // A SYN / SYN-ACK reversal: Zeek flips the roles and establishes.
              peer.setState(EndpointState.ESTABLISHED);
            }
            if (peer.state == EndpointState.SYN_SENT) {
              peer.setState(EndpointState.ESTABLISHED);
            }
            e.setState(EndpointState.ESTABLISHED);
          }
        }
        if (fin) {
          e.setState(EndpointState.CLOSED);
          close = true;
        }
        if (rst) {
          e.setState(EndpointState.RESET);
          close = true;
        }
        if (e.state == EndpointState.INACTIVE) {
          if (!fromOrig && len == 0 && orig.state == EndpointState.SYN_SENT) {
            // An ACK of the SYN before the SYN-ACK does not make the connection partial.
          } else if (ack && peer.state == EndpointState.ESTABLISHED) {
            // The SYN was missed: a SYN-ACK and now its ACK establish the connection.
            e.setState(EndpointState.ESTABLISHED);
          } else {
            e.setState(EndpointState.PARTIAL);
          }
        }
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        if (fin) {
          e.setState(EndpointState.CLOSED);
          close = true;
        }
        if (rst) {
          e.setState(EndpointState.RESET);
          close = true;
        }
        break;
      case ESTABLISHED:
      case PARTIAL:
        if (syn
            && e.state == EndpointState.PARTIAL
            && peer.state == EndpointState.INACTIVE
            && !ack) {
          e.setState(EndpointState.SYN_SENT);
        }
        if (fin && !rst) {
          e.setState(EndpointState.CLOSED);
          if (peer.state == EndpointState.RESET && peer.prevState == EndpointState.CLOSED) {
            // The peer's FIN then RST was a normal termination.
            peer.setState(EndpointState.CLOSED);
          }
          close = true;
        }
        if (rst) {
          e.setState(EndpointState.RESET);
          close = true;
        }
        break;
      case CLOSED:
        if (rst && peer.state != EndpointState.CLOSED) {
          e.setState(EndpointState.RESET);
          if (!e.didClose) {
            close = true;
          }
        }
        break;
      case RESET:
      default:
        break;
    }
    return close;
  }

  /** Zeek's {@code conn_state} of the flow as it stands. */
  ConnState connState() {
    EndpointState os = orig.state;
    EndpointState rs = resp.state;
    boolean oInactive = os == EndpointState.INACTIVE || os == EndpointState.PARTIAL;
    boolean rInactive = rs == EndpointState.INACTIVE || rs == EndpointState.PARTIAL;
    if (rs == EndpointState.RESET) {
      if (os == EndpointState.SYN_SENT
          || os == EndpointState.SYN_ACK_SENT
          || (os == EndpointState.RESET && orig.size(resp) == 0 && resp.size(orig) == 0)) {
        return ConnState.REJ;
      }
      return oInactive ? ConnState.RSTRH : ConnState.RSTR;
    }
    if (os == EndpointState.RESET) {
      if (rInactive) {
        return history.toString().matches("\\^?S[^HAFGIQ]*R.*") ? ConnState.RSTOS0 : ConnState.OTH;
      }
      return ConnState.RSTO;
    }
    if (rs == EndpointState.CLOSED && os == EndpointState.CLOSED) {
      return ConnState.SF;
    }
    if (os == EndpointState.CLOSED) {
      return rInactive ? ConnState.SH : ConnState.S2;
    }
    if (rs == EndpointState.CLOSED) {
      return oInactive ? ConnState.SHR : ConnState.S3;
    }
    if (os == EndpointState.SYN_SENT && rs == EndpointState.INACTIVE) {
      return ConnState.S0;
    }
    if (os == EndpointState.ESTABLISHED && rs == EndpointState.ESTABLISHED) {
      return ConnState.S1;
    }
    return ConnState.OTH;
  }

  /** The conn.log facts of the flow as it stands (see {@link ConnSummary}). */
  ConnSummary summary() {
    return new ConnSummary(
        connState(),
        payloadKnown ? history.toString() : "",
        payloadKnown ? orig.size(resp) : ConnSummary.UNSET,
        payloadKnown ? resp.size(orig) : ConnSummary.UNSET,
        ipKnown ? orig.ipBytes : ConnSummary.UNSET,
        ipKnown ? resp.ipBytes : ConnSummary.UNSET,
        lastTimeUs);
  }

  /** The state as Zeek's endpoint states and history hold it, for tests and messages. */
  @Override
  public String toString() {
    return orig.state + "/" + resp.state + " " + history;
  }

  /** Writes the whole state for {@link #readFrom}. */
  void writeTo(DataOutputStream out) throws IOException {
    orig.writeTo(out);
    resp.writeTo(out);
    out.writeUTF(history.toString());
    out.writeInt(historySeen);
    out.writeBoolean(payloadKnown);
    out.writeBoolean(ipKnown);
    out.writeLong(lastTimeUs);
  }

  /** Reads a state written by {@link #writeTo}. */
  static ZeekTcpState readFrom(DataInputStream in) throws IOException {
    ZeekTcpState z = new ZeekTcpState(false);
    z.orig.readFrom(in);
    z.resp.readFrom(in);
    String h = in.readUTF();
    if (h.length() > MAX_HISTORY) {
      throw new StreamCorruptedException("bad flow state: history of " + h.length() + " letters");
    }
    z.history.append(h);
    z.historySeen = in.readInt();
    z.payloadKnown = in.readBoolean();
    z.ipKnown = in.readBoolean();
    z.lastTimeUs = in.readLong();
    return z;
  }

  /** The signed distance from {@code b} to {@code a} in 32-bit sequence space. */
  private static int seqDelta(long a, long b) {
    return (int) (a - b);
  }

  /** One side of the connection as Zeek's {@code TCP_Endpoint} keeps it. */
  private static final class Endpoint {
    final boolean isOrig;
    EndpointState state = EndpointState.INACTIVE;
    EndpointState prevState = EndpointState.INACTIVE;

    /** Start, last and acknowledged sequence numbers, unwrapped: start is in 0..2^32-1. */
    long start;

    long last;
    long ack;
    int finCount;
    boolean didClose;
    long histLastSyn;
    long histLastFin;
    long histLastRst;
    long retransmits;
    long retransmitThreshold = 1;
    long ipBytes;

    Endpoint(boolean isOrig) {
      this.isOrig = isOrig;
    }

    void setState(EndpointState s) {
      if (s != state) {
        prevState = state;
        state = s;
      }
    }

    /** Zeek's {@code InitStartSeq}, {@code InitAckSeq} and {@code InitLastSeq}. */
    void init(long startSeq, long lastSeq) {
      start = startSeq;
      ack = startSeq;
      last = startSeq + seqDelta(lastSeq, startSeq);
    }

    long start32() {
      return start & MASK;
    }

    long last32() {
      return last & MASK;
    }

    /** {@code seq} placed in the unwrapped space next to the last sequence number. */
    long fullNearLast(long seq) {
      return last + seqDelta(seq, last);
    }

    /**
     * Zeek's {@code TCP_Endpoint::Size}: the larger of the last sequence number sent and the last
     * acknowledged by the peer, less the start, the SYN and (if one was sent) the FIN.
     */
    long size(Endpoint peer) {
      boolean noDataAcked = ack == start || ack == start + 1;
      if (prevState == EndpointState.SYN_SENT
          && state == EndpointState.RESET
          && peer.state == EndpointState.INACTIVE
          && !noDataAcked) {
        // A half-open connection found and aborted: its sequence numbers say nothing of data.
        return 0;
      }
      long size = Math.max(last, ack) - start;
      if (size <= 0) {
        return 0;
      }
      size--;
      if (finCount > 0 && size != 0) {
        size--;
      }
      return size;
    }

    void writeTo(DataOutputStream out) throws IOException {
      out.writeByte(state.ordinal());
      out.writeByte(prevState.ordinal());
      out.writeLong(start);
      out.writeLong(last);
      out.writeLong(ack);
      out.writeInt(finCount);
      out.writeBoolean(didClose);
      out.writeLong(histLastSyn);
      out.writeLong(histLastFin);
      out.writeLong(histLastRst);
      out.writeLong(retransmits);
      out.writeLong(retransmitThreshold);
      out.writeLong(ipBytes);
    }

    void readFrom(DataInputStream in) throws IOException {
      state = stateAt(in.readUnsignedByte());
      prevState = stateAt(in.readUnsignedByte());
      start = in.readLong();
      last = in.readLong();
      ack = in.readLong();
      finCount = in.readInt();
      didClose = in.readBoolean();
      histLastSyn = in.readLong();
      histLastFin = in.readLong();
      histLastRst = in.readLong();
      retransmits = in.readLong();
      retransmitThreshold = in.readLong();
      ipBytes = in.readLong();
      if (start < 0 || start > MASK || retransmitThreshold < 1 || ipBytes < 0) {
        throw new StreamCorruptedException("bad flow state: Zeek endpoint " + start);
      }
    }

    private static EndpointState stateAt(int i) throws StreamCorruptedException {
      if (i >= EndpointState.values().length) {
        throw new StreamCorruptedException("bad flow state: endpoint state " + i);
      }
      return EndpointState.values()[i];
    }
  }
}
