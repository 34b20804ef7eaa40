package org.flowbeam.io.csv;

/**
 * Why one CSV row cannot become a packet. Checked, so that every caller routes it to the error
 * output; it carries no stack trace because it is expected data, not a bug.
 */
final class RejectedRowException extends Exception {
  private static final long serialVersionUID = 1L;

  RejectedRowException(String reason) {
    super(oneLine(reason), null, false, false);
  }

  /**
   * {@code text} with its control characters (a carriage return a quoted field may hold) written as
   * escapes, so that a reason quoting a field stays one line.
   */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        sb.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\x%02x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  /** The one-line reason. */
  String reason() {
    return getMessage();
  }
}
