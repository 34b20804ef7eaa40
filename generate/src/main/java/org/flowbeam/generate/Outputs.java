package org.flowbeam.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Opens the generator's output files: gzip-compressed when the name ends in {@code .gz}. */
final class Outputs {
  private Outputs() {}

  static boolean isGzip(Path file) {
    return file.getFileName().toString().endsWith(".gz");
  }

  /**
   * A stream to {@code file}, created or truncated, parent directories made. Callers buffer; the
   * gzip stream's header has no time stamp, so equal content gives equal files.
   */
  static OutputStream open(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    OutputStream out = Files.newOutputStream(file);
    return isGzip(file) ? new GZIPOutputStream(out, 1 << 16) : out;
  }
}
