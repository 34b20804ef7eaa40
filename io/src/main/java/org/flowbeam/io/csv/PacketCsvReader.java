package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.csv.CsvLineReader.Line;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * Reads the rows of one packet CSV file from an offset: a {@link RecordReader} whose records are
 * rows, plain Java so that split behaviour can be tested for every split point.
 *
 * <p>The split rule is {@code TextSource}'s: a row belongs to the range in which its first byte
 * lies. A reader opened at 0 reads the header and then the rows after it; one opened at {@code a >
 * 0} starts reading at {@code a - 1} and discards up to and including the first newline, so it
 * begins at the first row starting at or after {@code a}, and it reads the file's header separately
 * from offset 0.
 *
 * <p>Blank lines are not records: they are skipped, neither counted nor output. Every other line is
 * framed and becomes a packet, a non-IP frame (a row without addresses) or a {@link RejectedRecord}
 * (a row longer than the cap, or one that does not parse).
 */
final class PacketCsvReader implements RecordReader {
  /** The longest row kept whole, in bytes; a longer one is rejected. */
  static final int DEFAULT_MAX_ROW_BYTES = 1 << 20;

  private final String file;
  private final int maxRowBytes;
  private final @Nullable CsvLineReader lines;
  private final @Nullable PacketCsvRowParser parser;
  private final InputStream in;

  /** The lines read from offset 0 or {@code from}: where a compressed stream's fault shows. */
  private final CsvLineReader source;

  private boolean streamErrorReported;
  private Line line;
  private Kind kind;
  private Packet packet;
  private RejectedRecord error;

  private PacketCsvReader(
      String file,
      int maxRowBytes,
      InputStream in,
      @Nullable CsvLineReader lines,
      @Nullable CsvColumns columns,
      IpMap ipMap) {
    this.file = file;
    this.maxRowBytes = maxRowBytes;
    this.in = in;
    this.source = lines;
    this.lines = columns == null ? null : lines;
    this.parser = columns == null ? null : new PacketCsvRowParser(columns, ipMap);
  }

  /**
   * Opens the rows starting at or after {@code from} of an uncompressed file, seeking.
   *
   * @throws PacketCsvFormatException if the header is unusable
   */
  static PacketCsvReader open(
      String file, IpMap ipMap, int maxRowBytes, SeekableByteChannel channel, long from)
      throws IOException {
    InputStream in = Channels.newInputStream(channel);
    channel.position(0);
    // A small file's buffers are no larger than the file.
    int buffer = (int) Math.min(CsvLineReader.BUFFER_BYTES, channel.size() + 1);
    CsvLineReader lines = new CsvLineReader(in, 0, maxRowBytes, buffer);
    CsvColumns columns = readHeader(file, lines);
    if (from > 0) {
      channel.position(from - 1);
      lines = new CsvLineReader(in, from - 1, maxRowBytes, buffer);
      lines.skipPastNewline();
    }
    return new PacketCsvReader(file, maxRowBytes, in, lines, columns, ipMap);
  }

  /**
   * Opens the rows of a stream that starts at offset 0 (a decompressed file).
   *
   * @throws PacketCsvFormatException if the header is unusable
   */
  static PacketCsvReader open(String file, IpMap ipMap, int maxRowBytes, InputStream in)
      throws IOException {
    CsvLineReader lines = new CsvLineReader(in, 0, maxRowBytes);
    return new PacketCsvReader(file, maxRowBytes, in, lines, readHeader(file, lines), ipMap);
  }

  /** The header's layout, or null for an empty file. Leaves {@code lines} after the header. */
  private static @Nullable CsvColumns readHeader(String file, CsvLineReader lines)
      throws IOException {
    Line header = lines.readLine(CsvColumns.MAX_HEADER_BYTES, true);
    if (header != null && lines.streamError() != null && !lines.hasMore()) {
      throw new PacketCsvFormatException(
          file + ": compressed input unreadable in its header line (" + lines.streamError() + ")");
    }
    if (header == null) {
      return null;
    }
    if (header.truncated()) {
      throw new PacketCsvFormatException(
          file + ": header line longer than " + CsvColumns.MAX_HEADER_BYTES + " bytes");
    }
    return CsvColumns.fromHeader(file, header.text());
  }

  /**
   * {@inheritDoc}
   *
   * <p>After the last row, a compressed input that ended early (corrupt, truncated, or refused as a
   * decompression bomb) gives one more record: an error saying where and why.
   */
  @Override
  public boolean advance() throws IOException {
    if (parser != null && nextRow()) {
      return true;
    }
    String why = source.streamError();
    if (why == null || streamErrorReported) {
      return false;
    }
    streamErrorReported = true;
    long at = Math.max(source.offset(), line == null ? 0 : line.offset() + 1);
    line = new Line(at, "", false);
    setError(
        "compressed input unreadable after "
            + source.offset()
            + " bytes ("
            + why
            + "): the rest of the file is not read");
    return true;
  }

  private boolean nextRow() throws IOException {
    while (lines.hasMore()) {
      line = lines.readLine();
      if (line.isBlank()) {
        continue;
      }
      if (line.truncated()) {
        setError("row longer than " + maxRowBytes + " bytes");
        return true;
      }
      try {
        packet = parser.parse(line.text(), line.offset());
        kind = packet != null ? Kind.PACKET : Kind.NON_IP;
      } catch (RejectedRowException e) {
        setError(e.reason());
      }
      return true;
    }
    return false;
  }

  private void setError(String reason) {
    kind = Kind.ERROR;
    error = reject(reason);
  }

  @Override
  public long offset() {
    return line.offset();
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public Packet packet() {
    return packet;
  }

  /**
   * The packet's fields but its time (addresses, ports, protocol, flags, sequence numbers, length):
   * a row has no frame bytes, so two rows of one packet exported twice agree on these.
   */
  @Override
  public boolean digestContent(MessageDigest md) {
    if (kind != Kind.PACKET) {
      return false;
    }
    ByteBuffer b = ByteBuffer.allocate(96);
    b.put(packet.srcIp()).put(packet.dstIp());
    b.putInt(packet.srcPort()).putInt(packet.dstPort()).putInt(packet.protocol());
    b.putInt(packet.flags()).putLong(packet.seq()).putLong(packet.ack());
    b.putInt(packet.length()).putInt(packet.icmpIdentifier());
    md.update(b.array(), 0, b.position());
    return true;
  }

  /** A non-IP row is one without addresses (see {@link PacketCsvRowParser}): one type. */
  @Override
  public String nonIpType() {
    return PacketCsvRowParser.NO_ADDRESS_TYPE;
  }

  @Override
  public RejectedRecord error() {
    return error;
  }

  @Override
  public RejectedRecord reject(String reason) {
    return new RejectedRecord(file, line.offset(), line.text(), reason);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
