package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The few file-tree operations a commit needs, on a local file system. */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes {@code dir} and everything under it; nothing if it does not exist. */
  public static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Deletes the empty directories from {@code file}'s parent up to, not including, {@code top}. */
  static void deleteEmptyParents(Path file, Path top) throws IOException {
    for (Path d = file.getParent(); d != null && d.startsWith(top) && !d.equals(top); ) {
      try {
        Files.delete(d);
      } catch (DirectoryNotEmptyException e) {
        return;
      } catch (NoSuchFileException e) {
        // already gone; look at its parent
      }
      d = d.getParent();
    }
  }

  /**
   * Renames {@code from} to {@code to}, replacing {@code to}, atomically (one rename on one file
   * system: a reader sees the old file or the new, never a part).
   */
  static void moveReplacing(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The regular files under {@code dir}, as {@code /}-separated paths relative to it, sorted; paths
   * with a part that begins with {@code _} or {@code .} (metadata, temporary files) are left out.
   */
  static List<String> resultFiles(Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path rel = dir.relativize(p);
        if (Files.isRegularFile(p) && isResultPath(rel)) {
          files.add(slashes(rel));
        }
      }
    }
    files.sort(null);
    return files;
  }

  /** Whether no part of {@code rel} begins with {@code _} or {@code .}. */
  static boolean isResultPath(Path rel) {
    for (Path part : rel) {
      String s = part.toString();
      if (s.startsWith("_") || s.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /** {@code rel} with {@code /} separators on every platform. */
  static String slashes(Path rel) {
    return rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
  }
}
