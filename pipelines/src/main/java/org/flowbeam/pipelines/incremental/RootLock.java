package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive right of one run to change an output root: an OS file lock on {@code
 * _flowbeam/lock} ({@link FileChannel#tryLock}), which the holder's process id is written into for
 * the refusal message. A second run is refused at once ({@link RootLockedException}), never queued.
 *
 * <p>The lock dies with its process, so a killed run leaves no stale lock behind: the lock file
 * stays, but nobody holds it. {@link #close} releases it on every way out of a run (use
 * try-with-resources).
 *
 * <p>OS file locks belong to the process, not to a channel: within one JVM, a second channel on the
 * file would not be refused by the OS, and closing it could release the first one's lock. So the
 * roots this JVM holds are also kept in a set, checked before any channel is opened.
 *
 * <pre>{@code
 * try (RootLock lock = RootLock.acquire(layout)) {
 *   ... recover, plan, run, commit ...
 * }
 * }</pre>
 */
public final class RootLock implements AutoCloseable {
  private static final Set<Path> HELD_BY_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private RootLock(Path lockFile, FileChannel channel, FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks the root of {@code layout} ({@code _flowbeam/} must exist).
   *
   * @throws RootLockedException if another run, in this process or another, holds it
   */
  public static RootLock acquire(RootLayout layout) {
    Path file = layout.lock().toPath();
    if (!HELD_BY_THIS_JVM.add(file)) {
      throw new RootLockedException(
          layout.root().toPath(), String.valueOf(ProcessHandle.current().pid()));
    }
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held through another channel of this JVM, outside this class
      }
      if (lock == null) {
        String holder = readPid(ch);
        throw new RootLockedException(layout.root().toPath(), holder);
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
      ch.force(false);
      return new RootLock(file, ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      HELD_BY_THIS_JVM.remove(file);
      throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      HELD_BY_THIS_JVM.remove(file);
      throw e;
    }
  }

  /** Whether this lock is still held. */
  public boolean isHeld() {
    return lock.isValid();
  }

  /** Releases the lock (the lock file stays; it is not a sign of anything by itself). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it too.
    } finally {
      closeQuietly(channel);
      HELD_BY_THIS_JVM.remove(lockFile);
    }
  }

  /** The pid the holder wrote, read without locking (locks are advisory), or {@code unknown}. */
  private static String readPid(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(32);
      ch.read(buf, 0);
      String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
      return s.matches("\\d+") ? s : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing more to release
      }
    }
  }
}
