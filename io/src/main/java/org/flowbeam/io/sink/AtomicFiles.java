package org.flowbeam.io.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import org.flowbeam.io.fs.Location;

/**
 * Writes a file (local, or on HDFS through {@link Location}) all at once or not at all: the content
 * goes to a temporary file in the same directory, which is then renamed over the target (atomically
 * where the file system can). A reader never sees half a file, and a failed or retried write leaves
 * the previous file in place.
 *
 * <pre>{@code
 * AtomicFiles.write(dir.resolve("manifest.json"), out -> out.write(bytes));
 * }</pre>
 */
public final class AtomicFiles {
  /** Writes the content of a file to the stream it is given. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes {@code target} (creating its parent directories) with what {@code content} writes. */
  public static void write(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        content.writeTo(out);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes {@code target} as {@link #write(Path, Content)} does, on any file system {@link
   * Location} reaches: a temporary file beside it, renamed over it (on HDFS one atomic rename).
   */
  public static void write(Location target, Content content) throws IOException {
    if (target.isLocal()) {
      write(target.toPath(), content);
      return;
    }
    Location dir = target.parent();
    dir.mkdirs();
    Location tmp =
        dir.resolve(
            "."
                + target.name()
                + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(tmp.create(), 1 << 16)) {
        content.writeTo(out);
      }
      tmp.replace(target);
    } finally {
      tmp.deleteRecursively();
    }
  }
}
