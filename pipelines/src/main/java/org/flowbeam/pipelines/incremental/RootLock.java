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
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.flowbeam.pipelines.HadoopErrors;
import org.flowbeam.pipelines.UsageException;

/**
 * The exclusive right of one run to change an output root. A second run is refused at once ({@link
 * RootLockedException}), never queued. Two kinds, by the root's file system:
 *
 * <ul>
 *   <li><b>A local root:</b> an OS file lock on {@code _flowbeam/lock} ({@link
 *       FileChannel#tryLock}), which the holder's process id is written into for the refusal
 *       message. The lock dies with its process, so a killed run leaves no stale lock behind: the
 *       lock file stays, but nobody holds it. OS file locks belong to the process, not to a
 *       channel: within one JVM, a second channel on the file would not be refused by the OS, and
 *       closing it could release the first one's lock. So the roots this JVM holds are also kept in
 *       a set, checked before any channel is opened.
 *   <li><b>A root on HDFS</b> (or any other Hadoop file system), where runs may be submitted from
 *       several machines and there are no OS locks: a {@link LeaseLock} on {@code _flowbeam/lease},
 *       renewed while the run lasts; a killed run's lease is taken over once it has expired ({@link
 *       LeaseLock#DEFAULT_EXPIRY}).
 * </ul>
 *
 * {@link #close} releases the lock on every way out of a run (use try-with-resources); {@link
 * #isHeld} tells a run, before it commits, that it still holds it.
 *
 * <pre>{@code
 * try (RootLock lock = RootLock.acquire(layout)) {
 *   ... recover, plan, run, commit ...
 * }
 * }</pre>
 */
public final class RootLock implements AutoCloseable {
  private static final Set<Path> HELD_BY_THIS_JVM = ConcurrentHashMap.newKeySet();

  /** Whether the lock is still held; run on {@link #close}. */
  private final BooleanSupplier held;

  private final Runnable release;

  private RootLock(BooleanSupplier held, Runnable release) {
    this.held = held;
    this.release = release;
  }

  /**
   * Locks the root of {@code layout} ({@code _flowbeam/} must exist).
   *
   * @throws RootLockedException if another run, in this process or another, holds it
   * @throws UsageException if the root's file system cannot be reached
   */
  public static RootLock acquire(RootLayout layout) {
    return acquire(layout, Clock.systemUTC());
  }

  /**
   * Locks the root of {@code layout}, judging a lease's expiry by {@code clock} (the run's clock; a
   * local root's OS lock does not expire).
   *
   * @throws RootLockedException if another run, in this process or another, holds it
   * @throws UsageException if the root's file system cannot be reached
   */
  public static RootLock acquire(RootLayout layout, Clock clock) {
    return layout.root().isLocal() ? fileLock(layout) : lease(layout, clock);
  }

  private static RootLock lease(RootLayout layout, Clock clock) {
    try {
      LeaseLock lease = LeaseLock.acquire(layout.lease(), LeaseLock.DEFAULT_EXPIRY, clock);
      return new RootLock(lease::isHeld, lease::close);
    } catch (LeaseLock.HeldException e) {
      throw new RootLockedException(layout.root().toString(), e.holderDescription());
    } catch (IOException e) {
      throw new UsageException(
          "cannot lock output " + layout.root() + ": " + HadoopErrors.oneLine(e));
    }
  }

  private static RootLock fileLock(RootLayout layout) {
    Path file = layout.lock().toPath();
    Path root = layout.root().toPath();
    if (!HELD_BY_THIS_JVM.add(file)) {
      throw new RootLockedException(root, String.valueOf(ProcessHandle.current().pid()));
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
        throw new RootLockedException(root, holder);
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
      ch.force(false);
      FileChannel channel = ch;
      FileLock held = lock;
      return new RootLock(held::isValid, () -> release(file, channel, held));
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
    return held.getAsBoolean();
  }

  /** Releases the lock. A local lock file stays; it is not a sign of anything by itself. */
  @Override
  public void close() {
    release.run();
  }

  private static void release(Path file, FileChannel channel, FileLock lock) {
    try {
      lock.release();
    } catch (IOException e) {
      // Closing the channel below releases it too.
    } finally {
      closeQuietly(channel);
      HELD_BY_THIS_JVM.remove(file);
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
