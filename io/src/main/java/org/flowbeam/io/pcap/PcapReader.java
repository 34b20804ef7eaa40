package org.flowbeam.io.pcap;

import java.io.IOException;

/**
 * Reads libpcap savefiles: both byte orders, microsecond ({@code a1b2c3d4}) and nanosecond ({@code
 * a1b23c4d}) timestamps.
 *
 * <p>A record header whose captured length exceeds the file's snaplen (or {@value
 * CaptureReader#MAX_CAPLEN} bytes, also when the snaplen is 0 or larger), or whose original length
 * is below its captured length, is corrupt: it becomes one error record and reading resumes at the
 * next position that passes {@link #isRecordStart}. A final record cut short by the end of the file
 * is an error record too.
 *
 * <p>A range starting at {@code start} looks back one maximal record (16 + snaplen bytes, at most
 * 16 + 256 KiB): the first position there that passes {@link #isRecordStart} (a header plausible
 * against the file header: captured length within the snaplen, original length at least that and at
 * most 65,600, fraction below 10^6 or 10^9, seconds not below the {@linkplain #secondsFloor seconds
 * floor}; and {@value #CHAIN} more such headers chained after it, or a chain that ends at the end
 * of the file) is a record boundary, and the reader frames forward from it, exactly as a sequential
 * read does, to the first record whose header starts at or after {@code start}. Framing therefore
 * agrees with a sequential read, truncated tails and corrupt records included, unless packet data
 * just before the range happens to contain a chain of five plausible pcap headers.
 *
 * <p>The seconds floor exists for one such chain that is not chance. Four bytes into a real header,
 * {@code frac, caplen, orig_len} read as {@code sec, frac, caplen}, and the frame's first four
 * bytes as the original length. For an Ethernet frame those are the destination MAC's first four
 * bytes, which read as a plausible length when bytes 3 and 4 are zero ({@code 02:42:00:00:..} as
 * FlowBeam's generator once wrote reads 16,898 little-endian; the VRRP MAC {@code 00:00:5e:00:..}
 * reads 24,064 big-endian); when the records are whole, the shifted headers chain, and a range
 * whose look-back began up to 4 bytes after a record start framed every record 4 bytes off (garbage
 * frames) up to its end. Two rules keep it from that:
 *
 * <ul>
 *   <li>The shifted header's seconds are a fraction, below 10^6 (10^9 for nanosecond files), so a
 *       candidate whose seconds are below that limit and more than {@value #MAX_STEP_BACK_SECONDS}
 *       seconds (a day) before the file's first record's is rejected (the seconds floor). Only
 *       seconds that could be a fraction are ever rejected, so records after a clock that jumps
 *       forward (set by NTP during the capture) are never rejected for their time. A capture whose
 *       clock starts near the epoch (a device without a real-time clock) has a floor of 0, or a low
 *       one, and is not protected by this rule.
 *   <li>When the chain found at the range's look-back starts at {@code q} and {@code q - 4} starts
 *       a plausible chain too, {@code q - 4} is the boundary: the chain at {@code q} is its shifted
 *       reading. Whatever the clock, a real boundary {@code q} almost never has a chain at {@code q
 *       - 4}, whose fraction would be {@code q}'s seconds (at least 10^6 or 10^9 once the clock is
 *       past 12 January 1970 or September 2001).
 * </ul>
 */
final class PcapReader extends CaptureReader {
  static final int FILE_HEADER = 24;
  static final int RECORD_HEADER = 16;

  /** Further headers that must be plausible for a resynchronisation candidate. */
  static final int CHAIN = 4;

  /**
   * The largest original length believed during resynchronisation: a 64 KiB packet plus a link
   * header. Larger (GSO, jumbogram) records are read, but are not taken as resynchronisation
   * points. The bound matters: four bytes into a real header, {@code frac, caplen, orig_len} read
   * as {@code sec, frac, caplen}, and the first four bytes of a raw IPv4 packet of length {@code n
   * * 256} read as a little-endian original length of {@code n * 65536 + 0x45}; this bound rejects
   * that shifted chain.
   */
  static final long MAX_PLAUSIBLE_WIRE_LENGTH = 65_600;

  /**
   * How far (seconds) a resynchronisation candidate's seconds may lie before the first record's,
   * when they are below the fraction limit (see the class comment).
   */
  static final long MAX_STEP_BACK_SECONDS = 86_400;

  /** How far after a real record header its shifted, still plausible reading starts. */
  static final int ALIAS_SHIFT = 4;

  private boolean bigEndian;
  private boolean nanos;
  private long snaplen;
  private int maxCaplen;
  private int linkType;

  /**
   * The lowest seconds field believed during resynchronisation: the fraction limit (10^6 or 10^9)
   * or {@value #MAX_STEP_BACK_SECONDS} seconds before the first record's seconds, whichever is
   * lower; 0 when the file has no plausible first record.
   */
  private long secondsFloor;

  private final long start;
  private long next;
  private boolean done;
  private String pendingHeaderError;

  PcapReader(String fileName, CaptureInput in, long start, FrameDecoder decoder)
      throws IOException {
    super(fileName, in, decoder);
    this.start = start;
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
    secondsFloor = firstRecordSecondsFloor();
    // Start one maximal record before the range: the first plausible chain found there is a
    // record boundary, and framing forward from it reproduces the sequential framing exactly.
    long lookBack = start - (RECORD_HEADER + maxCaplen);
    next = lookBack <= FILE_HEADER ? FILE_HEADER : resync(lookBack);
    if (next - ALIAS_SHIFT >= FILE_HEADER && isRecordStart(next - ALIAS_SHIFT)) {
      // The chain found is the shifted reading of the one 4 bytes earlier (see the class
      // comment). Only at the look-back, whose position is arbitrary: the scan after a corrupt
      // header starts at that header, and must not seek backwards (a gzip stream cannot).
      next -= ALIAS_SHIFT;
    }
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
  protected boolean next() throws IOException {
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
    while (!done) {
      long pos = next;
      boolean emit = pos >= start;
      if (!in.request(pos, RECORD_HEADER)) {
        int a = in.available(pos);
        done = true;
        if (a == 0 || !emit) {
          return false;
        }
        setError(pos, "truncated record header: " + a + " of " + RECORD_HEADER + " bytes");
        return true;
      }
      int i = in.index(pos);
      long caplen = u32(i + 8);
      long wireLen = u32(i + 12);
      String bad = checkHeader(caplen, wireLen);
      if (bad != null) {
        if (emit) {
          // Dumped before the resynchronisation scan moves on: a compressed input cannot seek
          // back to it.
          setError(pos, bad);
        }
        next = resync(pos + 1);
        done = next < 0;
        if (emit) {
          return true;
        }
        continue;
      }
      int cap = (int) caplen;
      next = pos + RECORD_HEADER + cap;
      if (!emit) {
        continue;
      }
      if (!in.request(pos, RECORD_HEADER + cap)) {
        int a = in.available(pos) - RECORD_HEADER;
        setError(pos, "truncated final record: " + a + " of " + cap + " captured bytes present");
        done = true;
        return true;
      }
      i = in.index(pos);
      long sec = u32(i);
      long frac = u32(i + 4);
      long micros = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
      decodeFrame(pos, i + RECORD_HEADER, cap, linkType, bigEndian, micros, wireLen);
      return true;
    }
    return false;
  }

  /** See {@link #secondsFloor}; reads the first record header (at {@value #FILE_HEADER}). */
  private long firstRecordSecondsFloor() throws IOException {
    if (!in.request(FILE_HEADER, RECORD_HEADER)) {
      return 0;
    }
    int i = in.index(FILE_HEADER);
    long sec = u32(i);
    long frac = u32(i + 4);
    long caplen = u32(i + 8);
    long wireLen = u32(i + 12);
    if (frac >= fractionLimit() || caplen > maxCaplen || wireLen < caplen) {
      return 0;
    }
    return Math.max(0, Math.min(fractionLimit(), sec - MAX_STEP_BACK_SECONDS));
  }

  private long fractionLimit() {
    return nanos ? 1_000_000_000L : 1_000_000L;
  }

  private String checkHeader(long caplen, long wireLen) {
    if (caplen > maxCaplen) {
      return "captured length "
          + caplen
          + (caplen > MAX_CAPLEN
              ? " exceeds " + MAX_CAPLEN + " bytes"
              : " exceeds snaplen " + snaplen);
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
      if (!in.request(q, RECORD_HEADER)) {
        return -1;
      }
      if (isRecordStart(q)) {
        return q;
      }
    }
  }

  /**
   * True if a plausible record header starts at {@code q} and leads to {@value #CHAIN} more
   * plausible headers, or to the end of the file (possibly inside a truncated final record). A
   * header is plausible if its fraction is below the limit, its seconds not below the {@link
   * #secondsFloor}, its captured length within the snaplen and its original length from that (and
   * 1) to {@value #MAX_PLAUSIBLE_WIRE_LENGTH}. Every request is anchored at {@code q}, so the scan
   * never seeks backwards.
   */
  private boolean isRecordStart(long q) throws IOException {
    long rel = 0;
    for (int k = 0; k <= CHAIN; k++) {
      if (!in.request(q, (int) (rel + RECORD_HEADER))) {
        // The end of the file. Accept it after at least one complete record: exactly at a
        // boundary, inside a final header, or inside a final record that follows a complete one.
        int a = in.available(q);
        return a >= rel ? k > 0 : k > 1;
      }
      int i = in.index(q + rel);
      long sec = u32(i);
      long frac = u32(i + 4);
      long caplen = u32(i + 8);
      long wireLen = u32(i + 12);
      if (frac >= fractionLimit()
          || sec < secondsFloor
          || caplen > maxCaplen
          || wireLen < caplen
          || wireLen == 0
          || wireLen > MAX_PLAUSIBLE_WIRE_LENGTH) {
        return false;
      }
      rel += RECORD_HEADER + caplen;
    }
    return true;
  }

  private long u32(int i) {
    int v = FrameDecoder.i32(in.array(), i);
    return (bigEndian ? v : Integer.reverseBytes(v)) & 0xffffffffL;
  }
}
