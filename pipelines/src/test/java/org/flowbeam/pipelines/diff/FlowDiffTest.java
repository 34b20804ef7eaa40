package org.flowbeam.pipelines.diff;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlowDiffTest {
  private static FlowRow flow(String a, int ap, String b, int bp, long start, long packets) {
    return new FlowRow(a, ap, b, bp, 6, start, packets, packets * 100, "closed", "fin");
  }

  @Test
  void flowsOnlyOnOneSideChangedAndTheSame() {
    FlowRow same = flow("10.0.0.1", 1000, "10.0.0.2", 80, 5, 10);
    FlowRow grew = flow("10.0.0.1", 1001, "10.0.0.2", 80, 7, 10);
    FlowRow grewInB = flow("10.0.0.1", 1001, "10.0.0.2", 80, 7, 12);
    FlowRow gone = flow("10.0.0.3", 1002, "10.0.0.2", 80, 9, 3);
    FlowRow added = flow("10.0.0.4", 1003, "10.0.0.2", 443, 9, 4);
    FlowDiff.Result r = FlowDiff.compare(List.of(same, grew, gone), List.of(added, grewInB, same));
    assertThat(r.same(), equalTo(1L));
    assertThat(r.changed(), equalTo(1L));
    assertThat(r.onlyInA(), equalTo(1L));
    assertThat(r.onlyInB(), equalTo(1L));
    // In the order of the conversations' text: "10.0.0.1 1001 ...", "10.0.0.2 443 10.0.0.4 ...",
    // "10.0.0.2 80 10.0.0.3 ...".
    assertThat(
        r.differences().stream().map(FlowDiff.Pair::change).toList(),
        contains("changed", "only_b", "only_a"));
  }

  @Test
  void aConversationMatchesWhicheverSideInitiatedAndItsFlowsPairInStartOrder() {
    // B's capture began mid-connection: the server is taken as the initiator.
    FlowRow a = flow("10.0.0.1", 1000, "10.0.0.2", 80, 5, 10);
    FlowRow b = flow("10.0.0.2", 80, "10.0.0.1", 1000, 5, 10);
    assertThat(FlowDiff.compare(List.of(a), List.of(b)).same(), equalTo(1L));
    // Port reuse: three flows of one conversation in A, two in B (the last missing).
    FlowRow first = flow("10.0.0.1", 1000, "10.0.0.2", 80, 1, 4);
    FlowRow second = flow("10.0.0.1", 1000, "10.0.0.2", 80, 20, 4);
    FlowRow third = flow("10.0.0.1", 1000, "10.0.0.2", 80, 40, 4);
    FlowDiff.Result r = FlowDiff.compare(List.of(third, first, second), List.of(second, first));
    assertThat(r.same(), equalTo(2L));
    assertThat(r.differences(), contains(new FlowDiff.Pair(third, null)));
  }
}
