package org.flowbeam.io.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The few file and directory operations FlowBeam's own writers and the output swap need, on one
 * file system: the local one ({@link LocalDirectoryOps}, {@code java.nio}) or a Hadoop one such as
 * HDFS ({@link HadoopDirectoryOps}). Beam's {@code FileSystems} covers reading and writing files
 * but not directories: its rename moves files only, while replacing an output needs a whole
 * directory renamed in one step.
 *
 * <p>Paths are strings as the user gives them: a local path, or a URI such as {@code
 * hdfs://namenode:8020/flows/out}. Use it through {@link Location}, which picks the implementation
 * from the path's scheme.
 */
public interface DirectoryOps {
  /** Whether anything exists at {@code path}. */
  boolean exists(String path) throws IOException;

  /** Whether {@code path} is a directory. */
  boolean isDirectory(String path) throws IOException;

  /** Whether {@code path} is a regular file. */
  boolean isFile(String path) throws IOException;

  /** The names of the entries of directory {@code dir}, sorted. */
  List<String> list(String dir) throws IOException;

  /**
   * The regular files under {@code dir} at any depth, as paths relative to it with {@code /}
   * between their parts, sorted; empty if {@code dir} is not a directory.
   */
  List<String> filesUnder(String dir) throws IOException;

  /** Creates {@code dir} and its missing parents. */
  void mkdirs(String dir) throws IOException;

  /**
   * Renames the file or directory {@code from} to {@code to}, which must not exist, in one step
   * where the file system can (local directories on one file system, HDFS always).
   */
  void rename(String from, String to) throws IOException;

  /** Renames the file {@code from} over the file {@code to}, replacing it if it exists. */
  void replaceFile(String from, String to) throws IOException;

  /** Deletes {@code path} and, if it is a directory, everything under it; nothing if absent. */
  void deleteRecursively(String path) throws IOException;

  /** A new file {@code file} (replacing one that exists) to write. */
  OutputStream create(String file) throws IOException;

  /** The content of the file {@code file}. */
  InputStream open(String file) throws IOException;

  /**
   * A new file {@code file} to write, created only if nothing is there, in one step no other client
   * can come between (O_EXCL locally, a NameNode create without overwrite on HDFS): the building
   * block of a lock that works across machines.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
   */
  OutputStream createNew(String file) throws IOException;

  /**
   * Kind, size and modification time of {@code path} in one call (one NameNode call on HDFS), or
   * empty if nothing is there.
   */
  Optional<PathStatus> status(String path) throws IOException;

  /** The size of the file {@code file} in bytes. */
  long size(String file) throws IOException;

  /** The last modification time of {@code path}, at the file system's precision. */
  Instant modificationTime(String path) throws IOException;

  /** Sets the modification time of {@code path} (a lease renewed without rewriting the file). */
  void setModificationTime(String path, Instant time) throws IOException;

  /**
   * Deletes the directory {@code dir} if it has no entries; true if it did (or {@code dir} is
   * absent), false if {@code dir} holds something.
   */
  boolean deleteIfEmptyDirectory(String dir) throws IOException;

  /**
   * {@code path} made absolute and normalized: a local path from the file system root, a Hadoop
   * path as a full URI ({@code hdfs://namenode:8020/dir/file}), so one file always has one name.
   */
  String absolute(String path) throws IOException;

  /** {@code dir}'s child {@code name}, or the path {@code name} ({@code a/b}) relative to it. */
  String resolve(String dir, String name);

  /** The directory holding {@code path}, or null at the root. */
  String parent(String path);

  /** The last part of {@code path}. */
  String name(String path);
}
