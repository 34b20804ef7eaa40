package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helpers that look at an output root from outside. */
final class RootFiles {
  private RootFiles() {}

  /**
   * Every file of the root (relative path → SHA-256 of its content), except the lock file, whose
   * content is the pid of whoever held it last.
   */
  static Map<String, String> snapshot(Path root) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (Files.isRegularFile(p) && !rel.equals("_flowbeam/lock")) {
          files.put(rel, sha256(Files.readAllBytes(p)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Every record of every {@code flows} file of the root, in no particular order. */
  static List<String> flowRecords(Path root) {
    List<String> records = new ArrayList<>();
    Path flows = root.resolve("flows");
    if (!Files.isDirectory(flows)) {
      return records;
    }
    try (Stream<Path> all = Files.walk(flows)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p)) {
          records.addAll(Files.readAllLines(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /** The records the fake job would write for {@code inputs}: {@code FILE_NAME,LINE}. */
  static List<String> expectedRecords(List<Path> inputs) {
    List<String> records = new ArrayList<>();
    try {
      for (Path in : inputs) {
        for (String line : Files.readAllLines(in)) {
          if (!line.isBlank()) {
            records.add(in.getFileName() + "," + line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return records;
  }

  /** Copies the tree {@code from} to {@code to}, keeping modification times. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
