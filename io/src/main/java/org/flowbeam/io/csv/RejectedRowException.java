package org.flowbeam.io.csv;

/**
 * Why one CSV row cannot become a packet. Checked, so that every caller routes it to the error
 * output; it carries no stack trace because it is expected data, not a bug.
 */
final class RejectedRowException extends Exception {
  private static final long serialVersionUID = 1L;

  RejectedRowException(String reason) {
    super(reason, null, false, false);
  }

  /** The one-line reason. */
  String reason() {
    return getMessage();
  }
}
