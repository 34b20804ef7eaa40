package org.flowbeam.io.csv;

/**
 * A packet CSV file that cannot be read at all: its header lacks a required column, names a column
 * twice, or is too long.
 *
 * <p>Unlike a bad row, which becomes a {@link org.flowbeam.model.RejectedRecord}, a bad header
 * makes every row of the file meaningless, so the read fails. The message is one line naming the
 * file and the problem, meant to be printed as it is by a pipeline's {@code main}.
 */
public class PacketCsvFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public PacketCsvFormatException(String message) {
    super(message);
  }
}
