package org.flowbeam.io.csv;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Frames lines of a byte stream and knows the file offset of each.
 *
 * <p>A line ends at {@code \n}; a {@code \r} right before it is dropped too (CRLF). The last line
 * need not end with a newline. A lone {@code \r} is not a line end. Lines are decoded as UTF-8
 * (malformed bytes become U+FFFD); since a newline byte never occurs inside a multi-byte UTF-8
 * character, framing by bytes is safe at any split point.
 *
 * <p>A line longer than the cap is not held in memory: its first {@code maxLineBytes} bytes are
 * kept, the rest skipped up to the next newline, and the line is marked {@link Line#truncated}.
 * This bounds memory for any input, a gzip bomb included. The reader does not own the stream.
 *
 * <p>A compressed stream found corrupt or cut short ({@link ZipException}, {@link EOFException}, as
 * {@link org.flowbeam.io.DecompressionGuard} reports them) ends the input there, and {@link
 * #streamError()} says why.
 */
final class CsvLineReader {
  /** One framed line. */
  record Line(long offset, String text, boolean truncated) {
    boolean isBlank() {
      return !truncated && text.isBlank();
    }
  }

  /** The read buffer's size, at most. */
  static final int BUFFER_BYTES = 64 * 1024;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf;
  private int pos;
  private int limit;
  private long bufferStart;
  private boolean eof;
  private String streamError;
  private byte[] line = new byte[256];

  /**
   * @param in the stream, positioned at file offset {@code startOffset}
   * @param maxLineBytes the longest line kept whole
   */
  CsvLineReader(InputStream in, long startOffset, int maxLineBytes) {
    this(in, startOffset, maxLineBytes, BUFFER_BYTES);
  }

  /**
   * As {@link #CsvLineReader(InputStream, long, int)} with a smaller read buffer, for a small file.
   */
  CsvLineReader(InputStream in, long startOffset, int maxLineBytes, int bufferBytes) {
    this.in = in;
    this.buf = new byte[Math.max(1, Math.min(BUFFER_BYTES, bufferBytes))];
    this.bufferStart = startOffset;
    this.maxLineBytes = maxLineBytes;
  }

  /** The file offset of the next unread byte. */
  long offset() {
    return bufferStart + pos;
  }

  /** Why a compressed stream ended before its end, or null if it did not. */
  String streamError() {
    return streamError;
  }

  /** True if a byte remains to be read. */
  boolean hasMore() throws IOException {
    return pos < limit || fill();
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    bufferStart += limit;
    pos = 0;
    limit = 0;
    while (limit == 0) {
      int n;
      try {
        n = in.read(buf, 0, buf.length);
      } catch (ZipException | EOFException e) {
        streamError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        n = -1;
      }
      if (n < 0) {
        eof = true;
        return false;
      }
      limit = n;
    }
    return true;
  }

  /** Discards bytes up to and including the next newline; false if the input ended first. */
  boolean skipPastNewline() throws IOException {
    while (hasMore()) {
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          pos = i + 1;
          return true;
        }
      }
      pos = limit;
    }
    return false;
  }

  /** Discards {@code n} bytes (fewer if the input ends). */
  void skip(long n) throws IOException {
    long left = n;
    while (left > 0 && hasMore()) {
      int step = (int) Math.min(left, limit - pos);
      pos += step;
      left -= step;
    }
  }

  /** The next line, or null at the end of input. */
  Line readLine() throws IOException {
    return readLine(maxLineBytes, false);
  }

  /**
   * The next line, or null at the end of input.
   *
   * @param maxBytes the cap for this line (at most the reader's)
   * @param stopWhenTooLong if true, a line longer than the cap is returned truncated without
   *     reading on to its end (for a header, whose excess length is fatal anyway)
   */
  Line readLine(int maxBytes, boolean stopWhenTooLong) throws IOException {
    if (!hasMore()) {
      return null;
    }
    long start = offset();
    int len = 0;
    boolean truncated = false;
    boolean ended = false;
    while (!ended && hasMore()) {
      int end = limit;
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          end = i;
          ended = true;
          break;
        }
      }
      int n = end - pos;
      if (!truncated) {
        int keep = Math.min(n, maxBytes - len);
        if (keep > 0) {
          if (len + keep > line.length) {
            line = Arrays.copyOf(line, Math.max(len + keep, Math.min(line.length * 2, maxBytes)));
          }
          System.arraycopy(buf, pos, line, len, keep);
          len += keep;
        }
        truncated = keep < n;
      }
      pos = ended ? end + 1 : end;
      if (truncated && stopWhenTooLong) {
        break;
      }
    }
    if (!truncated && len > 0 && line[len - 1] == '\r') {
      len--;
    }
    return new Line(start, new String(line, 0, len, StandardCharsets.UTF_8), truncated);
  }
}
