package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;

/** A deterministic coder for {@link FlowRecord}, retained packets included. */
public final class FlowRecordCoder extends CustomCoder<FlowRecord> {
  private static final FlowRecordCoder INSTANCE = new FlowRecordCoder();
  private static final int MAX_RETAINED_PACKETS = 100_000_000;

  // values() copies its array on every call; a decode reads three of them.
  private static final FlowState[] STATES = FlowState.values();
  private static final InvalidReason[] INVALID_REASONS = InvalidReason.values();
  private static final CloseReason[] CLOSE_REASONS = CloseReason.values();

  private FlowRecordCoder() {}

  public static FlowRecordCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(FlowRecord f, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeUTF(f.flowId());
    out.writeUTF(f.initiatorIp());
    out.writeShort(f.initiatorPort());
    out.writeUTF(f.responderIp());
    out.writeShort(f.responderPort());
    out.writeByte(f.protocol());
    out.writeLong(f.startUs());
    out.writeLong(f.endUs());
    out.flush();
    VarInt.encode(f.packetsFwd(), outStream);
    VarInt.encode(f.packetsRev(), outStream);
    VarInt.encode(f.bytesFwd(), outStream);
    VarInt.encode(f.bytesRev(), outStream);
    FlagCounts.coder().encode(f.flagCounts(), outStream);
    out.writeBoolean(f.handshakeComplete());
    out.writeByte(f.state().ordinal());
    out.writeByte(f.invalidReason().ordinal());
    out.writeByte(f.closeReason().ordinal());
    f.conn().writeTo(out);
    f.tunnel().writeTo(out);
    out.flush();
    VarInt.encode(f.packets().size(), outStream);
    for (Packet p : f.packets()) {
      PacketCoder.of().encode(p, outStream);
    }
  }

  @Override
  public FlowRecord decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    String id = in.readUTF();
    String initiatorIp = in.readUTF();
    int initiatorPort = in.readUnsignedShort();
    String responderIp = in.readUTF();
    int responderPort = in.readUnsignedShort();
    int protocol = in.readUnsignedByte();
    long start = in.readLong();
    long end = in.readLong();
    long pf = VarInt.decodeLong(inStream);
    long pr = VarInt.decodeLong(inStream);
    long bf = VarInt.decodeLong(inStream);
    long br = VarInt.decodeLong(inStream);
    FlagCounts flags = FlagCounts.coder().decode(inStream);
    boolean handshake = in.readBoolean();
    FlowState state = ordinal(STATES, in.readUnsignedByte(), "flow state");
    InvalidReason invalid = ordinal(INVALID_REASONS, in.readUnsignedByte(), "invalid reason");
    CloseReason close = ordinal(CLOSE_REASONS, in.readUnsignedByte(), "close reason");
    ConnSummary conn = ConnSummary.readFrom(in);
    FlowTunnel tunnel = FlowTunnel.readFrom(in);
    int n = VarInt.decodeInt(inStream);
    if (n < 0 || n > MAX_RETAINED_PACKETS) {
      throw new CoderException("bad retained packet count " + n);
    }
    List<Packet> packets = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      packets.add(PacketCoder.of().decode(inStream));
    }
    return new FlowRecord(
        id,
        initiatorIp,
        initiatorPort,
        responderIp,
        responderPort,
        protocol,
        start,
        end,
        pf,
        pr,
        bf,
        br,
        flags,
        handshake,
        state,
        invalid,
        close,
        conn,
        tunnel,
        packets);
  }

  private static <E> E ordinal(E[] values, int ordinal, String what) throws CoderException {
    if (ordinal >= values.length) {
      throw new CoderException("bad " + what + " " + ordinal);
    }
    return values[ordinal];
  }

  @Override
  public void verifyDeterministic() {}

  /** Keeps the singleton when Java serialization (a runner shipping the coder) reads it back. */
  private Object readResolve() {
    return INSTANCE;
  }
}
