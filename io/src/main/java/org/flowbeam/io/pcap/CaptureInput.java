package org.flowbeam.io.pcap;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * A large reusable buffer over a seekable channel (uncompressed files) or a forward-only stream
 * (decompressed gzip), addressed by absolute file offset.
 *
 * <p>Callers ask for a window {@code [pos, pos + n)} with {@link #request}; the data is then read
 * from {@link #array()} at {@link #index(long)}. The buffer only grows when a caller asks for a
 * window larger than it, and callers bound every such size first; it grows as the data arrives (at
 * most doubling), so a window asked for by a length field larger than what the file holds costs no
 * more than the file's bytes.
 *
 * <p>A compressed stream that turns out corrupt or cut short ({@link ZipException}, {@link
 * EOFException}) ends the input where it became unreadable, and {@link #streamError()} says why:
 * the readers report it as an error record rather than failing the read.
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

  /** Why a compressed stream ended early, or null. */
  private String streamError;

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
      System.arraycopy(buf, (int) (pos - bufPos), buf, 0, keep);
      bufPos = pos;
      lim = keep;
    } else {
      reposition(pos);
    }
    fill(n);
    return lim >= n;
  }

  /**
   * Why a compressed stream ended before its end (corrupt or truncated data, or a decompression
   * bomb refused), or null if it did not.
   */
  String streamError() {
    return streamError;
  }

  /** True if {@code pos} can still be requested: always when seekable, else if not behind. */
  boolean canReach(long pos) {
    return channel != null || pos >= bufPos;
  }

  /** Bytes of the input seen so far: the file offset after the last byte read. */
  long end() {
    return bufPos + lim;
  }

  private void reposition(long pos) throws IOException {
    if (channel != null) {
      channel.position(pos);
    } else {
      long skip = pos - (bufPos + lim);
      if (skip < 0) {
        throw new IOException("cannot seek backwards in a compressed capture");
      }
      try {
        while (skip > 0 && streamError == null) {
          long s = stream.skip(skip);
          if (s <= 0) {
            if (stream.read() < 0) {
              break; // past the end: the next fill finds it
            }
            s = 1;
          }
          skip -= s;
        }
      } catch (ZipException | EOFException e) {
        streamError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
    }
    bufPos = pos;
    lim = 0;
    eof = false;
  }

  /**
   * Reads until the buffer holds {@code n} bytes or the input ends, growing the buffer (at most
   * doubling it) only when it is full and more data arrives.
   */
  private void fill(int n) throws IOException {
    while (lim < n) {
      if (lim == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
        view = ByteBuffer.wrap(buf);
      }
      int r;
      if (channel != null) {
        view.limit(buf.length).position(lim);
        r = channel.read(view);
      } else {
        r = readStream();
      }
      if (r < 0) {
        eof = true;
        return;
      }
      lim += r;
    }
  }

  /** One read of the stream; a corrupt or truncated compressed stream ends it ({@code -1}). */
  private int readStream() throws IOException {
    if (streamError != null) {
      return -1;
    }
    try {
      return stream.read(buf, lim, buf.length - lim);
    } catch (ZipException | EOFException e) {
      streamError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return -1;
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
