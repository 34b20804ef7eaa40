package org.flowbeam.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;

/**
 * Assembles the flows of an in-memory packet list, outside Beam: groups the packets of the rules'
 * protocols ({@link FlowRules#protocols()}) by {@link FlowKey}, sorts each key's packets in {@link
 * Packet#EVENT_ORDER} and runs the key's tracker over them in one pass: {@link TcpFlowTracker} for
 * TCP, {@link DatagramFlowTracker} for UDP and ICMP. Packets of other protocols make no flows.
 *
 * <p>The reference the Beam stages are tested against.
 *
 * <pre>{@code
 * List<FlowRecord> flows = FlowAssembler.assemble(packets, FlowRules.defaults());
 * }</pre>
 */
public final class FlowAssembler {
  private FlowAssembler() {}

  /**
   * The flows of {@code packets}, ordered by key, then start time. Flows open at the end are named
   * by {@link EndOfDataRule} against the newest packet of any protocol.
   */
  public static List<FlowRecord> assemble(Iterable<Packet> packets, FlowRules rules) {
    Map<FlowKey, List<Packet>> byKey = new TreeMap<>();
    long datasetEnd = Long.MIN_VALUE;
    for (Packet p : packets) {
      datasetEnd = Math.max(datasetEnd, p.timestampMicros());
      if (rules.makesFlows(p.protocol())) {
        byKey.computeIfAbsent(FlowKey.of(p), k -> new ArrayList<>()).add(p);
      }
    }
    List<FlowRecord> flows = new ArrayList<>();
    for (Map.Entry<FlowKey, List<Packet>> e : byKey.entrySet()) {
      List<Packet> keyPackets = e.getValue();
      keyPackets.sort(Packet.EVENT_ORDER);
      if (e.getKey().protocol() == IpProtocol.TCP) {
        TcpFlowTracker tracker = new TcpFlowTracker(e.getKey(), rules);
        keyPackets.forEach(p -> tracker.accept(p, flows::add));
        tracker.finish(flows::add);
      } else {
        DatagramFlowTracker tracker = new DatagramFlowTracker(e.getKey(), rules);
        keyPackets.forEach(p -> tracker.accept(p, flows::add));
        tracker.finish(flows::add);
      }
    }
    long end = datasetEnd;
    flows.replaceAll(f -> EndOfDataRule.apply(f, end, rules));
    return flows;
  }
}
