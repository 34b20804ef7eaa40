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
 * A compact, deterministic coder for {@link PacketFragment}: the key, the packet count, the oldest
 * packet time, then the fragment's encoded packets as they are (about 17 bytes a packet instead of
 * about 39 for a lone {@link Packet}). Encoding and decoding copy bytes; no packet is built.
 */
public final class PacketFragmentCoder extends CustomCoder<PacketFragment> {
  private static final PacketFragmentCoder INSTANCE = new PacketFragmentCoder();

  /** The fewest bytes one encoded packet takes: direction, flags, seq, ack, five 1-byte varints. */
  private static final int MIN_PACKET_BYTES = 15;

  /** The most: five 10-byte varints and a tunnel of IPv6 endpoints written out (34 bytes). */
  private static final int MAX_PACKET_BYTES = 94;

  private static final int MAX_BYTES = 1 << 30;

  private PacketFragmentCoder() {}

  public static PacketFragmentCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(PacketFragment f, OutputStream outStream) throws IOException {
    FlowKeyCoder.of().encode(f.key(), outStream);
    VarInt.encode(f.size(), outStream);
    new DataOutputStream(outStream).writeLong(f.oldestUs());
    byte[] bytes = f.encodedUnsafe();
    VarInt.encode(bytes.length, outStream);
    outStream.write(bytes);
  }

  @Override
  public PacketFragment decode(InputStream inStream) throws IOException {
    FlowKey key = FlowKeyCoder.of().decode(inStream);
    int size = VarInt.decodeInt(inStream);
    DataInputStream in = new DataInputStream(inStream);
    long oldestUs = in.readLong();
    int length = VarInt.decodeInt(inStream);
    if (size < 0
        || length < 0
        || length > MAX_BYTES
        || (long) size * MIN_PACKET_BYTES > length
        || (long) size * MAX_PACKET_BYTES < length) {
      throw new CoderException("bad fragment: " + size + " packets in " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new PacketFragment(key, size, oldestUs, bytes);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
