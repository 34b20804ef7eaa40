package org.flowbeam.tcp;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.Consumer;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;

/**
 * The state machine of one key's flows, whichever its protocol's: what {@link KeyAssembly} asks of
 * {@link TcpFlowTracker} and {@link DatagramFlowTracker}.
 */
interface FlowTracker {
  void accept(Packet p, Consumer<FlowRecord> out);

  void finish(Consumer<FlowRecord> out);

  long lastPacketUs();

  long openFlowPackets();

  boolean openFlowMayGrowAt(long timeUs);

  void writeTo(DataOutputStream out) throws IOException;
}
