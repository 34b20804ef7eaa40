package org.flowbeam.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.SharedData.TsharkStream;

/**
 * Compares FlowBeam's flows with tshark's TCP streams on one capture, explaining each difference by
 * a documented FlowBeam rule or reporting it as unexplained.
 *
 * <p>Per conversation (unordered endpoint pair), FlowBeam's consecutive flows are first joined
 * wherever FlowBeam split for a reason tshark does not have: an idle or active timeout (the flows
 * are taken to be assembled with the default idle timeout), or, with a close linger set ({@code
 * --closeLinger}), a packet that arrived more than the close linger after a FIN/RST close (tshark
 * keeps such packets in the stream). Each join is counted as an explained difference under its
 * rule. Where tshark has more streams than that, its consecutive streams are joined where tshark
 * split a connection with no TCP cause (the later stream has no SYN, the earlier neither FIN nor
 * RST: {@code tshark_split_without_syn}). The joined flows must then equal tshark's streams one for
 * one: same start, same packets and bytes in each direction.
 *
 * <p>A conversation that still differs is explained only if the caller names it in {@code
 * frameRules}: conversations holding frames that the two decoders read differently by design
 * (tunnels, IP fragments), found frame by frame by the caller. Each such conversation counts once
 * under its rule; every other difference is unexplained.
 */
public final class TsharkAgreement {
  /** The outcome: explained splits by rule, and every unexplained difference as a line of text. */
  public record Result(
      int tsharkStreams,
      int flowBeamFlows,
      Map<String, Integer> explained,
      List<String> unexplained) {
    public boolean agrees() {
      return unexplained.isEmpty();
    }

    @Override
    public String toString() {
      return "tshark streams="
          + tsharkStreams
          + " flowbeam flows="
          + flowBeamFlows
          + " explained="
          + explained
          + (unexplained.isEmpty() ? "" : " UNEXPLAINED:\n  " + String.join("\n  ", unexplained));
    }
  }

  private TsharkAgreement() {}

  /** The key of the unordered endpoint pair, as {@code frameRules} name conversations. */
  public static String conversation(String ip1, int port1, String ip2, int port2) {
    String a = ip1 + "|" + port1;
    String b = ip2 + "|" + port2;
    return a.compareTo(b) <= 0 ? a + " " + b : b + " " + a;
  }

  /** A FlowBeam flow, or several joined, seen from tshark's side. */
  private static final class Joined {
    final String initiator;
    final long start;
    long end;
    long pktsFromInitiator;
    long pktsToInitiator;
    long bytesFromInitiator;
    long bytesToInitiator;

    Joined(FlowRecord f) {
      initiator = f.initiatorIp() + "|" + f.initiatorPort();
      start = f.startUs();
      add(f);
    }

    void add(FlowRecord f) {
      boolean same = initiator.equals(f.initiatorIp() + "|" + f.initiatorPort());
      end = Math.max(end, f.endUs());
      pktsFromInitiator += same ? f.packetsFwd() : f.packetsRev();
      pktsToInitiator += same ? f.packetsRev() : f.packetsFwd();
      bytesFromInitiator += same ? f.bytesFwd() : f.bytesRev();
      bytesToInitiator += same ? f.bytesRev() : f.bytesFwd();
    }
  }

  /** As {@link #compare(List, List, Map)} with no frame-level explanations. */
  public static Result compare(List<FlowRecord> flows, List<TsharkStream> streams) {
    return compare(flows, streams, Map.of());
  }

  /**
   * Compares {@code flows} with {@code streams}.
   *
   * @param frameRules conversations (as {@link #conversation}) whose frames the two decoders read
   *     differently by design, each with the documented rule; a difference on one of them counts as
   *     explained under its rule
   */
  public static Result compare(
      List<FlowRecord> flows, List<TsharkStream> streams, Map<String, String> frameRules) {
    Map<String, List<FlowRecord>> ours = new TreeMap<>();
    for (FlowRecord f : flows) {
      ours.computeIfAbsent(
              conversation(f.initiatorIp(), f.initiatorPort(), f.responderIp(), f.responderPort()),
              k -> new ArrayList<>())
          .add(f);
    }
    Map<String, List<TsharkStream>> theirs = new TreeMap<>();
    for (TsharkStream s : streams) {
      theirs
          .computeIfAbsent(
              conversation(s.aIp(), s.aPort(), s.bIp(), s.bPort()), k -> new ArrayList<>())
          .add(s);
    }
    Map<String, Integer> explained = new TreeMap<>();
    List<String> unexplained = new ArrayList<>();
    for (String conv : union(ours.keySet(), theirs.keySet())) {
      List<FlowRecord> mine = new ArrayList<>(ours.getOrDefault(conv, List.of()));
      mine.sort(Comparator.comparingLong(FlowRecord::startUs));
      List<Joined> joined = new ArrayList<>();
      FlowRecord previous = null;
      for (FlowRecord f : mine) {
        String rule = previous == null ? null : splitRule(previous, f);
        if (rule != null) {
          explained.merge(rule, 1, Integer::sum);
          joined.get(joined.size() - 1).add(f);
        } else {
          joined.add(new Joined(f));
        }
        previous = f;
      }
      List<TsharkStream> tshark = new ArrayList<>(theirs.getOrDefault(conv, List.of()));
      tshark.sort(
          Comparator.comparingLong(TsharkStream::firstUs).thenComparingInt(TsharkStream::stream));
      if (tshark.size() > joined.size()) {
        tshark = joinTsharkSplits(tshark, explained);
      }
      List<String> differences = new ArrayList<>();
      if (joined.size() != tshark.size()) {
        differences.add(
            conv
                + ": tshark "
                + tshark.size()
                + " streams, flowbeam "
                + joined.size()
                + " (joined) flows");
      }
      for (int i = 0; differences.isEmpty() && i < joined.size(); i++) {
        Joined j = joined.get(i);
        TsharkStream s = tshark.get(i);
        boolean aIsInitiator = j.initiator.equals(s.aIp() + "|" + s.aPort());
        long aToB = aIsInitiator ? j.pktsFromInitiator : j.pktsToInitiator;
        long bToA = aIsInitiator ? j.pktsToInitiator : j.pktsFromInitiator;
        long bytesAtoB = aIsInitiator ? j.bytesFromInitiator : j.bytesToInitiator;
        long bytesBtoA = aIsInitiator ? j.bytesToInitiator : j.bytesFromInitiator;
        if (j.start != s.firstUs()
            || aToB != s.pktsAtoB()
            || bToA != s.pktsBtoA()
            || bytesAtoB != s.bytesAtoB()
            || bytesBtoA != s.bytesBtoA()) {
          differences.add(
              String.format(
                  "%s stream %d: tshark start=%d pkts=%d/%d bytes=%d/%d, flowbeam start=%d"
                      + " pkts=%d/%d bytes=%d/%d",
                  conv,
                  s.stream(),
                  s.firstUs(),
                  s.pktsAtoB(),
                  s.pktsBtoA(),
                  s.bytesAtoB(),
                  s.bytesBtoA(),
                  j.start,
                  aToB,
                  bToA,
                  bytesAtoB,
                  bytesBtoA));
        }
      }
      if (!differences.isEmpty()) {
        String rule = frameRules.get(conv);
        if (rule != null) {
          explained.merge(rule, 1, Integer::sum);
        } else {
          unexplained.addAll(differences);
        }
      }
    }
    return new Result(streams.size(), flows.size(), explained, unexplained);
  }

  /**
   * Joins consecutive tshark streams of one conversation where tshark started a new stream with no
   * TCP cause: the later stream has no SYN and the earlier one neither FIN nor RST. TCP-wise this
   * is one connection (FlowBeam keeps it as one flow); tshark's stream index follows its
   * conversation table, which a dissector can restart mid-connection (seen on VNC, right after the
   * server's RFB version message).
   */
  private static List<TsharkStream> joinTsharkSplits(
      List<TsharkStream> tshark, Map<String, Integer> explained) {
    List<TsharkStream> out = new ArrayList<>();
    for (TsharkStream s : tshark) {
      TsharkStream last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && s.syn() == 0 && last.fin() == 0 && last.rst() == 0) {
        boolean same = last.aIp().equals(s.aIp()) && last.aPort() == s.aPort();
        out.set(
            out.size() - 1,
            new TsharkStream(
                last.stream(),
                last.firstUs(),
                Math.max(last.lastUs(), s.lastUs()),
                last.aIp(),
                last.aPort(),
                last.bIp(),
                last.bPort(),
                last.pktsAtoB() + (same ? s.pktsAtoB() : s.pktsBtoA()),
                last.pktsBtoA() + (same ? s.pktsBtoA() : s.pktsAtoB()),
                last.bytesAtoB() + (same ? s.bytesAtoB() : s.bytesBtoA()),
                last.bytesBtoA() + (same ? s.bytesBtoA() : s.bytesAtoB()),
                last.syn(),
                s.fin(),
                s.rst()));
        explained.merge("tshark_split_without_syn", 1, Integer::sum);
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** The FlowBeam rule that split {@code next} from {@code previous} where tshark would not. */
  private static String splitRule(FlowRecord previous, FlowRecord next) {
    switch (previous.closeReason()) {
      case IDLE_TIMEOUT:
        return "idle_timeout";
      case ACTIVE_TIMEOUT:
        return "active_timeout";
      case FIN:
      case RST:
        // A packet after the close started a flow without a SYN (incomplete_no_syn, or invalid_ack
        // when a SYN-ACK turned up among its packets: no SYN, so not a new connection either). The
        // idle timeout splits after a close as before one; else the close linger did.
        if (next.invalidReason() != InvalidReason.INCOMPLETE_NO_SYN
            && next.invalidReason() != InvalidReason.INVALID_ACK) {
          return null;
        }
        return next.startUs() - previous.endUs() > FlowRules.DEFAULT_IDLE_TIMEOUT_US
            ? "idle_timeout"
            : "close_linger";
      default:
        return null;
    }
  }

  private static List<String> union(Iterable<String> a, Iterable<String> b) {
    java.util.TreeSet<String> s = new java.util.TreeSet<>();
    a.forEach(s::add);
    b.forEach(s::add);
    return new ArrayList<>(s);
  }
}
