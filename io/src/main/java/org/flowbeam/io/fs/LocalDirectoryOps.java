package org.flowbeam.io.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link DirectoryOps} on the local file system, with {@code java.nio}. */
public final class LocalDirectoryOps implements DirectoryOps {
  /** The one instance: it holds no state. */
  public static final LocalDirectoryOps INSTANCE = new LocalDirectoryOps();

  private LocalDirectoryOps() {}

  private static Path path(String p) {
    return Path.of(p);
  }

  @Override
  public boolean exists(String p) {
    return Files.exists(path(p));
  }

  @Override
  public boolean isDirectory(String p) {
    return Files.isDirectory(path(p));
  }

  @Override
  public boolean isFile(String p) {
    return Files.isRegularFile(path(p));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    try (Stream<Path> s = Files.list(path(dir))) {
      return s.map(c -> c.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public List<String> filesUnder(String dir) throws IOException {
    Path root = path(dir);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace(root.getFileSystem().getSeparator(), "/"))
          .sorted()
          .toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    Files.createDirectories(path(dir));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    if (Files.exists(path(to), LinkOption.NOFOLLOW_LINKS)) {
      // rename(2) would replace an empty directory; the contract is HDFS's: refuse.
      throw new FileAlreadyExistsException(to);
    }
    try {
      Files.move(path(from), path(to), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(path(from), path(to));
    }
  }

  @Override
  public void replaceFile(String from, String to) throws IOException {
    try {
      Files.move(
          path(from),
          path(to),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(path(from), path(to), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void deleteRecursively(String p) throws IOException {
    Path root = path(p);
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteIfExists(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // Gone already: what was wanted.
    }
  }

  @Override
  public OutputStream create(String file) throws IOException {
    return Files.newOutputStream(path(file));
  }

  @Override
  public InputStream open(String file) throws IOException {
    return Files.newInputStream(path(file));
  }

  @Override
  public OutputStream createNew(String file) throws IOException {
    return Files.newOutputStream(
        path(file), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  @Override
  public Optional<PathStatus> status(String p) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path(p), BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(
        new PathStatus(
            a.isRegularFile(), a.isDirectory(), a.size(), a.lastModifiedTime().toInstant()));
  }

  @Override
  public long size(String file) throws IOException {
    return Files.size(path(file));
  }

  @Override
  public Instant modificationTime(String p) throws IOException {
    return Files.getLastModifiedTime(path(p)).toInstant();
  }

  @Override
  public void setModificationTime(String p, Instant time) throws IOException {
    Files.setLastModifiedTime(path(p), FileTime.from(time));
  }

  @Override
  public boolean deleteIfEmptyDirectory(String dir) throws IOException {
    if (!Files.isDirectory(path(dir), LinkOption.NOFOLLOW_LINKS)) {
      return !Files.exists(path(dir), LinkOption.NOFOLLOW_LINKS);
    }
    try {
      Files.delete(path(dir));
      return true;
    } catch (NoSuchFileException e) {
      return true;
    } catch (DirectoryNotEmptyException e) {
      return false;
    }
  }

  @Override
  public String absolute(String p) {
    return path(p).toAbsolutePath().normalize().toString();
  }

  @Override
  public String resolve(String dir, String name) {
    return path(dir).resolve(name).toString();
  }

  @Override
  public String parent(String p) {
    Path parent = path(p).toAbsolutePath().getParent();
    return parent == null ? null : parent.toString();
  }

  @Override
  public String name(String p) {
    Path name = path(p).getFileName();
    return name == null ? p : name.toString();
  }
}
