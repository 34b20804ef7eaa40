package org.flowbeam.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;

/**
 * Merges one flow key's {@link PacketFragment}s, in whatever order they arrived, into its flows:
 * decodes their packets, sorts them in {@link Packet#EVENT_ORDER} and runs a {@link TcpFlowTracker}
 * over them, emitting every flow (the open one included). This is what the keyed stage does when a
 * key's timer fires, as plain Java so that a benchmark can measure it alone.
 */
public final class FragmentMerger {
  private FragmentMerger() {}

  /**
   * Assembles the flows of {@code key} from {@code fragments}.
   *
   * @return the number of packets merged
   */
  public static int assemble(
      FlowKey key, Iterable<PacketFragment> fragments, FlowRules rules, Consumer<FlowRecord> out) {
    List<Packet> sorted = new ArrayList<>();
    for (PacketFragment f : fragments) {
      sorted.addAll(f.packets());
    }
    sorted.sort(Packet.EVENT_ORDER);
    TcpFlowTracker tracker = new TcpFlowTracker(key, rules, out);
    sorted.forEach(tracker::accept);
    tracker.finish();
    return sorted.size();
  }
}
