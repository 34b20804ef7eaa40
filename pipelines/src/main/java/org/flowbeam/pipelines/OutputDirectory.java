package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.flowbeam.pipelines.incremental.FileTrees;

/**
 * The output directory of a run, replaced as a whole: the job writes into a staging directory
 * beside it, and only a successful run swaps the staging directory in, so a failed run leaves the
 * previous output untouched and a second run never mixes with the first.
 *
 * <p>An existing directory is replaced only if it is empty or holds a FlowBeam {@code
 * manifest.json}; anything else is refused, so a mistyped {@code --output} cannot delete a user's
 * files. Local file system only.
 */
final class OutputDirectory {
  static final String MANIFEST = "manifest.json";

  private final Path target;
  private final Path staging;

  private OutputDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Checks that {@code dir} may be written and creates the staging directory beside it.
   *
   * @throws UsageException if {@code dir} exists and is not a FlowBeam output
   */
  static OutputDirectory prepare(String dir) {
    Path target = Path.of(dir).toAbsolutePath().normalize();
    if (Files.exists(target)) {
      if (!Files.isDirectory(target)) {
        throw new UsageException("output " + dir + " exists and is not a directory");
      }
      if (!isEmpty(target) && !Files.isRegularFile(target.resolve(MANIFEST))) {
        throw new UsageException(
            "output directory "
                + dir
                + " is not empty and holds no FlowBeam manifest.json; refusing to replace it");
      }
    }
    try {
      Path parent = target.getParent();
      Files.createDirectories(parent);
      Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".staging-");
      return new OutputDirectory(target, staging);
    } catch (IOException e) {
      throw new UsageException(
          "cannot create output directory next to " + dir + ": " + e.getMessage());
    }
  }

  /** Where the job writes. */
  Path staging() {
    return staging;
  }

  /** The final directory. */
  Path target() {
    return target;
  }

  /** Replaces the target with the staging directory. */
  void commit() {
    try {
      if (Files.exists(target)) {
        Path old =
            Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
        Files.delete(old);
        move(target, old);
        move(staging, target);
        FileTrees.deleteRecursively(old);
      } else {
        move(staging, target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move output into " + target + ": " + e.getMessage(), e);
    }
  }

  /** Removes the staging directory after a failed run. */
  void abandon() {
    try {
      FileTrees.deleteRecursively(staging);
    } catch (IOException e) {
      // Best effort: a leftover hidden staging directory is harmless and named as such.
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UsageException("cannot list output directory " + dir + ": " + e.getMessage());
    }
  }
}
