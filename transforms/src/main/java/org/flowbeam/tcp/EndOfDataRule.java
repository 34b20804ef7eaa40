package org.flowbeam.tcp;

import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowRecord;

/**
 * Names the close reason of a flow that was still open when its key's packets ran out.
 *
 * <p>In a bounded run every key's last flow is open at the end of the key's data. If the dataset as
 * a whole went on for longer than the idle timeout after the flow's last packet, the flow would
 * have been ended by the idle timer in a live run: its reason is {@code idle_timeout}. Otherwise it
 * was cut by the end of the input: {@code end_of_data}.
 */
public final class EndOfDataRule {
  private EndOfDataRule() {}

  /** As {@link #apply(FlowRecord, long, long)} with the idle timeout of the flow's protocol. */
  public static FlowRecord apply(FlowRecord flow, long datasetEndUs, FlowRules rules) {
    return apply(flow, datasetEndUs, rules.idleTimeoutUs(flow.protocol()));
  }

  public static FlowRecord apply(FlowRecord flow, long datasetEndUs, long idleTimeoutUs) {
    if (flow.closeReason() == CloseReason.END_OF_DATA
        && datasetEndUs - flow.endUs() > idleTimeoutUs) {
      return flow.withCloseReason(CloseReason.IDLE_TIMEOUT);
    }
    return flow;
  }
}
