package org.flowbeam.model;

import java.io.Serializable;

/**
 * An input record that could not be used: where it is, what it held and why it was refused.
 *
 * @param file the input file's name (as matched)
 * @param offset byte offset of the record's first byte in the (uncompressed) file
 * @param raw the record's text, or a hex dump of its first bytes, cut to {@link #MAX_RAW_CHARS}
 * @param reason a one-line reason
 */
public record RejectedRecord(String file, long offset, String raw, String reason)
    implements Serializable {

  /** The most characters of a rejected record kept in {@link #raw()}. */
  public static final int MAX_RAW_CHARS = 1024;

  public RejectedRecord {
    if (raw.length() > MAX_RAW_CHARS) {
      raw = raw.substring(0, MAX_RAW_CHARS) + "...";
    }
  }
}
