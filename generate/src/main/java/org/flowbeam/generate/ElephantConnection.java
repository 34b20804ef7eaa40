package org.flowbeam.generate;

import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.TcpFlags;

/**
 * One elephant: a TCP download of exactly {@link ElephantPlan#packetsEach} packets, made one packet
 * at a time so that memory does not grow with its size.
 *
 * <p>The client opens the connection to port {@value #SERVER_PORT} (three-way handshake, SYN
 * options), sends a request, and the server streams MSS-sized segments; the client ACKs every
 * second segment, now and then sends a small message of its own (so both sequence numbers advance),
 * and a server segment is sometimes sent again (same sequence number) at the configured
 * retransmission rate. The last data-phase packet is the client's ACK of everything; then the
 * connection ends as {@link ElephantPlan.End} says. Sequence numbers wrap mod 2^32 as a real
 * stack's do (a 100 M-packet elephant wraps them some twenty times).
 *
 * <p>Timestamps advance by the gaps {@link ElephantPacer} gives (jittered), so the elephant spans
 * the background traffic; the only gaps past the idle timeout are the plan's idle gaps (360–1,200
 * s, as the background's database connections have), evenly spread over the data.
 */
final class ElephantConnection {
  /** SYN, SYN-ACK, handshake ACK and the client's request. */
  static final int HANDSHAKE_AND_REQUEST = 4;

  static final int SERVER_PORT = 443;

  /** Chance that a data-phase packet is a small message from the client. */
  private static final double CLIENT_MESSAGE_RATE = 0.001;

  /** Chance that a server segment carries PSH (the end of one write of the application). */
  private static final double PUSH_RATE = 0.05;

  private final Endpoints endpoints;
  private final ElephantPlan plan;
  private final double retransmitRate;
  private final Rng rng;
  private final ElephantPacer pacer;
  private final TcpSequences seq = new TcpSequences();
  private final int mss;
  private final long rttUs;
  private final long dataPackets;
  private long clock;
  private long made;
  private int idleGapsMade;
  private int unacked;
  private SynthPacket lastServerSegment;
  private SynthPacket next;

  /**
   * @param startUs the time of its SYN
   * @param retransmitRate chance that a data-phase packet is a server segment sent again
   */
  ElephantConnection(
      Endpoints endpoints,
      long startUs,
      ElephantPlan plan,
      double retransmitRate,
      Rng rng,
      ElephantPacer pacer) {
    this.endpoints = endpoints;
    this.plan = plan;
    this.retransmitRate = retransmitRate;
    this.rng = rng;
    this.pacer = pacer;
    this.mss = endpoints.v6() ? 1440 : 1460;
    this.rttUs = rng.logNormal(20_000, 1.0, 200, 300_000);
    this.dataPackets = plan.packetsEach() - HANDSHAKE_AND_REQUEST - plan.end().packets;
    this.clock = startUs;
    seq.start(rng.nextLong(), rng.nextLong());
    next = make();
  }

  /**
   * The 5-tuple of elephant {@code index}: a random client to a popular server's port {@value
   * #SERVER_PORT}, from client port {@link ElephantPlan#FIRST_CLIENT_PORT} + index.
   */
  static Endpoints endpoints(int index, Hosts hosts, Rng rng, boolean v6) {
    int client = hosts.client(rng);
    int server = hosts.server(rng);
    return new Endpoints(
        v6, client, ElephantPlan.FIRST_CLIENT_PORT + index, server, SERVER_PORT, IpProtocol.TCP);
  }

  Endpoints endpoints() {
    return endpoints;
  }

  boolean hasNext() {
    return next != null;
  }

  /** The time of the packet {@link #next} returns. */
  long nextUs() {
    return next.timestampUs;
  }

  /** The next packet; then makes the one after it, if any. */
  SynthPacket next() {
    SynthPacket p = next;
    next = made < plan.packetsEach() ? make() : null;
    return p;
  }

  private SynthPacket make() {
    long i = made++;
    long closeStart = HANDSHAKE_AND_REQUEST + dataPackets;
    if (i == 0) {
      return segment(0, true, TcpFlags.SYN, 0, SynthPacket.FIRST_SYN);
    } else if (i == 1) {
      return segment(rttUs, false, TcpFlags.SYN | TcpFlags.ACK, 0, SynthPacket.SYN_ACK);
    } else if (i == 2) {
      return segment(rng.between(20, 200), true, TcpFlags.ACK, 0, SynthPacket.HANDSHAKE_ACK);
    } else if (i == 3) {
      int request = (int) rng.between(200, 600);
      return segment(
          rng.between(50, 500), true, TcpFlags.PSH | TcpFlags.ACK, request, SynthPacket.DATA);
    } else if (i < closeStart) {
      return data(i - HANDSHAKE_AND_REQUEST);
    }
    return close(i - closeStart);
  }

  /** Data-phase packet {@code k} (of {@link #dataPackets}). */
  private SynthPacket data(long k) {
    long gap = pacedGap() + idleGapBefore(k);
    if (k == dataPackets - 1 || unacked >= 2) {
      unacked = 0;
      return segment(gap, true, TcpFlags.ACK, 0, SynthPacket.PURE_ACK);
    }
    if (lastServerSegment != null && rng.chance(retransmitRate)) {
      clock += gap;
      return lastServerSegment.resentAt(clock, SynthPacket.RETRANSMISSION);
    }
    if (rng.chance(CLIENT_MESSAGE_RATE)) {
      int message = (int) rng.between(40, 400);
      return segment(gap, true, TcpFlags.PSH | TcpFlags.ACK, message, SynthPacket.DATA);
    }
    unacked++;
    int flags = TcpFlags.ACK | (rng.chance(PUSH_RATE) ? TcpFlags.PSH : 0);
    lastServerSegment = segment(gap, false, flags, mss, SynthPacket.DATA);
    return lastServerSegment;
  }

  /** The pacer's gap, jittered (0.5 to 1.5 times its mean). */
  private long pacedGap() {
    long mean = pacer.meanGapUs(clock, plan.packetsEach() - made + 1);
    return Math.max(1, (long) (mean * (0.5 + rng.nextDouble())));
  }

  /**
   * An idle gap of 360–1,200 s before data packet {@code k} if one of the plan's idle gaps falls on
   * it (they are spread evenly over the data), else 0.
   */
  private long idleGapBefore(long k) {
    if (idleGapsMade < plan.idleGaps()
        && k == dataPackets * (idleGapsMade + 1) / (plan.idleGaps() + 1)) {
      idleGapsMade++;
      return rng.between(TrafficGenerator.IDLE_GAP_MIN_US, TrafficGenerator.IDLE_GAP_MAX_US);
    }
    return 0;
  }

  /** Close packet {@code j}: FIN from the client, FIN from the server, last ACK; or one RST. */
  private SynthPacket close(long j) {
    int finAck = TcpFlags.FIN | TcpFlags.ACK;
    return switch (plan.end()) {
      case FIN ->
          j == 0
              ? segment(pacedGap(), true, finAck, 0, SynthPacket.CLOSE)
              : j == 1
                  ? segment(rttUs, false, finAck, 0, SynthPacket.CLOSE)
                  : segment(rng.between(10, 100), true, TcpFlags.ACK, 0, SynthPacket.CLOSE);
      case RST -> segment(pacedGap(), true, TcpFlags.RST | TcpFlags.ACK, 0, SynthPacket.CLOSE);
      case OPEN -> throw new IllegalStateException("an open elephant has no close");
    };
  }

  private SynthPacket segment(long delay, boolean fromClient, int flags, int payload, byte role) {
    clock += Math.max(1, delay);
    return seq.segment(endpoints, clock, fromClient, flags, payload, role);
  }
}
