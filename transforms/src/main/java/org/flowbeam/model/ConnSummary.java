package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import org.apache.beam.sdk.util.VarInt;

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

  private static final ConnState[] STATES = ConnState.values();

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

  /**
   * Writes the summary for {@link #readFrom} (part of {@link FlowRecordCoder}'s encoding): the
   * state's ordinal, the history, each byte count plus one as a variable-length integer ({@link
   * #UNSET} is one byte), then {@code activeEndUs}: a 0 byte for the flow's own end, else a 1 byte
   * and the time (8 bytes): besides the history, 6 to 14 bytes for most flows, where fixed 8-byte
   * fields would take 41. A count below {@link #UNSET} or of {@link Long#MAX_VALUE} is refused.
   */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeByte(state.ordinal());
    out.writeUTF(history);
    writeCount(out, origBytes);
    writeCount(out, respBytes);
    writeCount(out, origIpBytes);
    writeCount(out, respIpBytes);
    if (activeEndUs == Long.MIN_VALUE) {
      out.writeByte(0);
    } else {
      out.writeByte(1);
      out.writeLong(activeEndUs);
    }
  }

  /** Reads a summary written by {@link #writeTo}. */
  public static ConnSummary readFrom(DataInputStream in) throws IOException {
    int s = in.readUnsignedByte();
    if (s >= STATES.length) {
      throw new StreamCorruptedException("bad conn_state " + s);
    }
    String history = in.readUTF();
    long origBytes = readCount(in);
    long respBytes = readCount(in);
    long origIpBytes = readCount(in);
    long respIpBytes = readCount(in);
    int activeEnd = in.readUnsignedByte();
    if (activeEnd > 1) {
      throw new StreamCorruptedException("bad active-end marker " + activeEnd);
    }
    return new ConnSummary(
        STATES[s],
        history,
        origBytes,
        respBytes,
        origIpBytes,
        respIpBytes,
        activeEnd == 0 ? Long.MIN_VALUE : in.readLong());
  }

  private static void writeCount(DataOutputStream out, long count) throws IOException {
    if (count < UNSET || count == Long.MAX_VALUE) {
      throw new IOException("byte count " + count + " cannot be encoded");
    }
    VarInt.encode(count + 1, out);
  }

  private static long readCount(DataInputStream in) throws IOException {
    long plusOne = VarInt.decodeLong(in);
    if (plusOne < 0) {
      throw new StreamCorruptedException("bad byte count " + plusOne);
    }
    return plusOne - 1;
  }
}
