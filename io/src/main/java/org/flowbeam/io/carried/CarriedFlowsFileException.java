package org.flowbeam.io.carried;

import java.io.IOException;

/**
 * A carried-flows file that cannot be read: which file, at which byte, and why, in one line.
 *
 * <pre>{@code
 * /data/flows/_flowbeam/carried/20250101T000000Z-ab12.state at byte 4120: truncated: a record of
 * 212 bytes ends past the end of the file (4200 bytes)
 * }</pre>
 */
public final class CarriedFlowsFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long position;

  public CarriedFlowsFileException(String file, long position, String reason) {
    super(file + " at byte " + position + ": " + reason);
    this.file = file;
    this.position = position;
  }

  /** The file, as it was named to the reader. */
  public String file() {
    return file;
  }

  /** The byte of the file where the problem lies. */
  public long position() {
    return position;
  }
}
