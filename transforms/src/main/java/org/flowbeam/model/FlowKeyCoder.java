package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * A compact, deterministic coder for {@link FlowKey}: 14 bytes for IPv4, 38 for IPv6, and 2 more
 * for an ICMP key with an identifier ({@link FlowKey#hasIcmpId()}), after the protocol.
 */
public final class FlowKeyCoder extends CustomCoder<FlowKey> {
  private static final FlowKeyCoder INSTANCE = new FlowKeyCoder();

  private FlowKeyCoder() {}

  public static FlowKeyCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(FlowKey k, OutputStream outStream) throws IOException {
    DataOutputStream out = new DataOutputStream(outStream);
    AddressCoding.writePair(out, k.ipAUnsafe(), k.ipBUnsafe());
    out.writeShort(k.portA());
    out.writeShort(k.portB());
    out.writeByte(k.protocol());
    if (k.hasIcmpId()) {
      out.writeShort(k.icmpId());
    }
    out.flush();
  }

  @Override
  public FlowKey decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    int length = AddressCoding.readLength(in);
    byte[] a = AddressCoding.readAddress(in, length);
    byte[] b = AddressCoding.readAddress(in, length);
    int portA = in.readUnsignedShort();
    int portB = in.readUnsignedShort();
    int protocol = in.readUnsignedByte();
    int icmpId = FlowKey.identifies(protocol, portA, portB) ? in.readUnsignedShort() : 0;
    return new FlowKey(a, portA, b, portB, protocol, icmpId);
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
