package org.flowbeam.generate;

import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.TcpFlags;

/**
 * The expected FlowBeam flow that a conversation's packets are building, accumulated as the packets
 * are written. A UDP flow ({@link UdpTruth}) has no handshake: its state is whether both sides
 * sent.
 *
 * <p>The generator decides where flows begin (a conversation's first SYN, a packet after an idle
 * gap it inserted) and knows each packet's role, so it follows the handshake by role rather than by
 * re-deriving it from flags and sequence numbers: SYN, then SYN-ACK, then the handshake ACK
 * complete it, as {@code src/docs/flow-rules.md} defines. FIN from both directions or a RST
 * terminates the flow; the first termination wins, as in FlowBeam.
 */
final class TruthFlow {
  final Endpoints endpoints;
  long startUs;
  long endUs;
  long packetsFwd;
  long packetsRev;
  long bytesFwd;
  long bytesRev;
  private boolean syn;
  private boolean synAck;
  private boolean established;
  private boolean finFwd;
  private boolean finRev;
  CloseReason terminatedBy;

  TruthFlow(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** The flow after an idle-timeout split: same connection, handshake and FINs carried over. */
  TruthFlow continuation() {
    TruthFlow c = new TruthFlow(endpoints);
    c.syn = syn;
    c.synAck = synAck;
    c.established = established;
    c.finFwd = finFwd;
    c.finRev = finRev;
    return c;
  }

  void add(SynthPacket p) {
    int len = p.wireLength();
    if (packetsFwd + packetsRev == 0) {
      startUs = p.timestampUs;
    }
    endUs = p.timestampUs;
    if (p.fromClient) {
      packetsFwd++;
      bytesFwd += len;
    } else {
      packetsRev++;
      bytesRev += len;
    }
    switch (p.role) {
      case SynthPacket.FIRST_SYN -> syn = true;
      case SynthPacket.SYN_ACK -> synAck = syn;
      case SynthPacket.HANDSHAKE_ACK -> established = synAck;
      default -> {}
    }
    if (terminatedBy != null) {
      return;
    }
    if ((p.flags & TcpFlags.RST) != 0) {
      terminatedBy = CloseReason.RST;
    } else if ((p.flags & TcpFlags.FIN) != 0) {
      if (p.fromClient) {
        finFwd = true;
      } else {
        finRev = true;
      }
      if (finFwd && finRev) {
        terminatedBy = CloseReason.FIN;
      }
    }
  }

  boolean isTerminated() {
    return terminatedBy != null;
  }

  FlowState state() {
    if (endpoints.protocol() != IpProtocol.TCP) {
      return packetsFwd > 0 && packetsRev > 0 ? FlowState.BIDIRECTIONAL : FlowState.UNIDIRECTIONAL;
    }
    if (!established) {
      return FlowState.INVALID;
    }
    if (terminatedBy == CloseReason.FIN) {
      return FlowState.CLOSED;
    }
    return terminatedBy == CloseReason.RST ? FlowState.ABORTED : FlowState.ONGOING;
  }

  /**
   * The close reason when the tuple's next packet, at {@code nextUs}, starts a new connection (a
   * SYN with a new ISN): a terminated flow keeps how it terminated; an open one ends by the idle
   * timeout if the gap exceeds it, which FlowBeam checks first, else by port reuse.
   */
  CloseReason reasonBeforeNewConnection(long nextUs, long idleTimeoutUs) {
    if (terminatedBy != null) {
      return terminatedBy;
    }
    return nextUs - endUs > idleTimeoutUs ? CloseReason.IDLE_TIMEOUT : CloseReason.PORT_REUSE;
  }

  /**
   * The close reason of a flow still open when the data ends at {@code datasetEndUs}: FlowBeam's
   * end-of-data rule ({@code idle_timeout} if the dataset ran on for more than the idle timeout).
   */
  CloseReason reasonAtEnd(long datasetEndUs, long idleTimeoutUs) {
    if (terminatedBy != null) {
      return terminatedBy;
    }
    return datasetEndUs - endUs > idleTimeoutUs
        ? CloseReason.IDLE_TIMEOUT
        : CloseReason.END_OF_DATA;
  }
}
