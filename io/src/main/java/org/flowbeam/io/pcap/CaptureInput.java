package org.flowbeam.io.pcap;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A large reusable buffer over a seekable channel (uncompressed files) or a forward-only stream
 * (decompressed gzip), addressed by absolute file offset.
 *
 * <p>Callers ask for a window {@code [pos, pos + n)} with {@link #request}; the data is then read
 * from {@link #array()} at {@link #index(long)}. The buffer only grows when a caller asks for a
 * window larger than it, and callers bound every such size first.
 */
final class CaptureInput implements Closeable {
  static final int DEFAULT_BUFFER = 4 << 20;

  private final SeekableByteChannel channel;
  private final InputStream stream;
  private byte[] buf;
  private ByteBuffer view;

  /** File offset of {@code buf[0]}. */
  private long bufPos;

  /** Valid bytes in {@code buf}. */
  private int lim;

  /** True once the underlying input returned end of file after {@code bufPos + lim}. */
  private boolean eof;

  private CaptureInput(SeekableByteChannel channel, InputStream stream, int bufferSize) {
    this.channel = channel;
    this.stream = stream;
    this.buf = new byte[bufferSize];
    this.view = ByteBuffer.wrap(buf);
  }

  static CaptureInput of(SeekableByteChannel channel, long start, int bufferSize)
      throws IOException {
    CaptureInput in = new CaptureInput(channel, null, bufferSize);
    channel.position(start);
    in.bufPos = start;
    return in;
  }

  /** A forward-only input; offsets count from the stream's first byte. */
  static CaptureInput of(InputStream stream, int bufferSize) {
    return new CaptureInput(null, stream, bufferSize);
  }

  boolean seekable() {
    return channel != null;
  }

  byte[] array() {
    return buf;
  }

  /** Index in {@link #array()} of file offset {@code pos}, valid after a {@link #request}. */
  int index(long pos) {
    return (int) (pos - bufPos);
  }

  /** Bytes available from {@code pos} in the buffer (after a {@link #request} of {@code pos}). */
  int available(long pos) {
    long a = bufPos + lim - pos;
    return a < 0 ? 0 : (int) a;
  }

  /**
   * Makes {@code [pos, pos + n)} available in the buffer.
   *
   * @return false if the input ends before {@code pos + n}; then {@link #available} tells how many
   *     bytes from {@code pos} exist
   */
  boolean request(long pos, int n) throws IOException {
    if (pos >= bufPos && pos + n <= bufPos + lim) {
      return true;
    }
    if (n < 0) {
      throw new IllegalArgumentException("negative request " + n);
    }
    if (pos >= bufPos && pos <= bufPos + lim) {
      int keep = (int) (bufPos + lim - pos);
      if (eof) {
        return false;
      }
      if (n > buf.length) {
        byte[] bigger = new byte[Math.max(n, buf.length * 2)];
        System.arraycopy(buf, (int) (pos - bufPos), bigger, 0, keep);
        buf = bigger;
        view = ByteBuffer.wrap(buf);
      } else {
        System.arraycopy(buf, (int) (pos - bufPos), buf, 0, keep);
      }
      bufPos = pos;
      lim = keep;
    } else {
      reposition(pos);
      if (n > buf.length) {
        buf = new byte[Math.max(n, buf.length * 2)];
        view = ByteBuffer.wrap(buf);
      }
    }
    fill(n);
    return lim >= n;
  }

  private void reposition(long pos) throws IOException {
    if (channel != null) {
      channel.position(pos);
    } else {
      long skip = pos - (bufPos + lim);
      if (skip < 0) {
        throw new IOException("cannot seek backwards in a compressed capture");
      }
      while (skip > 0) {
        long s = stream.skip(skip);
        if (s <= 0) {
          if (stream.read() < 0) {
            throw new EOFException("seek past end of compressed capture");
          }
          s = 1;
        }
        skip -= s;
      }
    }
    bufPos = pos;
    lim = 0;
    eof = false;
  }

  private void fill(int n) throws IOException {
    while (lim < n) {
      int r;
      if (channel != null) {
        view.limit(buf.length).position(lim);
        r = channel.read(view);
      } else {
        r = stream.read(buf, lim, buf.length - lim);
      }
      if (r < 0) {
        eof = true;
        return;
      }
      lim += r;
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    } else {
      stream.close();
    }
  }
}
