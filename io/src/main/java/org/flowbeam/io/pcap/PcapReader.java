package org.flowbeam.io.pcap;

import java.io.IOException;

/**
 * Reads libpcap savefiles: both byte orders, microsecond ({@code a1b2c3d4}) and nanosecond
 * ({@code a1b23c4d}) timestamps.
 *
 * <p>A record header whose captured length exceeds the file's snaplen (or {@value
 * CaptureReader#MAX_CAPLEN} bytes, also when the snaplen is 0 or larger), or whose original length
 * is below its captured length, is corrupt: it becomes one error record and reading resumes at the
 * next position that passes {@link #isRecordStart}. A final record cut short by the end of the file
 * is an error record too.
 *
 * <p>A range that does not start at the first record starts at the first position at or after its
 * start that passes {@link #isRecordStart}: the header there is plausible against the file header
 * and so are the next {@value #CHAIN} headers it leads to (or the chain reaches the end of the
 * file). This is the position a sequential read frames, unless the file is corrupt within {@value
 * #CHAIN} records of it or its packet data happens to contain such a chain of pcap headers.
 */
final class PcapReader extends CaptureReader {
  static final int FILE_HEADER = 24;
  static final int RECORD_HEADER = 16;
  /** Further headers that must be plausible for a resynchronisation candidate. */
  static final int CHAIN = 4;
  /** The largest original length believed during resynchronisation. */
  static final long MAX_PLAUSIBLE_WIRE_LENGTH = 1 << 20;

  private static final int CHAIN_SPAN = (CHAIN + 1) * (RECORD_HEADER + MAX_CAPLEN);

  private boolean bigEndian;
  private boolean nanos;
  private long snaplen;
  private int maxCaplen;
  private int linkType;
  private long next;
  private boolean done;
  private String pendingHeaderError;

  PcapReader(String fileName, CaptureInput in, long start) throws IOException {
    super(fileName, in);
    if (!in.request(0, FILE_HEADER)) {
      done = start != 0;
      pendingHeaderError =
          "truncated pcap file header: " + in.available(0) + " of " + FILE_HEADER + " bytes";
      return;
    }
    byte[] b = in.array();
    int i = in.index(0);
    int magic = FrameDecoder.i32(b, i);
    bigEndian = magic == CaptureFormat.PCAP_MAGIC_MICROS || magic == CaptureFormat.PCAP_MAGIC_NANOS;
    int m = bigEndian ? magic : Integer.reverseBytes(magic);
    nanos = m == CaptureFormat.PCAP_MAGIC_NANOS;
    snaplen = u32(i + 16);
    maxCaplen = snaplen == 0 || snaplen > MAX_CAPLEN ? MAX_CAPLEN : (int) snaplen;
    // The upper bits of the link-type field carry FCS information, not the link type.
    linkType = (int) (u32(i + 20) & 0xffff);
    linkTypes.add(LinkType.name(linkType));
    next = start <= FILE_HEADER ? FILE_HEADER : resync(start);
    done = next < 0;
  }

  @Override
  public CaptureFormat format() {
    return CaptureFormat.PCAP;
  }

  @Override
  public long snaplen() {
    return snaplen;
  }

  boolean nanosecond() {
    return nanos;
  }

  int linkType() {
    return linkType;
  }

  @Override
  public boolean advance() throws IOException {
    if (pendingHeaderError != null) {
      String reason = pendingHeaderError;
      pendingHeaderError = null;
      if (done) {
        return false;
      }
      setError(0, reason);
      done = true;
      return true;
    }
    if (done) {
      return false;
    }
    long pos = next;
    if (!in.request(pos, RECORD_HEADER)) {
      int a = in.available(pos);
      done = true;
      if (a == 0) {
        return false;
      }
      setError(pos, "truncated record header: " + a + " of " + RECORD_HEADER + " bytes");
      return true;
    }
    int i = in.index(pos);
    long sec = u32(i);
    long frac = u32(i + 4);
    long caplen = u32(i + 8);
    long wireLen = u32(i + 12);
    String bad = checkHeader(caplen, wireLen);
    if (bad != null) {
      setError(pos, bad);
      next = resync(pos + 1);
      done = next < 0;
      return true;
    }
    int cap = (int) caplen;
    if (!in.request(pos, RECORD_HEADER + cap)) {
      int a = in.available(pos) - RECORD_HEADER;
      setError(pos, "truncated final record: " + a + " of " + cap + " captured bytes present");
      done = true;
      return true;
    }
    long micros = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
    decodeFrame(pos, in.index(pos) + RECORD_HEADER, cap, linkType, micros, wireLen);
    next = pos + RECORD_HEADER + cap;
    return true;
  }

  private String checkHeader(long caplen, long wireLen) {
    if (caplen > maxCaplen) {
      return "captured length "
          + caplen
          + (caplen > MAX_CAPLEN ? " exceeds " + MAX_CAPLEN + " bytes" : " exceeds snaplen " + snaplen);
    }
    if (wireLen < caplen) {
      return "original length " + wireLen + " < captured length " + caplen;
    }
    return null;
  }

  /**
   * The first position at or after {@code from} that passes {@link #isRecordStart}, or -1 if there
   * is none.
   */
  long resync(long from) throws IOException {
    for (long q = Math.max(from, FILE_HEADER); ; q++) {
      in.request(q, CHAIN_SPAN);
      if (in.available(q) < RECORD_HEADER) {
        return -1;
      }
      if (isRecordStart(q)) {
        return q;
      }
    }
  }

  /**
   * True if a plausible record header starts at {@code q} and leads to {@value #CHAIN} more
   * plausible headers, or to the end of the file. Needs {@code [q, q + CHAIN_SPAN)} requested.
   */
  private boolean isRecordStart(long q) {
    int avail = in.available(q);
    long p = q;
    for (int k = 0; k <= CHAIN; k++) {
      long rel = p - q;
      if (rel == avail) {
        return k > 0; // exactly at the end of the file
      }
      if (rel + RECORD_HEADER > avail) {
        return k > 0 && avail < CHAIN_SPAN; // a truncated final header
      }
      int i = in.index(p);
      long frac = u32(i + 4);
      long caplen = u32(i + 8);
      long wireLen = u32(i + 12);
      if (frac >= (nanos ? 1_000_000_000L : 1_000_000L)
          || caplen > maxCaplen
          || wireLen < caplen
          || wireLen == 0
          || wireLen > MAX_PLAUSIBLE_WIRE_LENGTH) {
        return false;
      }
      p += RECORD_HEADER + caplen;
      if (p - q > avail) {
        // The record runs past the buffered window: the end of the file, or a long chain.
        return true;
      }
    }
    return true;
  }

  private long u32(int i) {
    int v = FrameDecoder.i32(in.array(), i);
    return (bigEndian ? v : Integer.reverseBytes(v)) & 0xffffffffL;
  }
}
