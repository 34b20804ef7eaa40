package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
 *
 * <p>The hidden directories beside the target ({@code .NAME.staging-PID-…} while a run writes,
 * {@code .NAME.old-PID-…} for the moment of the swap) name the process that made them. A run that
 * was killed leaves them behind; the next run for the same target removes those whose process is
 * gone, and if the kill fell between the two moves of the swap, it puts the previous output back
 * first.
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
      removeLeftovers(target);
      Path staging = Files.createTempDirectory(parent, prefix(target, STAGING));
      return new OutputDirectory(target, staging);
    } catch (IOException e) {
      throw new UsageException(
          "cannot create output directory next to " + dir + ": " + e.getMessage());
    }
  }

  private static final String STAGING = "staging";
  private static final String OLD = "old";

  /** {@code .NAME.KIND-PID-}: a hidden sibling of {@code target} owned by this process. */
  private static String prefix(Path target, String kind) {
    return "." + target.getFileName() + "." + kind + "-" + ProcessHandle.current().pid() + "-";
  }

  /**
   * Removes the staging and old directories that killed runs for {@code target} left beside it;
   * restores a previous output that a run killed during the swap had moved aside.
   */
  static void removeLeftovers(Path target) throws IOException {
    Path parent = target.getParent();
    String name = "." + target.getFileName() + ".";
    List<Path> leftovers;
    try (Stream<Path> siblings = Files.list(parent)) {
      leftovers =
          siblings
              .filter(p -> p.getFileName().toString().startsWith(name))
              .filter(p -> ownerIsGone(p.getFileName().toString().substring(name.length())))
              .sorted()
              .toList();
    }
    for (Path p : leftovers) {
      String kind = p.getFileName().toString().substring(name.length());
      if (kind.startsWith(OLD + "-")
          && !Files.exists(target)
          && Files.isRegularFile(p.resolve(MANIFEST))) {
        move(p, target);
      } else {
        FileTrees.deleteRecursively(p);
      }
    }
  }

  /**
   * Whether {@code kindPidRest} ({@code staging-PID-…} or {@code old-PID-…}) names a process that
   * is no longer running. Names of another form are not FlowBeam's and are left alone.
   */
  private static boolean ownerIsGone(String kindPidRest) {
    String[] parts = kindPidRest.split("-", 3);
    if (parts.length < 3 || !(parts[0].equals(STAGING) || parts[0].equals(OLD))) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
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
        Path old = Files.createTempDirectory(target.getParent(), prefix(target, OLD));
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
