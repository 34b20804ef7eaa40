package org.flowbeam.io.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.ipc.RemoteException;

/**
 * {@link DirectoryOps} on a Hadoop file system (HDFS: {@code hdfs://namenode:port/dir}), through
 * Hadoop's own client. Renames go through {@link FileContext#rename}, which refuses an existing
 * target instead of moving the source into it as {@link FileSystem#rename} would; on HDFS a rename
 * of a file or a whole directory is one atomic NameNode operation.
 */
public final class HadoopDirectoryOps implements DirectoryOps {
  private final Configuration conf;

  /** Operations with the Hadoop configuration {@code conf} ({@code core-site.xml} etc.). */
  public HadoopDirectoryOps(Configuration conf) {
    this.conf = conf;
  }

  /**
   * Operations through Hadoop's client on {@code file://} paths of the local disk, without the
   * {@code .crc} files of its checksummed local file system: the code paths a root on HDFS takes,
   * run without a NameNode (tests).
   */
  public static HadoopDirectoryOps rawLocal() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("fs.AbstractFileSystem.file.impl", "org.apache.hadoop.fs.local.RawLocalFs");
    return new HadoopDirectoryOps(conf);
  }

  private static Path path(String p) {
    return new Path(p);
  }

  private FileSystem fs(String p) throws IOException {
    return path(p).getFileSystem(conf);
  }

  private FileContext context(String p) throws IOException {
    return FileContext.getFileContext(URI.create(p), conf);
  }

  @Override
  public boolean exists(String p) throws IOException {
    return fs(p).exists(path(p));
  }

  @Override
  public boolean isDirectory(String p) throws IOException {
    FileStatus s = hadoopStatus(p);
    return s != null && s.isDirectory();
  }

  @Override
  public boolean isFile(String p) throws IOException {
    FileStatus s = hadoopStatus(p);
    return s != null && s.isFile();
  }

  private FileStatus hadoopStatus(String p) throws IOException {
    try {
      return fs(p).getFileStatus(path(p));
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  @Override
  public List<String> list(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    for (FileStatus s : fs(dir).listStatus(path(dir))) {
      names.add(s.getPath().getName());
    }
    names.sort(null);
    return names;
  }

  @Override
  public List<String> filesUnder(String dir) throws IOException {
    if (!isDirectory(dir)) {
      return List.of();
    }
    FileSystem fs = fs(dir);
    String root = fs.makeQualified(path(dir)).toUri().getPath();
    String prefix = root.endsWith("/") ? root : root + "/";
    List<String> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(path(dir), true);
    while (it.hasNext()) {
      String p = it.next().getPath().toUri().getPath();
      if (p.startsWith(prefix)) {
        files.add(p.substring(prefix.length()));
      }
    }
    files.sort(null);
    return files;
  }

  @Override
  public void mkdirs(String dir) throws IOException {
    if (!fs(dir).mkdirs(path(dir))) {
      throw new IOException("cannot create directory " + dir);
    }
  }

  @Override
  public void rename(String from, String to) throws IOException {
    try {
      context(from).rename(path(from), path(to), Options.Rename.NONE);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw new java.nio.file.FileAlreadyExistsException(to);
    }
  }

  @Override
  public void replaceFile(String from, String to) throws IOException {
    context(from).rename(path(from), path(to), Options.Rename.OVERWRITE);
  }

  @Override
  public void deleteRecursively(String p) throws IOException {
    FileSystem fs = fs(p);
    if (fs.exists(path(p)) && !fs.delete(path(p), true) && fs.exists(path(p))) {
      throw new IOException("cannot delete " + p);
    }
  }

  @Override
  public OutputStream create(String file) throws IOException {
    return fs(file).create(path(file), true);
  }

  @Override
  public InputStream open(String file) throws IOException {
    return fs(file).open(path(file));
  }

  @Override
  public OutputStream createNew(String file) throws IOException {
    try {
      return fs(file).create(path(file), false);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw new java.nio.file.FileAlreadyExistsException(file);
    } catch (RemoteException e) {
      // Another client has it open for writing (AlreadyBeingCreatedException): taken all the same.
      if (exists(file)) {
        throw new java.nio.file.FileAlreadyExistsException(file);
      }
      throw e;
    }
  }

  @Override
  public Optional<PathStatus> status(String p) throws IOException {
    FileStatus s = hadoopStatus(p);
    return s == null
        ? Optional.empty()
        : Optional.of(
            new PathStatus(
                s.isFile(),
                s.isDirectory(),
                s.getLen(),
                Instant.ofEpochMilli(s.getModificationTime())));
  }

  @Override
  public long size(String file) throws IOException {
    return fs(file).getFileStatus(path(file)).getLen();
  }

  @Override
  public Instant modificationTime(String p) throws IOException {
    return Instant.ofEpochMilli(fs(p).getFileStatus(path(p)).getModificationTime());
  }

  @Override
  public void setModificationTime(String p, Instant time) throws IOException {
    fs(p).setTimes(path(p), time.toEpochMilli(), -1);
  }

  @Override
  public boolean deleteIfEmptyDirectory(String dir) throws IOException {
    FileSystem fs = fs(dir);
    FileStatus s = hadoopStatus(dir);
    if (s == null) {
      return true;
    }
    if (!s.isDirectory() || fs.listStatus(path(dir)).length > 0) {
      return false;
    }
    return fs.delete(path(dir), false) || !fs.exists(path(dir));
  }

  @Override
  public String absolute(String p) throws IOException {
    return fs(p).makeQualified(path(p)).toString();
  }

  @Override
  public String resolve(String dir, String name) {
    return (dir.endsWith("/") ? dir : dir + "/") + name;
  }

  @Override
  public String parent(String p) {
    Path parent = path(p).getParent();
    return parent == null ? null : parent.toString();
  }

  @Override
  public String name(String p) {
    return path(p).getName();
  }
}
