package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * A compact, deterministic coder for {@link Packet}: about 40 bytes for an IPv4 packet.
 *
 * <p>Layout: timestamp (8 bytes), address family (1 byte: 4 or 16) and both addresses, ports (2
 * bytes each), protocol (1 byte), flags (2 bytes: all twelve TCP flag bits), seq and ack (4 bytes
 * each), length and source offset as var-ints, the IP and payload lengths plus one as var-ints (0:
 * unknown), then the tunnel: its {@link TunnelType#code()} (1 byte, 0 for none) and, only when
 * there is one, its outer addresses as a pair (address length, both addresses). A packet outside a
 * tunnel costs one byte more than before tunnels were carried.
 */
public final class PacketCoder extends CustomCoder<Packet> {
  private static final PacketCoder INSTANCE = new PacketCoder();

  private PacketCoder() {}

  public static PacketCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Packet p, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    out.writeLong(p.timestampMicros());
    AddressCoding.writePair(out, p.srcIpUnsafe(), p.dstIpUnsafe());
    out.writeShort(p.srcPort());
    out.writeShort(p.dstPort());
    out.writeByte(p.protocol());
    out.writeShort(p.flags());
    out.writeInt((int) p.seq());
    out.writeInt((int) p.ack());
    out.flush();
    VarInt.encode(p.length(), outStream);
    VarInt.encode(p.sourceOffset(), outStream);
    VarInt.encode(p.ipLength() + 1, outStream);
    VarInt.encode(p.payloadLength() + 1, outStream);
    Tunnel t = p.tunnel();
    if (t == null) {
      outStream.write(0);
    } else {
      out.writeByte(t.type().code());
      AddressCoding.writePair(out, t.outerSrcIpUnsafe(), t.outerDstIpUnsafe());
      out.flush();
    }
  }

  /** Reads the tunnel {@link #encode} wrote last: null for none. */
  static Tunnel decodeTunnel(DataInputStream in) throws IOException {
    int code = in.readUnsignedByte();
    if (code == 0) {
      return null;
    }
    if (code > TunnelType.values().length) {
      throw new CoderException("bad tunnel type " + code);
    }
    int length = AddressCoding.readLength(in);
    return new Tunnel(
        TunnelType.ofCode(code),
        AddressCoding.readAddress(in, length),
        AddressCoding.readAddress(in, length));
  }

  @Override
  public Packet decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    long ts = in.readLong();
    int length = AddressCoding.readLength(in);
    byte[] src = AddressCoding.readAddress(in, length);
    byte[] dst = AddressCoding.readAddress(in, length);
    return Packet.builder()
        .timestampMicros(ts)
        .srcIp(src)
        .dstIp(dst)
        .srcPort(in.readUnsignedShort())
        .dstPort(in.readUnsignedShort())
        .protocol(in.readUnsignedByte())
        .flags(in.readUnsignedShort())
        .seq(in.readInt() & 0xffffffffL)
        .ack(in.readInt() & 0xffffffffL)
        .length(VarInt.decodeInt(inStream))
        .sourceOffset(VarInt.decodeLong(inStream))
        .ipLength(VarInt.decodeInt(inStream) - 1)
        .payloadLength(VarInt.decodeInt(inStream) - 1)
        .tunnel(decodeTunnel(in))
        .build();
  }

  @Override
  public void verifyDeterministic() {}

  /** Keeps the singleton when Java serialization (a runner shipping the coder) reads it back. */
  private Object readResolve() {
    return INSTANCE;
  }

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
