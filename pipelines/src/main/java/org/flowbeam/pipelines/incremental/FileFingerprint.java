package org.flowbeam.pipelines.incremental;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

  /** Reads the fingerprint of {@code file} from the file system. */
  public static FileFingerprint of(Path file) throws IOException {
    Path abs = file.toAbsolutePath().normalize();
    BasicFileAttributes attrs = Files.readAttributes(abs, BasicFileAttributes.class);
    long size = attrs.size();
    MessageDigest sha = sha256();
    try (FileChannel ch = FileChannel.open(abs, StandardOpenOption.READ)) {
      long headEnd = Math.min(size, END_BYTES);
      hashRange(ch, 0, headEnd, sha, abs);
      hashRange(ch, Math.max(headEnd, size - END_BYTES), size, sha, abs);
    }
    return new FileFingerprint(
        abs.toString(),
        size,
        attrs.lastModifiedTime().toInstant().toString(),
        HexFormat.of().formatHex(sha.digest()));
  }

  /** Whether size, modification time and hash are all equal (the path is not compared). */
  public boolean sameContentAs(FileFingerprint other) {
    return size == other.size
        && mtime.equals(other.mtime)
        && headTailSha256.equals(other.headTailSha256);
  }

  /** The file's path. */
  public Path asPath() {
    return Path.of(path);
  }

  private static void hashRange(FileChannel ch, long from, long to, MessageDigest sha, Path file)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(END_BYTES);
    long pos = from;
    while (pos < to) {
      buf.clear().limit((int) Math.min(END_BYTES, to - pos));
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException(file + " shrank while its fingerprint was read");
      }
      buf.flip();
      sha.update(buf);
      pos += n;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
