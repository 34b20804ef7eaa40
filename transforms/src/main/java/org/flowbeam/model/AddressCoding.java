package org.flowbeam.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.beam.sdk.coders.CoderException;

/**
 * How the coders of {@link Packet} and {@link FlowKey} write a pair of addresses of one family: the
 * address length (1 byte: 4 or 16), then both addresses. Reading refuses any other length.
 */
final class AddressCoding {
  private AddressCoding() {}

  /** Writes {@code a} and {@code b}, of the same length, after that length. */
  static void writePair(DataOutputStream out, byte[] a, byte[] b) throws IOException {
    out.writeByte(a.length);
    out.write(a);
    out.write(b);
  }

  /** Reads the address length that starts a pair: 4 or 16. */
  static int readLength(DataInputStream in) throws IOException {
    int length = in.readUnsignedByte();
    if (length != 4 && length != 16) {
      throw new CoderException("bad address length " + length);
    }
    return length;
  }

  /** Reads one address of the pair. */
  static byte[] readAddress(DataInputStream in, int length) throws IOException {
    byte[] address = new byte[length];
    in.readFully(address);
    return address;
  }
}
