package org.flowbeam.pipelines.progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether progress goes to a terminal, and how wide it is. */
public final class Terminal {
  /** The width assumed when the environment does not say ({@code COLUMNS}). */
  static final int DEFAULT_WIDTH = 80;

  private Terminal() {}

  /**
   * Whether {@code stream} is this process's standard error and a terminal, so that a line can be
   * rewritten in place with a carriage return. {@link System#console()} says whether the JVM is
   * attached to a terminal (standard input and output); where Linux's {@code /proc/self/fd/2} is
   * readable it must name a terminal too, so that {@code 2>log} gets plain lines.
   */
  public static boolean isInteractive(PrintStream stream) {
    if (stream != System.err || System.console() == null) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return true; // no /proc: trust the console
    }
  }

  /** The terminal's width in columns: {@code COLUMNS} if the shell exports it, else 80. */
  public static int width() {
    return width(System.getenv("COLUMNS"));
  }

  static int width(String columns) {
    try {
      int w = columns == null ? DEFAULT_WIDTH : Integer.parseInt(columns.trim());
      return w >= 20 ? w : DEFAULT_WIDTH;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }
}
