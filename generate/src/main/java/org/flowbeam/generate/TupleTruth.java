package org.flowbeam.generate;

import java.io.IOException;
import java.util.Map;
import org.flowbeam.model.CloseReason;

/**
 * The expected flows of one 5-tuple's packets, accumulated as they are written: starts a new flow
 * where FlowBeam would (a first SYN, a packet after a gap longer than the idle timeout; a packet
 * after a close joins the closed flow), writes the finished ones to the truth, and checks the
 * invariants that keep every rule's answer clear (see {@link TrafficGenerator}). Shared by the
 * background conversations and the elephants, so both follow the same rules.
 */
final class TupleTruth {
  private final Endpoints endpoints;
  private final TruthWriter truth;
  private final Map<Endpoints, TruthFlow> awaitingNextUse;
  private TruthFlow flow;

  /**
   * @param awaitingNextUse the generator's open flows of finished conversations, by tuple: a new
   *     connection on the tuple settles the one there; {@link #finish} puts an open flow there
   */
  TupleTruth(Endpoints endpoints, TruthWriter truth, Map<Endpoints, TruthFlow> awaitingNextUse) {
    this.endpoints = endpoints;
    this.truth = truth;
    this.awaitingNextUse = awaitingNextUse;
  }

  /** The flow the tuple's packets are building, or null before the first SYN and after finish. */
  TruthFlow openFlow() {
    return flow;
  }

  /** Adds {@code p} to the expected flows, starting a new one where FlowBeam would. */
  void account(SynthPacket p) throws IOException {
    if (p.role == SynthPacket.FIRST_SYN) {
      long idle = GeneratorConfig.IDLE_TIMEOUT_US;
      if (flow != null) {
        truth.write(flow, flow.reasonBeforeNewConnection(p.timestampUs, idle));
      }
      TruthFlow earlier = awaitingNextUse.remove(endpoints);
      if (earlier != null) {
        truth.write(earlier, earlier.reasonBeforeNewConnection(p.timestampUs, idle));
      }
      flow = new TruthFlow(endpoints);
    } else {
      long gap = p.timestampUs - flow.endUs;
      if (gap > GeneratorConfig.IDLE_TIMEOUT_US) {
        check(
            !flow.isTerminated() && gap >= TrafficGenerator.IDLE_GAP_MIN_US,
            "idle gap after a close",
            p);
        truth.write(flow, CloseReason.IDLE_TIMEOUT);
        flow = flow.continuation();
      } else {
        // After a close, a packet without a new SYN joins the closed flow (FlowBeam's default has
        // no close linger limit), so only the idle gap needs a clear answer.
        check(gap <= TrafficGenerator.MAX_ACTIVE_GAP_US, "gap near the idle timeout", p);
      }
    }
    flow.add(p);
  }

  private void check(boolean ok, String what, SynthPacket p) {
    if (!ok) {
      throw new IllegalStateException(
          "generator invariant broken (" + what + ") at " + p.timestampUs + " on " + endpoints);
    }
  }

  /**
   * The tuple's conversation has ended: a terminated flow is written; one still open waits for the
   * tuple's next use (or the idle timeout, or the end of data).
   */
  void finish() throws IOException {
    if (flow == null) {
      return;
    }
    if (flow.isTerminated()) {
      truth.write(flow, flow.terminatedBy);
    } else {
      awaitingNextUse.put(endpoints, flow);
    }
    flow = null;
  }
}
