package org.flowbeam.io.carried;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.model.FlowKey;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;

/**
 * The file that holds the flows one run of a recurring job carries to the next: the series end they
 * were decided against, and each carried {@link KeyAssembly} as {@link KeyAssembly#writeTo} (the
 * keyed stage's {@code KeyAssemblyCoder}) writes it. Plain Java; {@code CarriedFlows} reads and
 * writes it in a pipeline.
 *
 * <p>Version 4, big-endian. Version 1, of FlowBeam before UDP and ICMP flows, held TCP flows and
 * rules without the UDP and ICMP idle timeouts and protocols; version 2 had no Zeek conn.log facts
 * (each packet's IP and payload lengths, a TCP flow's Zeek endpoint states and history, a datagram
 * flow's payload and IP bytes); version 3 had no tunnels (each waiting or retained packet's tunnel,
 * each open flow's tunnel and count of packets that came otherwise). An older file is refused with
 * a hint to flush the series with the FlowBeam that wrote it:
 *
 * <pre>
 * offset  size  field
 * 0       8     magic "FBCARRY\n"
 * 8       4     format version, 4
 * 12      8     series end, µs: the newest packet of the run that wrote the file and of every
 *               run before it (Long.MIN_VALUE if none had a packet)
 * 20      4     CRC-32C of the 20 bytes above
 * 24            records, each: length n (4 bytes, 1 to 64 MiB), n bytes of one KeyAssembly,
 *               CRC-32C of those n bytes (4 bytes)
 *               end marker: length 0 (4 bytes), then the number of records (8 bytes); the file
 *               ends there
 * </pre>
 *
 * <p>Every check names the file and the byte where it failed ({@link CarriedFlowsFileException}): a
 * foreign or newer file, a record length out of bounds or past the end of the file (refused before
 * anything is allocated), a checksum mismatch, a record that does not decode or leaves bytes over,
 * a missing end marker (a file cut at a record boundary), a wrong count, bytes after the end. A
 * change to the encoding of {@link KeyAssembly} must raise {@link #VERSION}.
 *
 * <pre>{@code
 * try (CarriedFlowsFile.Writer w = CarriedFlowsFile.writer(out, seriesEndUs)) {
 *   w.add(assembly);
 * }
 * try (CarriedFlowsFile.Reader r = CarriedFlowsFile.reader(name, in, sizeBytes)) {
 *   for (KeyAssembly a = r.next(); a != null; a = r.next()) { ... }
 * }
 * }</pre>
 */
public final class CarriedFlowsFile {
  /** The format version this build writes and reads. */
  public static final int VERSION = 4;

  static final byte[] MAGIC = "FBCARRY\n".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = 24;

  /**
   * The largest record read: a flow whose packets are retained holds at most 50,000 of them, about
   * 3 MB.
   */
  static final int MAX_RECORD_BYTES = 64 << 20;

  private CarriedFlowsFile() {}

  /** Starts a file on {@code out}, writing its header. */
  public static Writer writer(OutputStream out, long seriesEndUs) throws IOException {
    return new Writer(out, seriesEndUs);
  }

  /**
   * Reads the header of a file of {@code sizeBytes} bytes from {@code in}.
   *
   * @param file the file's name, for errors
   * @throws CarriedFlowsFileException if it is not a carried-flows file of {@link #VERSION}
   */
  public static Reader reader(String file, InputStream in, long sizeBytes) throws IOException {
    return new Reader(file, in, sizeBytes);
  }

  /**
   * Reads and checks a whole file: every record decoded, no key twice, every flow assembled with
   * the same rules.
   */
  public static Summary inspect(String file, InputStream in, long sizeBytes) throws IOException {
    try (Reader r = reader(file, in, sizeBytes)) {
      Set<FlowKey> keys = new HashSet<>();
      FlowRules rules = null;
      long flows = 0;
      for (long at = r.position(); ; at = r.position()) {
        KeyAssembly a = r.next();
        if (a == null) {
          break;
        }
        if (!keys.add(a.key())) {
          throw new CarriedFlowsFileException(file, at, "the flow of " + a.key() + " twice");
        }
        if (rules == null) {
          rules = a.rules();
        } else if (!rules.equals(a.rules())) {
          throw new CarriedFlowsFileException(
              file, at, "a flow assembled with " + a.rules() + " after one with " + rules);
        }
        flows++;
      }
      return new Summary(true, r.seriesEndUs(), flows, rules);
    }
  }

  /**
   * What a carried-flows file holds.
   *
   * @param present false if there was no file: nothing carried
   * @param seriesEndUs the series end the file's flows were carried against ({@code Long.MIN_VALUE}
   *     when nothing was ever read): the next run's {@code seriesEndBeforeUs}
   * @param flows how many flows are carried
   * @param rules the rules the carried flows were assembled with, null if none is carried
   */
  public record Summary(boolean present, long seriesEndUs, long flows, @Nullable FlowRules rules) {
    /** No file: nothing carried, no earlier packet. */
    public static final Summary NONE = new Summary(false, Long.MIN_VALUE, 0, null);
  }

  /** Writes a file: the header, then {@link #add} each carried assembly, then {@link #close}. */
  public static final class Writer implements Closeable {
    private final DataOutputStream out;
    private final ByteArrayOutputStream record = new ByteArrayOutputStream();
    private final CRC32C crc = new CRC32C();
    private long records;

    private Writer(OutputStream out, long seriesEndUs) throws IOException {
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(header);
      h.write(MAGIC);
      h.writeInt(VERSION);
      h.writeLong(seriesEndUs);
      crc.update(header.toByteArray());
      h.writeInt((int) crc.getValue());
      this.out = new DataOutputStream(out);
      this.out.write(header.toByteArray());
    }

    /** Adds one carried assembly. */
    public void add(KeyAssembly assembly) throws IOException {
      record.reset();
      assembly.writeTo(new DataOutputStream(record));
      addEncoded(record.toByteArray());
    }

    /** Adds one carried assembly as {@link KeyAssembly#writeTo} encoded it. */
    public void addEncoded(byte[] encoded) throws IOException {
      if (encoded.length == 0 || encoded.length > MAX_RECORD_BYTES) {
        throw new IOException(
            "a carried flow of " + encoded.length + " bytes; at most " + MAX_RECORD_BYTES);
      }
      crc.reset();
      crc.update(encoded);
      out.writeInt(encoded.length);
      out.write(encoded);
      out.writeInt((int) crc.getValue());
      records++;
    }

    /** Writes the end marker and the count, and closes the stream. */
    @Override
    public void close() throws IOException {
      out.writeInt(0);
      out.writeLong(records);
      out.close();
    }
  }

  /** Reads a file record by record, checking each. */
  public static final class Reader implements Closeable {
    private final String file;
    private final DataInputStream in;
    private final long size;
    private final long seriesEndUs;
    private final CRC32C crc = new CRC32C();
    private long position;
    private long records;
    private boolean ended;

    private Reader(String file, InputStream in, long size) throws IOException {
      this.file = file;
      this.in = new DataInputStream(in);
      this.size = size;
      if (size < MAGIC.length + 4) {
        need(HEADER_BYTES, "a header of " + HEADER_BYTES + " bytes");
      }
      byte[] header = new byte[HEADER_BYTES - 4];
      this.in.readFully(header, 0, MAGIC.length + 4);
      if (!Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
        throw new CarriedFlowsFileException(file, 0, "not a FlowBeam carried-flows file");
      }
      DataInputStream fields = new DataInputStream(new ByteArrayInputStream(header));
      fields.skipNBytes(MAGIC.length);
      int version = fields.readInt();
      if (version != VERSION) {
        throw new CarriedFlowsFileException(
            file,
            MAGIC.length,
            "format version "
                + version
                + "; this FlowBeam reads version "
                + VERSION
                + (version < VERSION
                    ? " (end the series with the FlowBeam that wrote it: --flushOpenFlows)"
                    : ""));
      }
      need(HEADER_BYTES, "a header of " + HEADER_BYTES + " bytes");
      this.in.readFully(header, MAGIC.length + 4, 8);
      this.seriesEndUs = fields.readLong();
      crc.update(header);
      if ((int) crc.getValue() != this.in.readInt()) {
        throw new CarriedFlowsFileException(file, 0, "the header's checksum does not match");
      }
      this.position = HEADER_BYTES;
    }

    /** The series end in the header, µs. */
    public long seriesEndUs() {
      return seriesEndUs;
    }

    /** The byte where the next record starts. */
    public long position() {
      return position;
    }

    /**
     * The next carried assembly, or null after the last one, once the end marker, the count and the
     * end of the file have been checked.
     */
    public @Nullable KeyAssembly next() throws IOException {
      if (ended) {
        return null;
      }
      long at = position;
      try {
        return next(at);
      } catch (EOFException e) {
        throw new CarriedFlowsFileException(
            file, at, "truncated: the file ends before its size of " + size + " bytes");
      }
    }

    private @Nullable KeyAssembly next(long at) throws IOException {
      need(4, "a record length or the end marker");
      int length = in.readInt();
      if (length == 0) {
        need(12, "the record count after the end marker");
        long count = in.readLong();
        if (count != records) {
          throw new CarriedFlowsFileException(
              file, at, "the end marker counts " + count + " flows, the file holds " + records);
        }
        if (size != at + 12) {
          throw new CarriedFlowsFileException(
              file, at + 12, (size - at - 12) + " bytes after the end marker");
        }
        ended = true;
        return null;
      }
      if (length < 0 || length > MAX_RECORD_BYTES) {
        throw new CarriedFlowsFileException(
            file, at, "a record length of " + length + " bytes (1 to " + MAX_RECORD_BYTES + ")");
      }
      need(4 + (long) length + 4, "a record of " + length + " bytes and its checksum");
      byte[] encoded = new byte[length];
      in.readFully(encoded);
      int expected = in.readInt();
      crc.reset();
      crc.update(encoded);
      if ((int) crc.getValue() != expected) {
        throw new CarriedFlowsFileException(file, at, "the record's checksum does not match");
      }
      position = at + 4 + length + 4;
      records++;
      ByteArrayInputStream bytes = new ByteArrayInputStream(encoded);
      KeyAssembly assembly;
      try {
        assembly = KeyAssembly.readFrom(new DataInputStream(bytes));
      } catch (IOException | RuntimeException e) {
        throw new CarriedFlowsFileException(file, at, "the record does not decode: " + describe(e));
      }
      if (bytes.available() > 0) {
        throw new CarriedFlowsFileException(
            file, at, "the record leaves " + bytes.available() + " of its bytes unread");
      }
      return assembly;
    }

    /** Checks that {@code bytes} more bytes are in the file before reading them. */
    private void need(long bytes, String what) throws CarriedFlowsFileException {
      if (size - position < bytes) {
        throw new CarriedFlowsFileException(
            file,
            position,
            "truncated: " + what + " needs " + bytes + " bytes, the file ends at byte " + size);
      }
    }

    private static String describe(Exception e) {
      if (e instanceof EOFException) {
        return "it ends early";
      }
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
