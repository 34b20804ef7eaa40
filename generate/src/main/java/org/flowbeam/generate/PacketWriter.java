package org.flowbeam.generate;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes generated packets in one file format through its own buffer, counting the bytes of the
 * format (before any gzip), by which the generator's {@code --size} is measured.
 */
abstract class PacketWriter implements Closeable {
  private static final int BUFFER = 1 << 18;

  private final OutputStream out;
  protected final byte[] buf = new byte[BUFFER];
  protected int pos;
  private long flushed;
  private boolean closed;

  protected PacketWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * A writer of {@code format}; captures keep at most {@code snaplen} bytes of each frame (CSV has
   * no frames and ignores it).
   */
  static PacketWriter create(OutputFormat format, OutputStream out, Hosts hosts, int snaplen)
      throws IOException {
    return switch (format) {
      case CSV -> new CsvPacketWriter(out, hosts);
      case PCAP -> new PcapPacketWriter(out, hosts, snaplen);
      case PCAPNG -> new PcapngPacketWriter(out, hosts, snaplen);
    };
  }

  abstract void write(SynthPacket p) throws IOException;

  /** Bytes written so far. */
  long bytes() {
    return flushed + pos;
  }

  /** Makes room for {@code n} more bytes in {@link #buf} (n at most the buffer size). */
  protected void ensure(int n) throws IOException {
    if (pos + n > buf.length) {
      out.write(buf, 0, pos);
      flushed += pos;
      pos = 0;
    }
  }

  protected void putIntLe(int v) {
    buf[pos] = (byte) v;
    buf[pos + 1] = (byte) (v >>> 8);
    buf[pos + 2] = (byte) (v >>> 16);
    buf[pos + 3] = (byte) (v >>> 24);
    pos += 4;
  }

  protected void putShortLe(int v) {
    buf[pos] = (byte) v;
    buf[pos + 1] = (byte) (v >>> 8);
    pos += 2;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (OutputStream o = out) {
      o.write(buf, 0, pos);
      flushed += pos;
      pos = 0;
    }
  }
}
