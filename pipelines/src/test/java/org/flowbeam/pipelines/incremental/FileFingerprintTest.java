package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.flowbeam.io.fs.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fingerprint hashes the first and last 64 KiB and sees growth and rewrites. */
class FileFingerprintTest {
  @TempDir Path dir;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aSmallFileIsHashedWhole() throws IOException {
    byte[] content = random(100_000, 1);
    Path f = Files.write(dir.resolve("small.pcap"), content);
    FileFingerprint fp = FileFingerprint.of(f);
    assertThat(fp.headTailSha256(), equalTo(RootFiles.sha256(content)));
    assertThat(fp.size(), equalTo(100_000L));
    assertThat(fp.path(), equalTo(f.toAbsolutePath().toString()));
  }

  @Test
  void aLargeFileIsHashedByItsFirstAndLast64KiB() throws IOException {
    byte[] content = random(300_000, 2);
    Path f = Files.write(dir.resolve("large.pcap"), content);
    byte[] ends = new byte[2 * 65536];
    System.arraycopy(content, 0, ends, 0, 65536);
    System.arraycopy(content, 300_000 - 65536, ends, 65536, 65536);
    assertThat(FileFingerprint.of(f).headTailSha256(), equalTo(RootFiles.sha256(ends)));
  }

  @Test
  void growthAndRewritesAreSeenAndAMiddleEditKeepingSizeAndTimeIsNot() throws IOException {
    byte[] content = random(300_000, 3);
    Path f = Files.write(dir.resolve("cap.pcap"), content);
    FileTime mtime = FileTime.fromMillis(1_714_568_400_000L);
    Files.setLastModifiedTime(f, mtime);
    FileFingerprint before = FileFingerprint.of(f);

    Files.write(f, new byte[] {1}, StandardOpenOption.APPEND);
    Files.setLastModifiedTime(f, mtime);
    assertThat(FileFingerprint.of(f).sameContentAs(before), is(false)); // grown

    Files.write(f, content);
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_714_568_400_001L));
    assertThat(FileFingerprint.of(f).sameContentAs(before), is(false)); // touched

    byte[] head = Arrays.copyOf(content, content.length);
    head[10] ^= 1;
    Files.write(f, head);
    Files.setLastModifiedTime(f, mtime);
    assertThat(FileFingerprint.of(f).sameContentAs(before), is(false)); // head rewritten

    Files.write(f, content);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~content[150_000]}), 150_000);
    }
    Files.setLastModifiedTime(f, mtime);
    assertThat(FileFingerprint.of(f).sameContentAs(before), is(true)); // the documented blind spot
  }

  @Test
  void aDirectoryOrAMissingFileHasNoFingerprint() throws IOException {
    Files.createDirectories(dir.resolve("sub"));

    assertThat(FileFingerprint.ifFile(Location.local(dir.resolve("sub"))), is(Optional.empty()));
    assertThat(FileFingerprint.ifFile(Location.local(dir.resolve("gone"))), is(Optional.empty()));
    assertThrows(NoSuchFileException.class, () -> FileFingerprint.of(dir.resolve("gone")));
  }
}
