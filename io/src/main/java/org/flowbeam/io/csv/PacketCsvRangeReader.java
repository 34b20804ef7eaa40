package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.function.LongPredicate;
import org.flowbeam.io.csv.CsvLineReader.Line;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * Reads the rows of one packet CSV file whose first byte lies in an offset range, outside Beam so
 * that split behaviour can be tested for every split point. {@link PacketCsvReadFn} is a thin shell
 * around it.
 *
 * <p>The split rule is {@code TextSource}'s: a row belongs to the range in which its first byte
 * lies. A range starting at 0 reads the header and then the rows after it; any other range {@code
 * [a, b)} starts reading at {@code a - 1} and discards up to and including the first newline, so it
 * begins at the first row starting at or after {@code a}, and it reads the file's header separately
 * from offset 0. Before each row the reader asks {@code claim} for the row's offset (the runner's
 * {@code tracker.tryClaim}) and stops when refused; at the end of the input it asks for {@link
 * Long#MAX_VALUE}, so that a tracker over a range longer than the input is done.
 *
 * <p>Blank lines are not records: they are claimed like any line (so that claims cover the range)
 * but neither counted nor output. Every other line is framed, counted, and becomes a packet or a
 * {@link RejectedRecord}.
 */
final class PacketCsvRangeReader {
  /** Receives what a range holds. */
  interface Output {
    void packet(Packet packet);

    void rejected(RejectedRecord record);
  }

  /** The longest row kept whole, in bytes; a longer one is rejected. */
  static final int DEFAULT_MAX_ROW_BYTES = 1 << 20;

  private final String file;
  private final IpMap ipMap;
  private final int maxRowBytes;
  private final long minEventMillis;

  /**
   * @param file the file's name, for rejected records and messages
   * @param minEventMillis rows whose event time (ms) is earlier are rejected: Beam cannot output an
   *     element before its input's timestamp
   */
  PacketCsvRangeReader(String file, IpMap ipMap, int maxRowBytes, long minEventMillis) {
    this.file = file;
    this.ipMap = ipMap;
    this.maxRowBytes = maxRowBytes;
    this.minEventMillis = minEventMillis;
  }

  PacketCsvRangeReader(String file, IpMap ipMap) {
    this(file, ipMap, DEFAULT_MAX_ROW_BYTES, Long.MIN_VALUE);
  }

  /**
   * Reads the rows starting at or after {@code from} of an uncompressed file, seeking.
   *
   * @return the number of rows framed (packets plus rejected records)
   * @throws PacketCsvFormatException if the header is unusable
   */
  long readSeekable(SeekableByteChannel channel, long from, LongPredicate claim, Output out)
      throws IOException {
    CsvColumns columns;
    CsvLineReader lines;
    InputStream in = Channels.newInputStream(channel);
    if (from == 0) {
      channel.position(0);
      lines = new CsvLineReader(in, 0, maxRowBytes);
      columns = readHeader(lines);
    } else {
      channel.position(0);
      columns = readHeader(new CsvLineReader(in, 0, maxRowBytes));
      channel.position(from - 1);
      lines = new CsvLineReader(in, from - 1, maxRowBytes);
      lines.skipPastNewline();
    }
    return readRows(lines, columns, claim, out);
  }

  /**
   * Reads the rows starting at or after {@code from} of a stream that starts at offset 0 (a
   * decompressed file), skipping to {@code from} by reading.
   *
   * @return the number of rows framed (packets plus rejected records)
   * @throws PacketCsvFormatException if the header is unusable
   */
  long readStream(InputStream in, long from, LongPredicate claim, Output out) throws IOException {
    CsvLineReader lines = new CsvLineReader(in, 0, maxRowBytes);
    CsvColumns columns = readHeader(lines);
    if (from > 0 && lines.offset() < from) {
      lines.skip(from - 1 - lines.offset());
      lines.skipPastNewline();
    }
    return readRows(lines, columns, claim, out);
  }

  /** The header's layout, or null for an empty file. Leaves {@code lines} after the header. */
  private CsvColumns readHeader(CsvLineReader lines) throws IOException {
    Line header = lines.readLine(CsvColumns.MAX_HEADER_BYTES, true);
    if (header == null) {
      return null;
    }
    if (header.truncated()) {
      throw new PacketCsvFormatException(
          file + ": header line longer than " + CsvColumns.MAX_HEADER_BYTES + " bytes");
    }
    return CsvColumns.fromHeader(file, header.text());
  }

  private long readRows(CsvLineReader lines, CsvColumns columns, LongPredicate claim, Output out)
      throws IOException {
    long framed = 0;
    PacketCsvRowParser parser = columns == null ? null : new PacketCsvRowParser(columns, ipMap);
    while (true) {
      if (parser == null || !lines.hasMore()) {
        claim.test(Long.MAX_VALUE);
        return framed;
      }
      if (!claim.test(lines.offset())) {
        return framed;
      }
      Line line = lines.readLine();
      if (line.isBlank()) {
        continue;
      }
      framed++;
      if (line.truncated()) {
        out.rejected(reject(line, "row longer than " + maxRowBytes + " bytes"));
        continue;
      }
      try {
        Packet p = parser.parse(line.text(), line.offset());
        if (Math.floorDiv(p.timestampMicros(), 1000L) < minEventMillis) {
          out.rejected(reject(line, "timestamp is earlier than the input file's event time"));
        } else {
          out.packet(p);
        }
      } catch (RejectedRowException e) {
        out.rejected(reject(line, e.reason()));
      }
    }
  }

  private RejectedRecord reject(Line line, String reason) {
    return new RejectedRecord(file, line.offset(), line.text(), reason);
  }
}
