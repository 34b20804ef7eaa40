package org.flowbeam.generate;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.flowbeam.model.CloseReason;

/**
 * The expected UDP flows, accumulated as the datagrams are written, by FlowBeam's UDP rules ({@code
 * src/docs/flow-rules.md}): one flow per 5-tuple until a gap longer than the UDP idle timeout,
 * after which the next datagram starts a new flow; whoever sends a flow's first datagram is its
 * initiator. Two exchanges that happen to share a 5-tuple within the idle timeout are one flow, as
 * FlowBeam sees them.
 *
 * <p>It holds the flows active within the last idle timeout (plus the lag of {@link #settle}),
 * oldest activity first, so its memory stays flat. The generator's UDP exchanges always begin with
 * the client's query, so a flow's initiator is the tuple's client; a flow that would begin with the
 * server's datagram fails the generation rather than write a wrong truth.
 *
 * <pre>{@code
 * UdpTruth udp = new UdpTruth(truth, GeneratorConfig.UDP_IDLE_TIMEOUT_US);
 * udp.account(p);          // each UDP datagram, in time order
 * udp.settle(nowUs);       // from time to time
 * udp.finish(lastUs);      // at the end of data
 * }</pre>
 */
final class UdpTruth {
  private final TruthWriter truth;
  private final long idleTimeoutUs;

  /** Open flows by tuple, in the order of their last datagram (access order). */
  private final LinkedHashMap<Endpoints, TruthFlow> open = new LinkedHashMap<>(64, 0.75f, true);

  UdpTruth(TruthWriter truth, long idleTimeoutUs) {
    this.truth = truth;
    this.idleTimeoutUs = idleTimeoutUs;
  }

  /** Adds datagram {@code p}, the newest written, to its tuple's flow or a new one. */
  void account(SynthPacket p) throws IOException {
    TruthFlow f = open.get(p.endpoints);
    if (f != null && p.timestampUs - f.endUs > idleTimeoutUs) {
      truth.write(f, CloseReason.IDLE_TIMEOUT);
      open.remove(p.endpoints);
      f = null;
    }
    if (f == null) {
      if (!p.fromClient) {
        throw new IllegalStateException(
            "a UDP flow would begin with the server's datagram at " + p.timestampUs + " µs");
      }
      f = new TruthFlow(p.endpoints);
      open.put(p.endpoints, f);
    }
    f.add(p);
  }

  /**
   * Writes the flows whose last datagram is more than the idle timeout before {@code nowUs}: any
   * later datagram on their tuple starts a new flow, and at the end of data they are idle.
   */
  void settle(long nowUs) throws IOException {
    Iterator<TruthFlow> it = open.values().iterator();
    while (it.hasNext()) {
      TruthFlow f = it.next();
      if (nowUs - f.endUs <= idleTimeoutUs) {
        break;
      }
      truth.write(f, CloseReason.IDLE_TIMEOUT);
      it.remove();
    }
  }

  /** At the end of data, {@code datasetEndUs}: every open flow with its end-of-data reason. */
  void finish(long datasetEndUs) throws IOException {
    for (TruthFlow f : open.values()) {
      truth.write(f, f.reasonAtEnd(datasetEndUs, idleTimeoutUs));
    }
    open.clear();
  }

  /** Flows open now. */
  int openFlows() {
    return open.size();
  }
}
