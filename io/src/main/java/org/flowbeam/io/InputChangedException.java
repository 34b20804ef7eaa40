package org.flowbeam.io;

/**
 * An input file that changed size while it was being read: its byte ranges were cut for the size it
 * was listed with, so reading on would cut, lose or repeat records. The message is one line naming
 * the file and both sizes, meant to be printed as it is by a pipeline's {@code main}; the run fails
 * rather than produce flows from a file that was still being written (or truncated).
 */
public class InputChangedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InputChangedException(String message) {
    super(message);
  }
}
