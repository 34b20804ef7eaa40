package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;

/**
 * What Zeek's {@code conn.log} says of a flow beyond FlowBeam's own columns: its {@code
 * conn_state}, {@code history}, payload bytes per direction ({@code orig_bytes}, {@code
 * resp_bytes}), IP bytes per direction ({@code orig_ip_bytes}, {@code resp_ip_bytes}), and the time
 * Zeek's {@code duration} ends at (Zeek leaves trailing packets after both sides closed out of it).
 *
 * <p>A byte count is {@link #UNSET} where the input did not give the lengths it is made of (packet
 * CSV has no IP or payload length); {@code history} is empty where it is unknown (TCP from packet
 * CSV: without payload lengths a data packet cannot be told from a pure ACK) or where Zeek keeps
 * none. {@code activeEndUs} is {@link Long#MIN_VALUE} when the flow's own end applies.
 */
public record ConnSummary(
    ConnState state,
    String history,
    long origBytes,
    long respBytes,
    long origIpBytes,
    long respIpBytes,
    long activeEndUs)
    implements Serializable {

  /** A byte count the input cannot give. */
  public static final long UNSET = -1;

  /** A summary that knows nothing but {@link ConnState#OTH} (for flows built by hand in tests). */
  public static final ConnSummary UNKNOWN =
      new ConnSummary(ConnState.OTH, "", UNSET, UNSET, UNSET, UNSET, Long.MIN_VALUE);

  public ConnSummary {
    if (state == null || history == null) {
      throw new IllegalArgumentException("state and history are required");
    }
  }

  /** Writes the summary for {@link #readFrom} (part of {@link FlowRecordCoder}'s encoding). */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeByte(state.ordinal());
    out.writeUTF(history);
    out.writeLong(origBytes);
    out.writeLong(respBytes);
    out.writeLong(origIpBytes);
    out.writeLong(respIpBytes);
    out.writeLong(activeEndUs);
  }

  /** Reads a summary written by {@link #writeTo}. */
  public static ConnSummary readFrom(DataInputStream in) throws IOException {
    int s = in.readUnsignedByte();
    if (s >= ConnState.values().length) {
      throw new StreamCorruptedException("bad conn_state " + s);
    }
    return new ConnSummary(
        ConnState.values()[s],
        in.readUTF(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readLong());
  }
}
