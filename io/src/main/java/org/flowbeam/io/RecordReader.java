package org.flowbeam.io;

import java.io.Closeable;
import java.io.IOException;
import java.security.MessageDigest;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * A cursor over the records of one file, from a given offset: what a {@link InputFormat} opens and
 * {@link RangeReadFn} drives. Plain Java, no Beam.
 *
 * <p>{@link #advance()} frames the next record; the caller reads {@link #offset()} (the byte offset
 * of the record's first byte, by which it belongs to a range) and then, by {@link #kind()}, the
 * {@link #packet()}, the {@link #nonIpType()} or the {@link #error()}. Every record framed is
 * exactly one of the three, so {@code records = packets + non-IP + errors}. Not thread-safe.
 *
 * <pre>{@code
 * try (RecordReader r = format.open(file, channel, start)) {
 *   while (r.advance() && r.offset() < end) {
 *     if (r.kind() == RecordReader.Kind.PACKET) { use(r.packet()); }
 *   }
 * }
 * }</pre>
 */
public interface RecordReader extends Closeable {
  /** What the current record is. */
  enum Kind {
    /** An IP packet: {@link #packet()}. */
    PACKET,
    /** A frame that holds no IP packet (ARP, LLDP, ...): {@link #nonIpType()}. */
    NON_IP,
    /** A record that cannot be used: {@link #error()}. */
    ERROR
  }

  /**
   * Frames the next record.
   *
   * @return false at the end of the input
   */
  boolean advance() throws IOException;

  /** The byte offset of the current record's first byte in the (uncompressed) file. */
  long offset();

  Kind kind();

  /** The current record's packet, if {@link #kind()} is {@link Kind#PACKET}. */
  Packet packet();

  /** The current record's frame type, if {@link #kind()} is {@link Kind#NON_IP}. */
  String nonIpType();

  /** The current record's error, if {@link #kind()} is {@link Kind#ERROR}. */
  RejectedRecord error();

  /**
   * The current packet record as a rejected record with {@code reason}, for a packet that was
   * framed and parsed but cannot be used (its time is outside what the runner can represent).
   */
  RejectedRecord reject(String reason);

  /**
   * Adds the current record's content, without its time, to {@code md}: what two copies of one
   * frame captured twice (by two taps, or a SPAN port that sees it twice) have in common, for
   * {@code --dedupWindow}. A capture's frame bytes as captured, with their length; a CSV row's
   * packet fields.
   *
   * @return false if the record has no content to compare (an error record, or a format that cannot
   *     tell)
   */
  default boolean digestContent(MessageDigest md) {
    return false;
  }
}
