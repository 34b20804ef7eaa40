package org.flowbeam.io;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.zip.ZipException;

/**
 * Bounds what a compressed file may decompress to: past {@value #FREE_BYTES} bytes, at most {@value
 * #MAX_RATIO} times the compressed bytes read so far. Real captures and packet CSV files compress 1
 * to 10 times; a decompression bomb (gigabytes of one byte value, about 1,000 times smaller in
 * gzip) is stopped there instead of being decompressed, framed and counted for minutes.
 *
 * <p>It also tells a compressed file's own faults from the storage's: what the decompressor throws
 * while the compressed file reads fine (corrupt data, a truncated file, the refusal above) becomes
 * a {@link ZipException}, on which the readers end the file with one error record naming the fault
 * and keep the records before it; an error of the file system itself is passed on as it is, to fail
 * (and let the runner retry) the read.
 *
 * <pre>{@code
 * CountingChannel raw = DecompressionGuard.counting(FileSystems.open(id));
 * InputStream in = DecompressionGuard.guard(Channels.newInputStream(Compression.GZIP.readDecompressed(raw)), raw);
 * }</pre>
 */
public final class DecompressionGuard {
  /** Decompressed bytes always allowed, whatever the ratio. */
  public static final long FREE_BYTES = 256L << 20;

  /** The largest ratio of decompressed to compressed bytes past {@link #FREE_BYTES}. */
  public static final long MAX_RATIO = 100;

  private DecompressionGuard() {}

  /** What a guard knows of the compressed file read beneath it. */
  interface Source {
    /** Compressed bytes read so far. */
    long count();

    /** True if reading the compressed file itself failed. */
    boolean failed();
  }

  /** A channel that counts the bytes read through it. */
  public static final class CountingChannel implements ReadableByteChannel, Source {
    private final ReadableByteChannel channel;
    private long count;
    private boolean failed;

    CountingChannel(ReadableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public long count() {
      return count;
    }

    @Override
    public boolean failed() {
      return failed;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int n;
      try {
        n = channel.read(dst);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A stream that counts the bytes read through it. */
  public static final class CountingStream extends FilterInputStream implements Source {
    private long count;
    private boolean failed;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public long count() {
      return count;
    }

    @Override
    public boolean failed() {
      return failed;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] sink = new byte[(int) Math.min(n, 8192)];
      int r = read(sink, 0, sink.length);
      return Math.max(0, r);
    }
  }

  /** Counts what is read from the compressed file's channel. */
  public static CountingChannel counting(ReadableByteChannel compressed) {
    return new CountingChannel(compressed);
  }

  /** Counts what is read from the compressed file's stream. */
  public static CountingStream counting(InputStream compressed) {
    return new CountingStream(compressed);
  }

  /**
   * The decompressed stream of the file that {@code compressed} reads, bounded, its faults as
   * {@link ZipException}s.
   */
  public static InputStream guard(InputStream decompressed, CountingChannel compressed) {
    return new Guarded(decompressed, compressed);
  }

  /**
   * The decompressed stream of the file that {@code compressed} reads, bounded, its faults as
   * {@link ZipException}s.
   */
  public static InputStream guard(InputStream decompressed, CountingStream compressed) {
    return new Guarded(decompressed, compressed);
  }

  /**
   * What {@code e}, thrown while decompressing from {@code source}, is: itself if the compressed
   * file could not be read (a storage fault), else a {@link ZipException} saying the compressed
   * data is corrupt or truncated.
   */
  public static IOException classify(IOException e, Source source) {
    if (source.failed() || e instanceof ZipException) {
      return e;
    }
    String what =
        e instanceof EOFException
            ? "compressed data ends early (a truncated file)"
            : "corrupt compressed data"
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    ZipException z = new ZipException(what);
    z.initCause(e);
    return z;
  }

  /** Whether {@code decompressed} bytes from {@code compressed} bytes are within the bound. */
  static boolean allowed(long decompressed, long compressed) {
    return decompressed <= FREE_BYTES || decompressed <= MAX_RATIO * Math.max(1, compressed);
  }

  private static final class Guarded extends FilterInputStream {
    private final Source compressed;
    private long produced;

    Guarded(InputStream in, Source compressed) {
      super(in);
      this.compressed = compressed;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        throw classify(e, compressed);
      }
      if (n > 0) {
        produced += n;
        check();
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] sink = new byte[(int) Math.min(n, 8192)];
      int r = read(sink, 0, sink.length);
      return Math.max(0, r);
    }

    private void check() throws ZipException {
      long c = compressed.count();
      if (!allowed(produced, c)) {
        throw new ZipException(
            "decompresses to more than "
                + MAX_RATIO
                + " times its compressed size ("
                + produced
                + " bytes from "
                + c
                + "): refused as a decompression bomb");
      }
    }
  }
}
