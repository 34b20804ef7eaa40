package org.flowbeam.pipelines.diff;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.flowbeam.io.sink.RecordFormats;
import org.junit.jupiter.api.Test;

class FlowDiffTest {
  private static FlowRow flow(String a, int ap, String b, int bp, long start, long packets) {
    return tunnelled(a, ap, b, bp, start, packets, "", "", "");
  }

  /** A flow of {@code packets} seen in a tunnel of {@code type} ("" for none) between two ends. */
  private static FlowRow tunnelled(
      String a,
      int ap,
      String b,
      int bp,
      long start,
      long packets,
      String type,
      String outerSrc,
      String outerDst) {
    Map<String, String> row = new HashMap<>();
    row.put("initiator_ip", a);
    row.put("initiator_port", String.valueOf(ap));
    row.put("responder_ip", b);
    row.put("responder_port", String.valueOf(bp));
    row.put("protocol", "6");
    row.put("start_us", String.valueOf(start));
    row.put("packets", String.valueOf(packets));
    row.put("bytes", String.valueOf(packets * 100));
    row.put("state", "closed");
    row.put("close_reason", "fin");
    row.put("tunnel_type", type);
    row.put("tunnel_src_ip", outerSrc);
    row.put("tunnel_dst_ip", outerDst);
    row.put("tunnel_other_packets", "0");
    return FlowRow.of(c -> Objects.requireNonNull(row.get(c), c));
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

  @Test
  void aFlowInAnotherTunnelIsChangedAndItsEndsAreComparedAsTheFlowIsOriented() {
    FlowRow gre =
        tunnelled("10.0.0.1", 1000, "10.0.0.2", 80, 5, 10, "gre", "192.0.2.1", "192.0.2.2");
    FlowRow vxlan =
        tunnelled("10.0.0.1", 1000, "10.0.0.2", 80, 5, 10, "vxlan", "192.0.2.1", "192.0.2.2");
    FlowRow otherEnd =
        tunnelled("10.0.0.1", 1000, "10.0.0.2", 80, 5, 10, "gre", "192.0.2.1", "192.0.2.9");
    assertThat(gre.differingColumns(vxlan), contains("tunnel_type"));
    assertThat(gre.differingColumns(otherEnd), contains("tunnel_dst_ip"));
    assertThat(
        gre.differingColumns(flow("10.0.0.1", 1000, "10.0.0.2", 80, 5, 10)),
        contains("tunnel_type", "tunnel_src_ip", "tunnel_dst_ip"));
    FlowDiff.Result r = FlowDiff.compare(List.of(gre), List.of(vxlan));
    assertThat(r.changed(), equalTo(1L));
    assertThat(r.differences(), contains(new FlowDiff.Pair(gre, vxlan)));
    // B took the server as the initiator: its outer source is the server's side, A's outer
    // destination; the same tunnel.
    FlowRow reversed =
        tunnelled("10.0.0.2", 80, "10.0.0.1", 1000, 5, 10, "gre", "192.0.2.2", "192.0.2.1");
    assertThat(FlowDiff.compare(List.of(gre), List.of(reversed)).same(), equalTo(1L));
    FlowRow reversedAsA =
        tunnelled("10.0.0.2", 80, "10.0.0.1", 1000, 5, 10, "gre", "192.0.2.1", "192.0.2.2");
    assertThat(gre.differingColumns(reversedAsA), contains("tunnel_src_ip", "tunnel_dst_ip"));
  }

  @Test
  void theColumnsReadAreThoseOfTheFlowsFormatWithItsTunnelColumns() {
    List<String> flows = RecordFormats.FLOWS.columns();
    assertThat(flows.containsAll(FlowRow.MATCHED), equalTo(true));
    assertThat(flows.containsAll(FlowRow.COMPARED), equalTo(true));
    assertThat(
        FlowRow.COMPARED.subList(FlowRow.COMPARED.size() - 4, FlowRow.COMPARED.size()),
        equalTo(flows.subList(flows.size() - 4, flows.size())));
  }
}
