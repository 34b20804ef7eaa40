package org.flowbeam.io.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.function.LongFunction;

/**
 * A read-only {@link SeekableByteChannel} over bytes in memory, so that fuzz targets read a file
 * millions of times without the file system. Its content may change between reads (a {@code
 * LongFunction} gives the bytes in force after each number of bytes read), to stand for a file that
 * grows or shrinks while it is read.
 *
 * <pre>{@code
 * try (CaptureReader r = CaptureReader.open("x.pcap", new ByteArrayChannel(bytes), start)) { ... }
 * }</pre>
 */
public final class ByteArrayChannel implements SeekableByteChannel {
  private final LongFunction<byte[]> content;
  private byte[] bytes;
  private long position;
  private long read;
  private boolean open = true;

  /** A channel over fixed bytes (not copied: do not change them while the channel is used). */
  public ByteArrayChannel(byte[] bytes) {
    this(n -> bytes);
  }

  /**
   * A channel whose bytes are {@code content.apply(n)} once {@code n} bytes have been read through
   * it in all (so {@code content.apply(0)} at first).
   */
  public ByteArrayChannel(LongFunction<byte[]> content) {
    this.content = content;
    this.bytes = content.apply(0);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    checkOpen();
    if (position >= bytes.length) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), bytes.length - position);
    dst.put(bytes, (int) position, n);
    position += n;
    read += n;
    bytes = content.apply(read);
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    checkOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    checkOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    return bytes.length;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void checkOpen() throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
