package org.flowbeam.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;

/**
 * Assembles the TCP flows of an in-memory packet list, outside Beam: groups packets by {@link
 * FlowKey}, sorts each key's packets in {@link Packet#EVENT_ORDER} and runs a {@link
 * TcpFlowTracker} over them. Non-TCP packets are ignored.
 *
 * <p>The reference the Beam stages are tested against, and the engine of the command-line
 * comparison with tshark.
 */
public final class TcpFlowAssembler {
  private TcpFlowAssembler() {}

  /**
   * The flows of {@code packets}, ordered by key, then start time. Flows open at the end are named
   * by {@link EndOfDataRule} against the newest packet of any protocol.
   */
  public static List<FlowRecord> assemble(Iterable<Packet> packets, FlowRules rules) {
    Map<FlowKey, List<Packet>> byKey = new TreeMap<>();
    long datasetEnd = Long.MIN_VALUE;
    for (Packet p : packets) {
      datasetEnd = Math.max(datasetEnd, p.timestampMicros());
      if (p.isTcp()) {
        byKey.computeIfAbsent(FlowKey.of(p), k -> new ArrayList<>()).add(p);
      }
    }
    List<FlowRecord> flows = new ArrayList<>();
    for (Map.Entry<FlowKey, List<Packet>> e : byKey.entrySet()) {
      List<Packet> keyPackets = e.getValue();
      keyPackets.sort(Packet.EVENT_ORDER);
      TcpFlowTracker tracker = new TcpFlowTracker(e.getKey(), rules);
      keyPackets.forEach(p -> tracker.accept(p, flows::add));
      tracker.finish(flows::add);
    }
    long end = datasetEnd;
    return flows.stream()
        .map(f -> EndOfDataRule.apply(f, end, rules.idleTimeoutUs()))
        .collect(java.util.stream.Collectors.toList());
  }
}
