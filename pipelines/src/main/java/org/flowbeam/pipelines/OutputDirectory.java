package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.beam.sdk.options.PipelineOptions;
import org.flowbeam.io.fs.Location;

/**
 * The output directory of a run, replaced as a whole: the job writes into a staging directory
 * beside it, and only a successful run swaps the staging directory in, so a failed run leaves the
 * previous output untouched and a second run never mixes with the first.
 *
 * <p>An existing directory is replaced only if it is empty or holds a FlowBeam {@code
 * manifest.json}; anything else is refused, so a mistyped {@code --output} cannot delete a user's
 * files. The output may be a local directory or an HDFS URI ({@link Location}); the swap is two
 * renames of whole directories, each atomic on HDFS and on one local file system.
 *
 * <p>The hidden directories beside the target ({@code .NAME.staging-PID-…} while a run writes,
 * {@code .NAME.old-PID-…} for the moment of the swap) name the process that made them. A run that
 * was killed leaves them behind; the next run for the same target removes those whose process is
 * gone, and if the kill fell between the two moves of the swap, it puts the previous output back
 * first. The process is looked up on the machine of the run, so runs writing one HDFS output from
 * two machines at the same time are not supported (nor are two at once on one machine).
 */
final class OutputDirectory {
  static final String MANIFEST = "manifest.json";

  private final Location target;
  private final Location staging;

  private OutputDirectory(Location target, Location staging) {
    this.target = target;
    this.staging = staging;
  }

  /** {@link #prepare(String, PipelineOptions)} of a local directory. */
  static OutputDirectory prepare(String dir) {
    return prepare(dir, null);
  }

  /**
   * Checks that {@code dir} may be written and creates the staging directory beside it; {@code
   * options} carry the Hadoop configuration of an HDFS {@code dir}.
   *
   * @throws UsageException if {@code dir} exists and is not a FlowBeam output, or its file system
   *     cannot be reached
   */
  static OutputDirectory prepare(String dir, PipelineOptions options) {
    Location target = absolute(Location.of(dir, options));
    try {
      if (target.exists()) {
        if (!target.isDirectory()) {
          throw new UsageException("output " + dir + " exists and is not a directory");
        }
        if (!target.list().isEmpty() && !target.resolve(MANIFEST).isFile()) {
          throw new UsageException(
              "output directory "
                  + dir
                  + " is not empty and holds no FlowBeam manifest.json; refusing to replace it");
        }
      }
      Location parent = target.parent();
      if (parent == null) {
        throw new UsageException("output " + dir + " is a root directory; give a directory in it");
      }
      parent.mkdirs();
      removeLeftovers(target);
      return new OutputDirectory(target, newSibling(target, STAGING));
    } catch (IOException e) {
      throw new UsageException(
          "cannot create output directory next to " + dir + ": " + HadoopErrors.oneLine(e));
    }
  }

  /** A local path made absolute and normal; a URI as it is. */
  private static Location absolute(Location l) {
    return l.isLocal() ? Location.local(l.toPath().toAbsolutePath().normalize()) : l;
  }

  private static final String STAGING = "staging";
  private static final String OLD = "old";

  /** {@code .NAME.KIND-PID-}: a hidden sibling of {@code target} owned by this process. */
  private static String prefix(Location target, String kind) {
    return "." + target.name() + "." + kind + "-" + ProcessHandle.current().pid() + "-";
  }

  /** Creates a new empty directory {@code .NAME.KIND-PID-RANDOM} beside {@code target}. */
  private static Location newSibling(Location target, String kind) throws IOException {
    if (target.isLocal()) {
      Path parent = target.toPath().getParent();
      return Location.local(Files.createTempDirectory(parent, prefix(target, kind)));
    }
    while (true) {
      Location dir =
          target.sibling(
              prefix(target, kind)
                  + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
      if (!dir.exists()) {
        dir.mkdirs();
        return dir;
      }
    }
  }

  /** {@link #removeLeftovers(Location)} of a local target. */
  static void removeLeftovers(Path target) throws IOException {
    removeLeftovers(Location.local(target));
  }

  /**
   * Removes the staging and old directories that killed runs for {@code target} left beside it;
   * restores a previous output that a run killed during the swap had moved aside.
   */
  static void removeLeftovers(Location target) throws IOException {
    Location parent = target.parent();
    String name = "." + target.name() + ".";
    List<String> leftovers =
        parent.list().stream()
            .filter(n -> n.startsWith(name))
            .filter(n -> ownerIsGone(n.substring(name.length())))
            .sorted()
            .toList();
    for (String n : leftovers) {
      Location p = parent.resolve(n);
      String kind = n.substring(name.length());
      if (kind.startsWith(OLD + "-") && !target.exists() && p.resolve(MANIFEST).isFile()) {
        p.renameTo(target);
      } else {
        p.deleteRecursively();
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

  /** Where the job writes, if it is local. */
  Path staging() {
    return staging.toPath();
  }

  /** Where the job writes. */
  Location stagingLocation() {
    return staging;
  }

  /** The final directory. */
  Location target() {
    return target;
  }

  /** Replaces the target with the staging directory. */
  void commit() {
    try {
      if (target.exists()) {
        Location old = newSibling(target, OLD);
        old.deleteRecursively();
        target.renameTo(old);
        staging.renameTo(target);
        old.deleteRecursively();
      } else {
        staging.renameTo(target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move output into " + target + ": " + HadoopErrors.oneLine(e), e);
    }
  }

  /** Removes the staging directory after a failed run. */
  void abandon() {
    try {
      staging.deleteRecursively();
    } catch (IOException | RuntimeException e) {
      // Best effort: a leftover hidden staging directory is harmless and named as such.
    }
  }
}
