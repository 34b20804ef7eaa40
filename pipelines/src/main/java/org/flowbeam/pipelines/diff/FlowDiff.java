package org.flowbeam.pipelines.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two sets of flows compared flow by flow: flows only in A, only in B, and flows in both whose
 * packets, bytes, state, close reason or tunnel changed ({@link FlowRow#COMPARED}). Flows are
 * matched by their conversation (the two endpoints, in either order, and the protocol, so that a
 * capture started mid-connection still matches); several flows of one conversation (port reuse,
 * timeouts) are paired in the order of their start.
 *
 * <pre>{@code
 * FlowDiff.Result r = FlowDiff.compare(flowsOfA, flowsOfB);
 * r.onlyInA(); r.onlyInB(); r.changed(); r.same();
 * }</pre>
 */
public final class FlowDiff {
  private FlowDiff() {}

  /** A flow and its counterpart: {@code a} or {@code b} is null for a flow only on one side. */
  public record Pair(FlowRow a, FlowRow b) {
    /** {@code only_a}, {@code only_b} or {@code changed}. */
    public String change() {
      return a == null ? "only_b" : b == null ? "only_a" : "changed";
    }
  }

  /** What differs, and how many flows are the same on both sides. */
  public record Result(List<Pair> differences, long same) {
    public long onlyInA() {
      return differences.stream().filter(p -> p.b() == null).count();
    }

    public long onlyInB() {
      return differences.stream().filter(p -> p.a() == null).count();
    }

    public long changed() {
      return differences.stream().filter(p -> p.a() != null && p.b() != null).count();
    }
  }

  /** Compares {@code a} with {@code b}; differences in the order of conversation and start. */
  public static Result compare(List<FlowRow> a, List<FlowRow> b) {
    Map<String, List<FlowRow>> byConversationA = group(a);
    Map<String, List<FlowRow>> byConversationB = group(b);
    TreeMap<String, Boolean> conversations = new TreeMap<>();
    byConversationA.keySet().forEach(k -> conversations.put(k, true));
    byConversationB.keySet().forEach(k -> conversations.put(k, true));
    List<Pair> differences = new ArrayList<>();
    long same = 0;
    for (String conversation : conversations.keySet()) {
      List<FlowRow> inA = byConversationA.getOrDefault(conversation, List.of());
      List<FlowRow> inB = byConversationB.getOrDefault(conversation, List.of());
      for (int i = 0; i < Math.max(inA.size(), inB.size()); i++) {
        FlowRow x = i < inA.size() ? inA.get(i) : null;
        FlowRow y = i < inB.size() ? inB.get(i) : null;
        if (x != null && y != null && x.sameAs(y)) {
          same++;
        } else {
          differences.add(new Pair(x, y));
        }
      }
    }
    return new Result(differences, same);
  }

  private static Map<String, List<FlowRow>> group(List<FlowRow> flows) {
    Map<String, List<FlowRow>> m = new TreeMap<>();
    for (FlowRow f : flows) {
      m.computeIfAbsent(f.conversation(), k -> new ArrayList<>()).add(f);
    }
    m.values().forEach(l -> l.sort(Comparator.comparingLong(FlowRow::startUs)));
    return m;
  }
}
