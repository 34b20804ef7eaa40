package org.flowbeam.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.TcpFlags;

/**
 * Generates synthetic packet traffic, streaming, with the flows FlowBeam must find in it.
 *
 * <h2>Traffic model</h2>
 *
 * <p>New conversations arrive as a Poisson process ({@code connectionsPerSecond}, simulated time).
 * Each is one of the kinds of {@link TrafficMix}: web request/response connections (ports 80 and
 * 443), long SSH sessions, bulk downloads, database-pool connections that go idle well past the
 * idle timeout, other services, refused connections (SYN, RST-ACK), unanswered SYNs that are
 * retried from the same port with a new ISN, DNS/NTP over UDP, and SYN scans (a burst of probes
 * from one source port: SYN only, SYN then RST-ACK, or SYN, SYN-ACK, RST). A TCP connection has a
 * three-way handshake (SYN options included), rounds of a client message and a server answer in
 * MSS-sized segments with ACKs every second segment, think times between rounds, and ends by FIN
 * from the client first or the server first, or by RST from either side. A closed connection may be
 * followed 10 ms–10 s later by a new one on the same 5-tuple with a new ISN (client port reuse).
 * About {@code ipv6Fraction} of conversations use IPv6. Data segments and SYNs are retransmitted
 * (same sequence number, after a timeout) at {@code retransmitRate}; data-phase packets are
 * exchanged with a neighbour at {@code reorderRate}, so a later segment is seen first.
 *
 * <h2>Streaming</h2>
 *
 * <p>Open conversations sit in a priority queue by the time of their next packet; the earliest one
 * writes its packet and, when its small buffer (one chunk of at most a few dozen packets) runs out,
 * makes the next chunk. The output is thus sorted by time, and memory holds at most {@code
 * maxActive} conversations, their chunks, and the SYN-only flows of the last idle timeout (whose
 * close reason depends on the next use of their 5-tuple): flat whatever the output size.
 *
 * <h2>Elephants</h2>
 *
 * <p>With an {@link ElephantPlan}, a few connections of many packets each ({@link
 * ElephantConnection}, paced by {@link ElephantPacer}) sit in the same queue, so their packets
 * interleave in time with the background's. The packet budget is split: the elephants get exactly
 * their packets, the background the rest; once the background has written its share it is frozen
 * (its conversations send nothing more, as if the capture had ended for them) while the elephants
 * finish. Elephants draw from their own random stream and use client ports above the background's,
 * so the background is the same traffic with or without them, up to its budget.
 *
 * <h2>Ground truth</h2>
 *
 * <p>Each conversation accumulates its expected flows ({@link TruthFlow}) as its packets are
 * written, by the rules of {@code src/docs/flow-rules.md} with FlowBeam's defaults (300 s idle
 * timeout, no close linger limit, no active timeout); UDP datagrams make flows per 5-tuple with the
 * 60 s UDP idle timeout ({@link UdpTruth}), whoever's exchanges share the tuple. The traffic is
 * built so that every rule has one clear answer: gaps inside a conversation are at most about a
 * minute or at least 360 s, never near the idle timeout; a retransmitted SYN keeps its ISN;
 * reordering never moves a handshake, FIN or RST packet; nothing follows a close but the last ACK,
 * within milliseconds (so a 2 s close linger, {@code --closeLinger=2}, would find the same flows);
 * a 5-tuple is never used by two conversations at once, and every new connection on it starts with
 * a SYN whose ISN differs from any earlier one of that client (see {@link Hosts#isn}). The
 * generator checks these invariants as it writes and fails rather than write a wrong truth.
 *
 * <pre>{@code
 * GenerationSummary s = TrafficGenerator.generate(config, OutputFormat.PCAP, out, truth);
 * }</pre>
 */
public final class TrafficGenerator {
  /** Gaps inside a conversation are at most this, or more than {@link #IDLE_GAP_MIN_US}. */
  static final long MAX_ACTIVE_GAP_US = 120_000_000L;

  static final long IDLE_GAP_MIN_US = 360_000_000L;
  static final long IDLE_GAP_MAX_US = 1_200_000_000L;

  private static final int CHUNK = 16;

  /** Mixed into the seed for the elephants' own random stream. */
  private static final long ELEPHANT_SEED = 0x454c455048414e54L;

  private static final int[] OTHER_PORTS = {25, 8080, 8443, 445, 3389, 993, 5222, 1883, 389, 636};
  private static final int[] DB_PORTS = {5432, 3306, 6379, 27017};
  private static final int[] CLOSED_PORTS = {23, 8081, 9000, 5900, 135, 111, 2049};

  private final GeneratorConfig config;
  private final Rng rng;
  private final Hosts hosts;
  private final PacketWriter writer;
  private final TruthWriter truth;
  private final PriorityQueue<Actor> queue =
      new PriorityQueue<>(
          Comparator.comparingLong((Actor a) -> a.nextUs).thenComparingLong(a -> a.id));
  private final Set<Endpoints> activeTuples = new HashSet<>();

  /** Background actors polled after the background's packet budget was spent. */
  private final List<Actor> frozen = new ArrayList<>();

  /** Open flows of finished conversations (SYN-only), by tuple, oldest first. */
  private final LinkedHashMap<Endpoints, TruthFlow> awaitingNextUse = new LinkedHashMap<>();

  /** The UDP flows, by tuple. */
  private final UdpTruth udpFlows;

  private long nextId;
  private int active;
  private long packets;
  private long tcpPackets;
  private long elephantPackets;
  private long conversations;
  private long firstUs = -1;
  private long lastUs;
  private boolean stop;

  private TrafficGenerator(
      GeneratorConfig config, Hosts hosts, PacketWriter writer, TruthWriter truth) {
    this.config = config;
    this.rng = new Rng(config.seed());
    this.hosts = hosts;
    this.writer = writer;
    this.truth = truth;
    this.udpFlows = new UdpTruth(truth, GeneratorConfig.UDP_IDLE_TIMEOUT_US);
  }

  /** What a run wrote. */
  public record GenerationSummary(
      long packets,
      long tcpPackets,
      long bytes,
      long flows,
      long conversations,
      long firstUs,
      long lastUs,
      long elephantPackets) {}

  /**
   * Writes the packets to {@code output} in {@code format} and the ground truth to {@code
   * truthFile}.
   */
  public static GenerationSummary generate(
      GeneratorConfig config, OutputFormat format, Path output, Path truthFile) throws IOException {
    Hosts hosts = new Hosts(config.hosts());
    try (TruthWriter truth = new TruthWriter(truthFile, hosts);
        OutputStream out = Outputs.open(output);
        PacketWriter writer = PacketWriter.create(format, out, hosts, config.snaplen())) {
      TrafficGenerator g = new TrafficGenerator(config, hosts, writer, truth);
      g.run();
      writer.close();
      return new GenerationSummary(
          g.packets,
          g.tcpPackets,
          writer.bytes(),
          truth.rows(),
          g.conversations,
          g.firstUs,
          g.lastUs,
          g.elephantPackets);
    }
  }

  private void run() throws IOException {
    queue.add(new Arrivals(config.startUs()));
    addElephants();
    long backgroundBudget = config.backgroundPackets();
    while (!queue.isEmpty()) {
      Actor a = queue.poll();
      if (!(a instanceof Elephant) && packets - elephantPackets >= backgroundBudget) {
        frozen.add(a);
        continue;
      }
      if (a.fire()) {
        queue.add(a);
      }
      if (stop) {
        break;
      }
    }
    finishAll();
  }

  /** Puts the plan's elephants in the queue, each starting within the first second. */
  private void addElephants() {
    ElephantPlan plan = config.elephants();
    Rng elephantRng = new Rng(config.seed() ^ ELEPHANT_SEED);
    ElephantPacer pacer =
        new ElephantPacer(
            config.startUs(), config.backgroundPackets(), () -> packets - elephantPackets);
    for (int i = 0; i < plan.count(); i++) {
      boolean v6 = elephantRng.chance(config.ipv6Fraction());
      Endpoints e = ElephantConnection.endpoints(i, hosts, elephantRng, v6);
      long startUs = config.startUs() + elephantRng.between(0, 1_000_000);
      queue.add(
          new Elephant(
              new ElephantConnection(
                  e, startUs, plan, config.retransmitRate(), elephantRng, pacer)));
    }
  }

  /** Writes a packet; stops the run once the packet or byte budget is reached. */
  private void emit(SynthPacket p) throws IOException {
    writer.write(p);
    packets++;
    if (p.endpoints.protocol() == IpProtocol.TCP) {
      tcpPackets++;
    }
    if (firstUs < 0) {
      firstUs = p.timestampUs;
    }
    lastUs = p.timestampUs;
    if (packets >= config.maxPackets() || writer.bytes() >= config.maxBytes()) {
      stop = true;
    }
    if ((packets & 1023) == 0) {
      settleAwaiting();
      udpFlows.settle(lastUs);
    }
  }

  /**
   * Settles the awaiting flows that ended more than the idle timeout ago: whatever comes next on
   * their tuple, or at the end of data, FlowBeam ends them by the idle timeout.
   */
  private void settleAwaiting() throws IOException {
    Iterator<TruthFlow> it = awaitingNextUse.values().iterator();
    while (it.hasNext()) {
      TruthFlow f = it.next();
      if (lastUs - f.endUs <= GeneratorConfig.IDLE_TIMEOUT_US) {
        break;
      }
      truth.write(f, CloseReason.IDLE_TIMEOUT);
      it.remove();
    }
  }

  /** At the end of data: every open flow gets its end-of-data reason, in a fixed order. */
  private void finishAll() throws IOException {
    List<Actor> left = new ArrayList<>(queue);
    left.addAll(frozen);
    left.sort(Comparator.comparingLong(a -> a.id));
    for (Actor a : left) {
      TruthFlow f = a.openFlow();
      if (f != null) {
        truth.write(f, f.reasonAtEnd(lastUs, GeneratorConfig.IDLE_TIMEOUT_US));
      }
    }
    for (TruthFlow f : awaitingNextUse.values()) {
      truth.write(f, f.reasonAtEnd(lastUs, GeneratorConfig.IDLE_TIMEOUT_US));
    }
    awaitingNextUse.clear();
    udpFlows.finish(lastUs);
  }

  private long newId() {
    return nextId++;
  }

  /** Something in the queue that acts at {@link #nextUs}. */
  private abstract static class Actor {
    final long id;
    long nextUs;

    Actor(long id) {
      this.id = id;
    }

    /** Acts once (at most one packet); returns whether to stay in the queue. */
    abstract boolean fire() throws IOException;

    /** The flow its packets are building, if any: at the end of data it gets its reason. */
    TruthFlow openFlow() {
      return null;
    }
  }

  /** An elephant in the queue: writes its packets and accounts their flows. */
  private final class Elephant extends Actor {
    private final ElephantConnection connection;
    private final TupleTruth flows;

    Elephant(ElephantConnection connection) {
      super(newId());
      this.connection = connection;
      this.flows = new TupleTruth(connection.endpoints(), truth, awaitingNextUse);
      this.nextUs = connection.nextUs();
    }

    @Override
    boolean fire() throws IOException {
      SynthPacket p = connection.next();
      flows.account(p);
      elephantPackets++;
      emit(p);
      if (!connection.hasNext()) {
        flows.finish();
        return false;
      }
      nextUs = connection.nextUs();
      return true;
    }

    @Override
    TruthFlow openFlow() {
      return flows.openFlow();
    }
  }

  /** The Poisson arrival process of new conversations. */
  private final class Arrivals extends Actor {
    private final double[] cumulative;

    Arrivals(long startUs) {
      super(newId());
      this.nextUs = startUs;
      double[] w = config.mix().weights();
      cumulative = new double[w.length];
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        sum += w[i];
        cumulative[i] = sum;
      }
    }

    @Override
    boolean fire() throws IOException {
      double u = rng.nextDouble() * cumulative[cumulative.length - 1];
      int kind = 0;
      while (kind < cumulative.length - 1 && u >= cumulative[kind]) {
        kind++;
      }
      if (active < config.maxActive()) {
        start(kind, nextUs);
      }
      nextUs += Math.max(1, (long) rng.exponential(1e6 / config.connectionsPerSecond()));
      return true;
    }
  }

  private void start(int kindIndex, long now) throws IOException {
    boolean v6 = rng.chance(config.ipv6Fraction());
    switch (kindIndex) {
      case 7 -> add(new UdpExchange(now, v6));
      case 8 -> add(new Scan(now, v6));
      default -> {
        Kind kind = Kind.values()[kindIndex];
        int client = hosts.client(rng);
        int server =
            kind == Kind.IDLE || kind == Kind.OTHER
                ? hosts.infrastructureServer(rng)
                : hosts.server(rng);
        int port =
            switch (kind) {
              case WEB, BULK, UNANSWERED -> rng.chance(0.7) ? 443 : 80;
              case SSH -> 22;
              case IDLE -> DB_PORTS[rng.nextInt(DB_PORTS.length)];
              case OTHER -> OTHER_PORTS[rng.nextInt(OTHER_PORTS.length)];
              case REFUSED -> CLOSED_PORTS[rng.nextInt(CLOSED_PORTS.length)];
              default -> throw new IllegalStateException(kind.name());
            };
        for (int attempt = 0; attempt < 16; attempt++) {
          Endpoints e =
              new Endpoints(
                  v6, client, hosts.nextEphemeralPort(client), server, port, IpProtocol.TCP);
          if (!activeTuples.contains(e)) {
            add(new TcpConversation(kind, e, now));
            return;
          }
        }
      }
    }
  }

  private void add(Actor a) throws IOException {
    if (a instanceof TcpConversation c) {
      activeTuples.add(c.endpoints);
      conversations++;
    }
    active++;
    queue.add(a);
  }

  /** A SYN scan of one target from one source port: one probe conversation per port. */
  private final class Scan extends Actor {
    private final boolean v6;
    private final int scanner;
    private final int target;
    private final int sourcePort;
    private final long intervalUs;
    private int probesLeft;

    Scan(long now, boolean v6) {
      super(newId());
      this.nextUs = now;
      this.v6 = v6;
      this.scanner = hosts.scanner(rng);
      int t = hosts.any(rng);
      this.target = t == scanner ? (t + 1) % hosts.count() : t;
      this.sourcePort = (int) rng.between(Hosts.EPHEMERAL_LOW, Hosts.EPHEMERAL_HIGH);
      this.intervalUs = rng.between(300, 3_000);
      this.probesLeft = (int) rng.between(20, 300);
    }

    @Override
    boolean fire() throws IOException {
      int port = 1 + rng.nextInt(1024);
      double u = rng.nextDouble();
      Kind kind = u < 0.4 ? Kind.PROBE_SILENT : u < 0.9 ? Kind.PROBE_CLOSED : Kind.PROBE_OPEN;
      Endpoints e = new Endpoints(v6, scanner, sourcePort, target, port, IpProtocol.TCP);
      if (!activeTuples.contains(e) && active < config.maxActive()) {
        add(new TcpConversation(kind, e, nextUs));
      }
      nextUs += intervalUs;
      if (--probesLeft == 0) {
        active--;
        return false;
      }
      return true;
    }
  }

  /** A DNS (or NTP) query and its answer over UDP; the query is sometimes repeated. */
  private final class UdpExchange extends Actor {
    private final List<SynthPacket> packets = new ArrayList<>(3);
    private int next;

    UdpExchange(long now, boolean v6) {
      super(newId());
      boolean ntp = rng.chance(0.1);
      Endpoints e =
          new Endpoints(
              v6,
              hosts.client(rng),
              (int) rng.between(Hosts.EPHEMERAL_LOW, Hosts.EPHEMERAL_HIGH),
              hosts.infrastructureServer(rng),
              ntp ? 123 : 53,
              IpProtocol.UDP);
      long t = now + 1;
      int query = ntp ? 48 : (int) rng.between(20, 60);
      packets.add(udp(e, t, true, query));
      if (rng.chance(config.retransmitRate())) {
        t += rng.between(1_000_000, 1_010_000);
        packets.add(udp(e, t, true, query));
      }
      t += rng.logUniform(200, 80_000);
      packets.add(udp(e, t, false, ntp ? 48 : (int) rng.between(60, 400)));
      nextUs = packets.get(0).timestampUs;
    }

    private SynthPacket udp(Endpoints e, long t, boolean fromClient, int payload) {
      SynthPacket p = new SynthPacket(e);
      p.timestampUs = t;
      p.fromClient = fromClient;
      p.payload = payload;
      p.role = SynthPacket.UDP;
      return p;
    }

    @Override
    boolean fire() throws IOException {
      SynthPacket p = packets.get(next++);
      udpFlows.account(p);
      emit(p);
      if (next == packets.size()) {
        active--;
        return false;
      }
      nextUs = packets.get(next).timestampUs;
      return true;
    }
  }

  /** Conversation kinds, in {@link TrafficMix} weight order for the first seven. */
  enum Kind {
    WEB,
    SSH,
    BULK,
    IDLE,
    OTHER,
    REFUSED,
    UNANSWERED,
    PROBE_SILENT,
    PROBE_CLOSED,
    PROBE_OPEN
  }

  private enum Phase {
    HANDSHAKE,
    DATA,
    CLOSE,
    REUSE,
    DONE
  }

  private enum Close {
    CLIENT_FIN,
    SERVER_FIN,
    CLIENT_RST,
    SERVER_RST
  }

  /**
   * One TCP conversation on one 5-tuple: a connection, or several in turn when the client port is
   * reused. Makes its packets a chunk at a time and accumulates the expected flows.
   */
  private final class TcpConversation extends Actor {
    final Endpoints endpoints;
    private Kind kind;
    private final List<SynthPacket> chunk = new ArrayList<>(CHUNK + 8);
    private int next;
    private long clock;
    private Phase phase;
    private long rttUs;
    private final TcpSequences seq = new TcpSequences();
    private int mss;
    private int rounds;
    private int idleGaps;
    private boolean clientSending;
    private long remaining;
    private int unacked;
    private long nextDelay;
    private Close close;
    private long reuseDelay;
    private final TupleTruth flows;

    TcpConversation(Kind kind, Endpoints endpoints, long now) throws IOException {
      super(newId());
      this.kind = kind;
      this.endpoints = endpoints;
      this.flows = new TupleTruth(endpoints, truth, awaitingNextUse);
      this.clock = now;
      this.mss = endpoints.v6() ? 1440 : 1460;
      plan();
      refill();
      nextUs = chunk.get(0).timestampUs;
    }

    /** Chooses the shape of the (next) connection. */
    private void plan() {
      phase = Phase.HANDSHAKE;
      rttUs = rng.logNormal(20_000, 1.0, 200, 300_000);
      seq.client = hosts.isn(endpoints.client());
      seq.server = rng.nextLong() & 0xffffffffL;
      idleGaps = 0;
      unacked = 0;
      rounds =
          switch (kind) {
            case WEB -> (int) rng.between(1, 6);
            case SSH -> (int) rng.between(20, config.mix().sshMaxRounds());
            case BULK -> 1;
            case IDLE -> (int) rng.between(3, 10);
            case OTHER -> (int) rng.between(1, 20);
            default -> 0;
          };
      if (kind == Kind.IDLE) {
        idleGaps = rng.chance(0.3) ? 2 : 1;
      }
      double u = rng.nextDouble();
      close =
          switch (kind) {
            case SSH -> u < 0.9 ? Close.CLIENT_FIN : Close.SERVER_RST;
            case BULK -> u < 0.5 ? Close.CLIENT_FIN : Close.SERVER_FIN;
            default ->
                u < 0.45
                    ? Close.CLIENT_FIN
                    : u < 0.85 ? Close.SERVER_FIN : u < 0.925 ? Close.CLIENT_RST : Close.SERVER_RST;
          };
    }

    @Override
    TruthFlow openFlow() {
      return flows.openFlow();
    }

    @Override
    boolean fire() throws IOException {
      SynthPacket p = chunk.get(next++);
      flows.account(p);
      emit(p);
      if (next == chunk.size() && !refill()) {
        finish();
        return false;
      }
      nextUs = chunk.get(next).timestampUs;
      return true;
    }

    /** The tuple is free again; a flow still open waits for the tuple's next use. */
    private void finish() throws IOException {
      activeTuples.remove(endpoints);
      active--;
      flows.finish();
    }

    /** Makes the next chunk; false when the conversation has no more packets. */
    private boolean refill() {
      chunk.clear();
      next = 0;
      while (chunk.isEmpty()) {
        switch (phase) {
          case HANDSHAKE -> handshake();
          case DATA -> data();
          case CLOSE -> close();
          case REUSE -> {
            clock += reuseDelay;
            if (kind == Kind.UNANSWERED) {
              kind = Kind.WEB;
            }
            plan();
          }
          case DONE -> {
            return false;
          }
        }
      }
      reorder();
      return true;
    }

    private SynthPacket add(boolean fromClient, int flags, int payload, long delay, byte role) {
      clock += Math.max(1, delay);
      SynthPacket p = seq.segment(endpoints, clock, fromClient, flags, payload, role);
      chunk.add(p);
      return p;
    }

    /** The same segment sent again after {@code delay}: same sequence number. */
    private SynthPacket again(SynthPacket o, long delay, byte role) {
      clock += delay;
      SynthPacket p = o.resentAt(clock, role);
      chunk.add(p);
      return p;
    }

    private void synWithRetransmissions(int extra) {
      SynthPacket syn = add(true, TcpFlags.SYN, 0, 1, SynthPacket.FIRST_SYN);
      long rto = 1_000_000;
      for (int i = 0; i < extra || rng.chance(config.retransmitRate()) && i < 2; i++) {
        again(syn, rto + rng.between(0, 10_000), SynthPacket.SYN_RETRANSMISSION);
        rto *= 2;
      }
    }

    private void handshake() {
      switch (kind) {
        case PROBE_SILENT -> {
          synWithRetransmissions(0);
          phase = Phase.DONE;
        }
        case UNANSWERED -> {
          synWithRetransmissions(2);
          reuseDelay = rng.logUniform(100_000, 20_000_000);
          phase = rng.chance(0.5) ? Phase.REUSE : Phase.DONE;
        }
        case REFUSED, PROBE_CLOSED -> {
          if (kind == Kind.REFUSED) {
            synWithRetransmissions(0);
          } else {
            add(true, TcpFlags.SYN, 0, 1, SynthPacket.FIRST_SYN);
          }
          seq.server = 0;
          add(false, TcpFlags.RST | TcpFlags.ACK, 0, rttUs, SynthPacket.CLOSE);
          phase = Phase.DONE;
        }
        case PROBE_OPEN -> {
          add(true, TcpFlags.SYN, 0, 1, SynthPacket.FIRST_SYN);
          add(false, TcpFlags.SYN | TcpFlags.ACK, 0, rttUs, SynthPacket.SYN_ACK);
          add(true, TcpFlags.RST, 0, rng.between(20, 200), SynthPacket.CLOSE);
          phase = Phase.DONE;
        }
        default -> {
          synWithRetransmissions(0);
          add(false, TcpFlags.SYN | TcpFlags.ACK, 0, rttUs, SynthPacket.SYN_ACK);
          add(true, TcpFlags.ACK, 0, rng.between(20, 200), SynthPacket.HANDSHAKE_ACK);
          phase = Phase.DATA;
          clientSending = true;
          remaining = request();
          nextDelay = rng.between(50, 500);
        }
      }
    }

    /** Up to about {@link #CHUNK} data-phase packets. */
    private void data() {
      while (chunk.size() < CHUNK) {
        int seg = (int) Math.min(mss, remaining);
        boolean last = seg == remaining;
        int flags = TcpFlags.ACK | (last ? TcpFlags.PSH : 0);
        SynthPacket d = add(clientSending, flags, seg, nextDelay, SynthPacket.DATA);
        d.swappable = true;
        nextDelay = kind == Kind.BULK ? rng.between(12, 40) : rng.between(15, 150);
        if (rng.chance(config.retransmitRate())) {
          again(
              d, Math.max(200_000, 3 * rttUs) + rng.between(0, 50_000), SynthPacket.RETRANSMISSION);
        }
        remaining -= seg;
        if (++unacked >= 2 || last) {
          add(!clientSending, TcpFlags.ACK, 0, rng.between(5, 200), SynthPacket.PURE_ACK)
                  .swappable =
              true;
          unacked = 0;
        }
        if (!last) {
          continue;
        }
        if (clientSending) {
          clientSending = false;
          remaining = response();
          nextDelay = rng.logUniform(100, 50_000);
          continue;
        }
        if (--rounds == 0) {
          phase = Phase.CLOSE;
          nextDelay = rng.logUniform(100, 50_000);
          return;
        }
        clientSending = true;
        remaining = request();
        if (idleGaps > 0 && rng.chance((double) idleGaps / rounds)) {
          idleGaps--;
          nextDelay = rng.between(IDLE_GAP_MIN_US, IDLE_GAP_MAX_US);
          return;
        }
        nextDelay = think();
      }
    }

    private void close() {
      long small = rng.between(10, 100);
      switch (close) {
        case CLIENT_FIN -> {
          add(true, TcpFlags.FIN | TcpFlags.ACK, 0, nextDelay, SynthPacket.CLOSE);
          add(false, TcpFlags.FIN | TcpFlags.ACK, 0, rttUs, SynthPacket.CLOSE);
          add(true, TcpFlags.ACK, 0, small, SynthPacket.CLOSE);
        }
        case SERVER_FIN -> {
          add(false, TcpFlags.FIN | TcpFlags.ACK, 0, nextDelay, SynthPacket.CLOSE);
          add(true, TcpFlags.ACK, 0, rttUs, SynthPacket.CLOSE);
          add(true, TcpFlags.FIN | TcpFlags.ACK, 0, rng.logUniform(100, 20_000), SynthPacket.CLOSE);
          add(false, TcpFlags.ACK, 0, rttUs, SynthPacket.CLOSE);
        }
        case CLIENT_RST -> add(true, TcpFlags.RST | TcpFlags.ACK, 0, nextDelay, SynthPacket.CLOSE);
        case SERVER_RST -> add(false, TcpFlags.RST | TcpFlags.ACK, 0, nextDelay, SynthPacket.CLOSE);
      }
      boolean reusable = kind == Kind.WEB || kind == Kind.OTHER;
      if (reusable && rng.chance(config.mix().reuseProbability())) {
        reuseDelay = rng.logUniform(10_000, 10_000_000);
        phase = Phase.REUSE;
      } else {
        phase = Phase.DONE;
      }
    }

    /** Exchanges neighbouring data-phase packets (content, not time) at the reorder rate. */
    private void reorder() {
      double p = config.reorderRate() / 2;
      if (p <= 0) {
        return;
      }
      for (int i = 0; i + 1 < chunk.size(); i++) {
        SynthPacket a = chunk.get(i);
        SynthPacket b = chunk.get(i + 1);
        if (a.swappable && b.swappable && rng.chance(p)) {
          a.swapContent(b);
          i++;
        }
      }
    }

    private long request() {
      return switch (kind) {
        case WEB -> rng.between(200, 1500);
        case SSH -> rng.between(36, 120);
        case BULK -> rng.between(200, 600);
        case IDLE -> rng.between(80, 600);
        default -> rng.logNormal(400, 1.0, 20, 20_000);
      };
    }

    private long response() {
      return switch (kind) {
        case WEB -> rng.logNormal(8_000, 1.5, 100, 2_000_000);
        case SSH -> rng.logNormal(100, 1.0, 36, 20_000);
        case BULK -> rng.logUniform(1_000_000, config.mix().bulkMaxBytes());
        case IDLE -> rng.logNormal(800, 1.2, 50, 100_000);
        default -> rng.logNormal(2_000, 1.5, 20, 1_000_000);
      };
    }

    private long think() {
      return switch (kind) {
        case SSH -> 1_000 + Math.min(60_000_000L, (long) rng.exponential(2_000_000));
        case WEB -> rng.logUniform(5_000, 3_000_000);
        case IDLE -> rng.logUniform(1_000, 2_000_000);
        default -> rng.logUniform(1_000, 5_000_000);
      };
    }
  }
}
