package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flowbeam.io.fs.Location;

/** The few file-tree operations a commit needs, on any file system {@link Location} reaches. */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes the local {@code dir} and everything under it; nothing if it does not exist. */
  public static void deleteRecursively(Path dir) throws IOException {
    Location.local(dir).deleteRecursively();
  }

  /**
   * Deletes the empty directories from {@code file}'s parent up to, not including, {@code top}
   * ({@code file} lies under {@code top}).
   */
  static void deleteEmptyParents(Location file, Location top) throws IOException {
    String topPath = top.toString();
    for (Location d = file.parent();
        d != null && d.toString().startsWith(topPath) && !d.equals(top);
        d = d.parent()) {
      if (!d.deleteIfEmptyDirectory()) {
        return;
      }
    }
  }

  /**
   * Renames {@code from} to {@code to}, replacing {@code to}, atomically (one rename on one file
   * system: a reader sees the old file or the new, never a part).
   */
  static void moveReplacing(Location from, Location to) throws IOException {
    to.parent().mkdirs();
    from.replace(to);
  }

  /**
   * The regular files under {@code dir}, as {@code /}-separated paths relative to it, sorted; paths
   * with a part that begins with {@code _} or {@code .} (metadata, temporary files) are left out.
   */
  static List<String> resultFiles(Location dir) throws IOException {
    List<String> files = new ArrayList<>();
    for (String rel : dir.filesUnder()) {
      if (isResultPath(rel)) {
        files.add(rel);
      }
    }
    return files;
  }

  /** Whether no part of the {@code /}-separated {@code rel} begins with {@code _} or {@code .}. */
  static boolean isResultPath(String rel) {
    for (String part : rel.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return false;
      }
    }
    return true;
  }
}
