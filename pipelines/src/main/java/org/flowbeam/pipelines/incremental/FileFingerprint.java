package org.flowbeam.pipelines.incremental;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.fs.PathStatus;

/**
 * What the ledger remembers of an input file to tell whether it changed: its size, its modification
 * time and the SHA-256 of its first and last 64 KiB. A file that grew (a capture still being
 * written), was rewritten or was replaced by another of the same name differs in at least one of
 * them; reading only the head and tail keeps the check cheap for files of any size. A change
 * confined to the middle of a file that keeps its size and modification time goes unseen.
 *
 * @param path the absolute, normalized path
 * @param size the size in bytes
 * @param mtime the modification time, ISO-8601 at the file system's precision
 * @param headTailSha256 hex SHA-256 of the first 64 KiB followed by the last 64 KiB (the bytes in
 *     between skipped; a file of 128 KiB or less is hashed whole, each byte once)
 */
public record FileFingerprint(
    @JsonProperty("path") String path,
    @JsonProperty("size") long size,
    @JsonProperty("mtime") String mtime,
    @JsonProperty("head_tail_sha256") String headTailSha256) {

  /** Bytes hashed at each end of a file. */
  public static final int END_BYTES = 64 * 1024;

  /** Reads the fingerprint of the local {@code file}. */
  public static FileFingerprint of(Path file) throws IOException {
    return of(Location.local(file));
  }

  /**
   * Reads the fingerprint of {@code file} from its file system; its path is the absolute one (a
   * full URI on HDFS).
   *
   * @throws NoSuchFileException if {@code file} is not there or is not a regular file
   */
  public static FileFingerprint of(Location file) throws IOException {
    return ifFile(file).orElseThrow(() -> new NoSuchFileException(file + " is not a file"));
  }

  /**
   * The fingerprint of {@code file}, or empty if it is not there or is not a regular file. Asks the
   * file system once for size and time, then opens the file once: two NameNode calls on HDFS.
   */
  public static Optional<FileFingerprint> ifFile(Location file) throws IOException {
    Location abs = file.absolute();
    Optional<PathStatus> status = abs.status().filter(PathStatus::isFile);
    if (status.isEmpty()) {
      return Optional.empty();
    }
    long size = status.get().size();
    MessageDigest sha = sha256();
    long headEnd = Math.min(size, END_BYTES);
    long tailStart = Math.max(headEnd, size - END_BYTES);
    try (InputStream in = abs.open()) {
      hash(in, headEnd, sha, abs);
      in.skipNBytes(tailStart - headEnd);
      hash(in, size - tailStart, sha, abs);
    } catch (EOFException e) {
      throw new IOException(abs + " shrank while its fingerprint was read", e);
    }
    return Optional.of(
        new FileFingerprint(
            abs.toString(),
            size,
            status.get().modificationTime().toString(),
            HexFormat.of().formatHex(sha.digest())));
  }

  /** Whether size, modification time and hash are all equal (the path is not compared). */
  public boolean sameContentAs(FileFingerprint other) {
    return size == other.size
        && mtime.equals(other.mtime)
        && headTailSha256.equals(other.headTailSha256);
  }

  /** Hashes the next {@code length} bytes of {@code in}, one open file read front to back. */
  private static void hash(InputStream in, long length, MessageDigest sha, Location file)
      throws IOException {
    byte[] bytes = in.readNBytes((int) length);
    if (bytes.length < length) {
      throw new IOException(file + " shrank while its fingerprint was read");
    }
    sha.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
