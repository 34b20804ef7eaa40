package org.flowbeam.io.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.flowbeam.io.DecompressionGuard;
import org.flowbeam.io.RecordReader;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.Tunnel;

/**
 * Reads the records of one capture file, or of one byte range of it, without Beam: the {@link
 * RecordReader} of pcap and pcapng ({@link CaptureRecords}).
 *
 * <p>{@link #advance()} frames the next record; the caller reads {@link #offset()} (the byte offset
 * of the record's header, by which the record belongs to a range) and then, by {@link #kind()}, the
 * {@link #packet()}, the {@link #nonIpType()} or the {@link #error()}. Every record framed is
 * exactly one of the three, so {@code records = packets + non-IP + errors}. A record is a pcap
 * packet record, or a pcapng Enhanced, Simple or obsolete Packet Block; a corrupt region (bad
 * header, bad block length, truncated tail, unreadable file header) is one error record. Other
 * pcapng blocks (section and interface headers, statistics, name resolution) are read for their
 * state but are not records.
 *
 * <pre>{@code
 * try (CaptureReader r = CaptureReader.open("x.pcap", channel, start)) {
 *   while (r.advance() && r.offset() < end) {
 *     if (r.kind() == CaptureReader.Kind.PACKET) { use(r.packet()); }
 *   }
 * }
 * }</pre>
 *
 * <p>A reader opened at {@code start > 0} begins at the first record whose header starts at or
 * after {@code start}: pcap readers find it by a validated resynchronisation, pcapng readers by
 * hopping block by block from the nearest section state that the file's {@link PcapngCheckpoints}
 * recorded before {@code start} (or from the file start), so that the section's byte order and
 * interface table are known. Not thread-safe.
 */
public abstract class CaptureReader implements RecordReader {

  /** The most bytes of a bad record kept, as hex, in its {@link RejectedRecord}. */
  static final int MAX_DUMP_BYTES = 64;

  /** The largest captured length accepted for one packet (as libpcap's maximum snaplen). */
  public static final int MAX_CAPLEN = 256 * 1024;

  protected final String fileName;
  protected final CaptureInput in;
  protected final FrameDecoder decoder;
  protected final TreeSet<String> linkTypes = new TreeSet<>();

  protected long offset;
  protected Kind kind;
  protected RejectedRecord error;

  /** The offset of the last record {@link #next()} framed, or -1. */
  private long lastOffset = -1;

  /** Where the current frame's bytes are in {@link #in}'s array, and how many were captured. */
  private int frameIndex;

  private int frameLength;

  private boolean streamErrorReported;

  protected CaptureReader(String fileName, CaptureInput in, FrameDecoder decoder) {
    this.fileName = fileName;
    this.in = in;
    this.decoder = decoder;
  }

  /**
   * Opens a reader on an uncompressed or gzip-compressed capture (detected by magic number).
   *
   * @param start the range start; must be 0 for a compressed capture (which is never split)
   * @return a reader; for a file that is neither pcap nor pcapng, a reader whose only record (at
   *     offset 0, when {@code start == 0}) is an error
   */
  public static CaptureReader open(String fileName, SeekableByteChannel channel, long start)
      throws IOException {
    return open(fileName, channel, start, CaptureInput.DEFAULT_BUFFER);
  }

  /** As {@link #open(String, SeekableByteChannel, long)} with a buffer size (tests use small). */
  public static CaptureReader open(
      String fileName, SeekableByteChannel channel, long start, int bufferSize) throws IOException {
    return open(fileName, channel, start, bufferSize, null);
  }

  /**
   * As {@link #open(String, SeekableByteChannel, long, int)}, a pcapng reader resuming from and
   * recording section states in {@code checkpoints} (the index of this file, shared by the readers
   * of its ranges; null for none). Pcap readers do not use it.
   */
  static CaptureReader open(
      String fileName,
      SeekableByteChannel channel,
      long start,
      int bufferSize,
      PcapngCheckpoints checkpoints)
      throws IOException {
    return open(fileName, channel, start, bufferSize, checkpoints, true);
  }

  /**
   * As {@link #open(String, SeekableByteChannel, long, int, PcapngCheckpoints)}, looking into
   * tunnels or not ({@link FrameDecoder#FrameDecoder(boolean)}).
   */
  static CaptureReader open(
      String fileName,
      SeekableByteChannel channel,
      long start,
      int bufferSize,
      PcapngCheckpoints checkpoints,
      boolean decapsulate)
      throws IOException {
    byte[] magic = readMagic(channel);
    CaptureFormat format = CaptureFormat.detect(magic);
    if (format == CaptureFormat.GZIP) {
      if (start != 0) {
        return new EmptyReader(fileName, CaptureInput.of(channel, 0, 16), null, new byte[0]);
      }
      channel.position(0);
      DecompressionGuard.CountingStream raw =
          DecompressionGuard.counting(Channels.newInputStream(channel));
      InputStream gz;
      try {
        gz = DecompressionGuard.guard(new GZIPInputStream(raw, 1 << 16), raw);
      } catch (IOException e) {
        IOException why = DecompressionGuard.classify(e, raw);
        if (!(why instanceof ZipException)) {
          throw why;
        }
        return new EmptyReader(
            fileName,
            CaptureInput.of(channel, 0, 16),
            "unreadable gzip: " + why.getMessage(),
            magic);
      }
      return open(fileName, CaptureInput.of(gz, bufferSize), 0, true, null, decapsulate);
    }
    return open(
        fileName, CaptureInput.of(channel, 0, bufferSize), start, false, checkpoints, decapsulate);
  }

  /** Opens a reader on a whole uncompressed capture stream (for instance a decompressed one). */
  public static CaptureReader open(String fileName, InputStream stream) throws IOException {
    return open(fileName, stream, true);
  }

  /** As {@link #open(String, InputStream)}, looking into tunnels or not. */
  public static CaptureReader open(String fileName, InputStream stream, boolean decapsulate)
      throws IOException {
    return open(
        fileName,
        CaptureInput.of(stream, CaptureInput.DEFAULT_BUFFER),
        0,
        false,
        null,
        decapsulate);
  }

  private static CaptureReader open(
      String fileName,
      CaptureInput in,
      long start,
      boolean compressed,
      PcapngCheckpoints checkpoints,
      boolean decapsulate)
      throws IOException {
    in.request(0, 4);
    byte[] magic = new byte[Math.min(4, in.available(0))];
    System.arraycopy(in.array(), in.index(0), magic, 0, magic.length);
    switch (CaptureFormat.detect(magic)) {
      case PCAP:
        return new PcapReader(fileName, in, start, new FrameDecoder(decapsulate));
      case PCAPNG:
        return new PcapngReader(fileName, in, start, checkpoints, new FrameDecoder(decapsulate));
      default:
        String reason =
            compressed
                ? "gzip content is not a PCAP or PCAPNG capture"
                : "not a PCAP or PCAPNG capture (magic " + hex(magic, 0, magic.length) + ")";
        return new EmptyReader(fileName, in, start == 0 ? reason : null, magic);
    }
  }

  private static byte[] readMagic(SeekableByteChannel channel) throws IOException {
    channel.position(0);
    ByteBuffer b = ByteBuffer.allocate(4);
    while (b.hasRemaining() && channel.read(b) >= 0) {}
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  /** True if the file at {@code channel} is gzip-compressed (and so cannot be split). */
  public static boolean isCompressed(SeekableByteChannel channel) throws IOException {
    return formatOf(channel) == CaptureFormat.GZIP;
  }

  /** The format of the file at {@code channel}, by its first bytes (gzip is not looked into). */
  public static CaptureFormat formatOf(SeekableByteChannel channel) throws IOException {
    return CaptureFormat.detect(readMagic(channel));
  }

  /**
   * Frames the next record. After the format's last record, a compressed input that ended early
   * (corrupt or truncated data, or a decompression bomb refused: {@link CaptureInput#streamError})
   * gives one more: an error record saying where and why, so that the records before it are kept
   * and the loss is counted.
   *
   * @return false at the end of the input
   */
  @Override
  public final boolean advance() throws IOException {
    if (next()) {
      lastOffset = offset;
      return true;
    }
    String why = in == null ? null : in.streamError();
    if (why == null || streamErrorReported) {
      return false;
    }
    streamErrorReported = true;
    offset = Math.max(in.end(), lastOffset + 1);
    kind = Kind.ERROR;
    error =
        new RejectedRecord(
            fileName,
            offset,
            "",
            "compressed input unreadable after "
                + in.end()
                + " bytes ("
                + why
                + "): the rest of the file is not read");
    return true;
  }

  /**
   * Frames the next record of the format.
   *
   * @return false at the end of the input
   */
  protected abstract boolean next() throws IOException;

  /** The format read. */
  public abstract CaptureFormat format();

  /** Byte offset of the current record's header in the (uncompressed) file. */
  public long offset() {
    return offset;
  }

  public Kind kind() {
    return kind;
  }

  /** The current record's packet, if {@link #kind()} is {@link Kind#PACKET}. */
  public Packet packet() {
    return decoder.packet();
  }

  /**
   * The outermost tunnel of the current record's packet, if {@link #kind()} is {@link Kind#PACKET}
   * and the packet was decoded from inside a tunnel; otherwise null.
   */
  public Tunnel tunnel() {
    return decoder.tunnel();
  }

  /** The current record's frame type, if {@link #kind()} is {@link Kind#NON_IP}. */
  public String nonIpType() {
    return decoder.nonIpType();
  }

  /** The current record's error, if {@link #kind()} is {@link Kind#ERROR}. */
  public RejectedRecord error() {
    return error;
  }

  /**
   * The current packet as a rejected record: the packet's text, for a packet that cannot be used.
   */
  @Override
  public RejectedRecord reject(String reason) {
    Packet p = packet();
    return new RejectedRecord(fileName, p.sourceOffset(), p.toString(), reason);
  }

  /** The frame's bytes as captured and their length, as {@code editcap -d} compares frames. */
  @Override
  public boolean digestContent(MessageDigest md) {
    if (kind == Kind.ERROR) {
      return false;
    }
    md.update(in.array(), frameIndex, frameLength);
    md.update((byte) (frameLength >>> 24));
    md.update((byte) (frameLength >>> 16));
    md.update((byte) (frameLength >>> 8));
    md.update((byte) frameLength);
    return true;
  }

  /** Counts of the non-IP frames read so far, by type. */
  public Map<String, Long> nonIpCounts() {
    return decoder.nonIpCounts();
  }

  /** Names of the link types seen so far (file header or interface descriptions). */
  public TreeSet<String> linkTypes() {
    return linkTypes;
  }

  /** The snapshot length of the file (pcap) or of the first interface (pcapng); 0 if none. */
  public abstract long snaplen();

  /**
   * Sets the current record to an error at {@code at}, dumping up to 64 bytes from there (none if a
   * compressed input has already moved past it).
   */
  protected void setError(long at, String reason) throws IOException {
    int n = 0;
    if (in.canReach(at)) {
      in.request(at, MAX_DUMP_BYTES);
      n = Math.min(MAX_DUMP_BYTES, in.available(at));
    }
    String raw = n <= 0 ? "" : hex(in.array(), in.index(at), n);
    offset = at;
    kind = Kind.ERROR;
    error = new RejectedRecord(fileName, at, raw, reason);
  }

  /** Decodes a frame into the current record: a packet, a non-IP frame or an error. */
  protected void decodeFrame(
      long recordOffset,
      int dataIndex,
      int capLen,
      int linkType,
      boolean bigEndian,
      long tsMicros,
      long wireLen)
      throws IOException {
    offset = recordOffset;
    frameIndex = dataIndex;
    frameLength = capLen;
    if (wireLen > Integer.MAX_VALUE) {
      setError(recordOffset, "original length " + wireLen + " out of range");
      return;
    }
    try {
      int r =
          decoder.decode(
              in.array(),
              dataIndex,
              capLen,
              linkType,
              bigEndian,
              tsMicros,
              (int) wireLen,
              recordOffset);
      kind = r == FrameDecoder.PACKET ? Kind.PACKET : Kind.NON_IP;
    } catch (CaptureFormatException e) {
      setError(recordOffset, e.reason());
    }
  }

  static String hex(byte[] b, int off, int n) {
    char[] digits = "0123456789abcdef".toCharArray();
    StringBuilder sb = new StringBuilder(n * 2);
    for (int i = 0; i < n; i++) {
      sb.append(digits[(b[off + i] >> 4) & 0xf]).append(digits[b[off + i] & 0xf]);
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }

  /** A reader with no record, or one error record (a file that is not a capture). */
  static final class EmptyReader extends CaptureReader {
    private String reason;
    private final byte[] magic;

    EmptyReader(String fileName, CaptureInput in, String reason, byte[] magic) {
      super(fileName, in, new FrameDecoder());
      this.reason = reason;
      this.magic = magic;
    }

    @Override
    protected boolean next() {
      if (reason == null) {
        return false;
      }
      offset = 0;
      kind = Kind.ERROR;
      error = new RejectedRecord(fileName, 0, hex(magic, 0, magic.length), reason);
      reason = null;
      return true;
    }

    @Override
    public CaptureFormat format() {
      return CaptureFormat.UNKNOWN;
    }

    @Override
    public long snaplen() {
      return 0;
    }
  }
}
