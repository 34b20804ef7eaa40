package org.flowbeam.io.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.beam.sdk.io.hdfs.HadoopFileSystemOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.hadoop.conf.Configuration;

/**
 * A file or directory FlowBeam writes or reads outside Beam's transforms (the output directory and
 * its swap, the manifest, the TimeArcs layout, the report): a path and the {@link DirectoryOps} of
 * its file system, chosen by the path's scheme. A path without a scheme (or {@code file:}) is
 * local; any other scheme ({@code hdfs:}, {@code webhdfs:}, {@code viewfs:}) goes to Hadoop's
 * client with the Hadoop configuration of the pipeline options ({@code --hdfsConfiguration}, or
 * {@code HADOOP_CONF_DIR}/{@code YARN_CONF_DIR}; Beam's {@link HadoopFileSystemOptions}).
 *
 * <pre>{@code
 * Location out = Location.of("hdfs://nn:8020/flows/out", options);
 * out.resolve("manifest.json").readString();
 * }</pre>
 */
public final class Location {
  private final DirectoryOps ops;
  private final String path;

  private Location(DirectoryOps ops, String path) {
    this.ops = ops;
    this.path = path;
  }

  /** A local path. */
  public static Location local(Path path) {
    return new Location(LocalDirectoryOps.INSTANCE, path.toString());
  }

  /**
   * The location {@code path} on the file system of {@code ops}, whatever its scheme: for tests
   * that run Hadoop's client on {@code file://} paths, which {@link #of} would take as local.
   */
  public static Location on(DirectoryOps ops, String path) {
    return new Location(Objects.requireNonNull(ops), Objects.requireNonNull(path));
  }

  /**
   * The location {@code pathOrUri} names: local, or on the Hadoop file system of its scheme with
   * the Hadoop configuration in {@code options} (null: Hadoop's defaults).
   */
  public static Location of(String pathOrUri, PipelineOptions options) {
    if (isLocal(pathOrUri)) {
      String p =
          pathOrUri.startsWith("file:") ? Path.of(URI.create(pathOrUri)).toString() : pathOrUri;
      return new Location(LocalDirectoryOps.INSTANCE, p);
    }
    return new Location(new HadoopDirectoryOps(hadoopConfiguration(options)), pathOrUri);
  }

  /** Whether {@code pathOrUri} is a local path ({@code /x}, {@code x/y}, {@code file:/x}). */
  public static boolean isLocal(String pathOrUri) {
    String scheme = scheme(pathOrUri);
    return scheme == null || scheme.equals("file");
  }

  /** The URI scheme of {@code pathOrUri} ({@code hdfs}), or null for a plain path. */
  static String scheme(String pathOrUri) {
    int colon = pathOrUri.indexOf("://");
    if (colon <= 1) {
      return pathOrUri.startsWith("file:") ? "file" : null;
    }
    String scheme = pathOrUri.substring(0, colon);
    return scheme.matches("[A-Za-z][A-Za-z0-9+.-]*") ? scheme.toLowerCase() : null;
  }

  /** The Hadoop configuration of {@code options}: its only one, or Hadoop's defaults. */
  static Configuration hadoopConfiguration(PipelineOptions options) {
    if (options != null) {
      List<Configuration> all = options.as(HadoopFileSystemOptions.class).getHdfsConfiguration();
      if (all != null && !all.isEmpty()) {
        return all.get(0);
      }
    }
    return new Configuration();
  }

  /**
   * The child {@code name} of this directory, or the {@code /}-separated path {@code name} under
   * it.
   */
  public Location resolve(String name) {
    return new Location(ops, ops.resolve(path, name));
  }

  /** The directory holding this one; null at the root. */
  public Location parent() {
    String p = ops.parent(path);
    return p == null ? null : new Location(ops, p);
  }

  /** The sibling {@code name} of this location. */
  public Location sibling(String name) {
    return parent().resolve(name);
  }

  /** The last part of the path. */
  public String name() {
    return ops.name(path);
  }

  /** Whether this is on the local file system. */
  public boolean isLocal() {
    return ops instanceof LocalDirectoryOps;
  }

  /** The local path; only for {@link #isLocal()} locations. */
  public Path toPath() {
    if (!isLocal()) {
      throw new IllegalStateException(path + " is not a local path");
    }
    return Path.of(path);
  }

  public boolean exists() throws IOException {
    return ops.exists(path);
  }

  public boolean isDirectory() throws IOException {
    return ops.isDirectory(path);
  }

  public boolean isFile() throws IOException {
    return ops.isFile(path);
  }

  /** The names of this directory's entries, sorted. */
  public List<String> list() throws IOException {
    return ops.list(path);
  }

  /** The regular files under this directory, relative to it with {@code /}, sorted. */
  public List<String> filesUnder() throws IOException {
    return ops.filesUnder(path);
  }

  public void mkdirs() throws IOException {
    ops.mkdirs(path);
  }

  /** Renames this to {@code to}, which must not exist and must be on the same file system. */
  public void renameTo(Location to) throws IOException {
    ops.rename(path, to.path);
  }

  /** Renames this file over {@code to}, replacing it. */
  public void replace(Location to) throws IOException {
    ops.replaceFile(path, to.path);
  }

  public void deleteRecursively() throws IOException {
    ops.deleteRecursively(path);
  }

  public OutputStream create() throws IOException {
    return ops.create(path);
  }

  public InputStream open() throws IOException {
    return ops.open(path);
  }

  /**
   * This file, created only if nothing is there, in one step.
   *
   * @throws java.nio.file.FileAlreadyExistsException if it exists
   */
  public OutputStream createNew() throws IOException {
    return ops.createNew(path);
  }

  /**
   * Kind, size and modification time in one call (one NameNode call on HDFS); empty if nothing is
   * here.
   */
  public Optional<PathStatus> status() throws IOException {
    return ops.status(path);
  }

  /** The file's size in bytes. */
  public long size() throws IOException {
    return ops.size(path);
  }

  /** The last modification time, at the file system's precision. */
  public Instant modificationTime() throws IOException {
    return ops.modificationTime(path);
  }

  public void setModificationTime(Instant time) throws IOException {
    ops.setModificationTime(path, time);
  }

  /** Deletes this directory if it is empty; false if it holds something. */
  public boolean deleteIfEmptyDirectory() throws IOException {
    return ops.deleteIfEmptyDirectory(path);
  }

  /** This location with an absolute, normalized path (a full URI on Hadoop file systems). */
  public Location absolute() throws IOException {
    return new Location(ops, ops.absolute(path));
  }

  /** The file's content as UTF-8 text. */
  public String readString() throws IOException {
    try (InputStream in = open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The file's content as UTF-8 text, or empty if there is no such file. */
  public Optional<String> readStringIfPresent() throws IOException {
    try {
      return Optional.of(readString());
    } catch (NoSuchFileException | FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The path as given (a local path or a URI). */
  @Override
  public String toString() {
    return path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Location l && l.path.equals(path) && l.ops.getClass() == ops.getClass();
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, ops.getClass());
  }
}
