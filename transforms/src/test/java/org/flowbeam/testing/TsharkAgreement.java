package org.flowbeam.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.testing.SharedData.TsharkStream;

/**
 * Compares FlowBeam's flows with tshark's TCP streams on one capture, explaining each difference
 * by a documented FlowBeam rule or reporting it as unexplained.
 *
 * <p>Per conversation (unordered endpoint pair), FlowBeam's consecutive flows are first joined
 * wherever FlowBeam split for a reason tshark does not have: an idle or active timeout, or a
 * packet that arrived more than the close linger after a FIN/RST close (tshark keeps such packets
 * in the stream). Each join is counted as an explained difference under its rule. The joined
 * flows must then equal tshark's streams one for one: same start, same packets and bytes in each
 * direction.
 */
public final class TsharkAgreement {
  /** The outcome: explained splits by rule, and every unexplained difference as a line of text. */
  public record Result(
      int tsharkStreams, int flowBeamFlows, Map<String, Integer> explained, List<String> unexplained) {
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

  private static String conversation(String ip1, int port1, String ip2, int port2) {
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

  public static Result compare(List<FlowRecord> flows, List<TsharkStream> streams) {
    Map<String, List<FlowRecord>> ours = new TreeMap<>();
    for (FlowRecord f : flows) {
      ours.computeIfAbsent(
              conversation(f.initiatorIp(), f.initiatorPort(), f.responderIp(), f.responderPort()),
              k -> new ArrayList<>())
          .add(f);
    }
    Map<String, List<TsharkStream>> theirs = new TreeMap<>();
    for (TsharkStream s : streams) {
      theirs.computeIfAbsent(conversation(s.aIp(), s.aPort(), s.bIp(), s.bPort()), k -> new ArrayList<>())
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
      tshark.sort(Comparator.comparingLong(TsharkStream::firstUs).thenComparingInt(TsharkStream::stream));
      if (joined.size() != tshark.size()) {
        unexplained.add(
            conv + ": tshark " + tshark.size() + " streams, flowbeam " + joined.size() + " (joined) flows");
        continue;
      }
      for (int i = 0; i < joined.size(); i++) {
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
          unexplained.add(
              String.format(
                  "%s stream %d: tshark start=%d pkts=%d/%d bytes=%d/%d, flowbeam start=%d pkts=%d/%d bytes=%d/%d",
                  conv, s.stream(), s.firstUs(), s.pktsAtoB(), s.pktsBtoA(), s.bytesAtoB(), s.bytesBtoA(),
                  j.start, aToB, bToA, bytesAtoB, bytesBtoA));
        }
      }
    }
    return new Result(streams.size(), flows.size(), explained, unexplained);
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
        return next.invalidReason() == InvalidReason.INCOMPLETE_NO_SYN ? "close_linger" : null;
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
