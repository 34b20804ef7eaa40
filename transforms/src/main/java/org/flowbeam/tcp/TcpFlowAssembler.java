package org.flowbeam.tcp;

import java.util.List;
import java.util.Set;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;

/**
 * Assembles the TCP flows of an in-memory packet list, outside Beam: {@link FlowAssembler} with the
 * rules' protocols narrowed to TCP, whatever they say. Non-TCP packets are ignored.
 *
 * <p>The engine of the comparison with tshark's TCP streams.
 */
public final class TcpFlowAssembler {
  private TcpFlowAssembler() {}

  /**
   * The flows of {@code packets}, ordered by key, then start time. Flows open at the end are named
   * by {@link EndOfDataRule} against the newest packet of any protocol.
   */
  public static List<FlowRecord> assemble(Iterable<Packet> packets, FlowRules rules) {
    return FlowAssembler.assemble(packets, rules.withProtocols(Set.of(FlowProtocol.TCP)));
  }
}
