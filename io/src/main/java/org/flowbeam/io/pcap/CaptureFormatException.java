package org.flowbeam.io.pcap;

/**
 * A capture record (or frame inside it) that cannot be parsed: where it starts and why.
 *
 * <p>Checked, so that every parser caller decides what to do; the readers turn it into a {@code
 * RejectedRecord} instead of failing the pipeline.
 */
public final class CaptureFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long offset;

  public CaptureFormatException(long offset, String reason) {
    super(reason);
    this.offset = offset;
  }

  /** Byte offset of the record's first byte in the (uncompressed) file. */
  public long offset() {
    return offset;
  }

  /** The reason, without the offset. */
  public String reason() {
    return getMessage();
  }
}
