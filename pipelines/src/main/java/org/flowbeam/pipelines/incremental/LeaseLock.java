package org.flowbeam.pipelines.incremental;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.flowbeam.io.fs.Location;

/**
 * The exclusive right of one run to change an output root that several machines share (HDFS, where
 * there are no OS file locks): a lease file, created only if absent ({@link Location#createNew()},
 * one atomic NameNode operation), holding one line that names its holder: {@code host=w7 pid=4242
 * token=<32 hex digits>}. The token is new for every acquisition, so a lease file is recognised by
 * its content, never by its name.
 *
 * <pre>{@code
 * try (LeaseLock lease = LeaseLock.acquire(root.resolve("_flowbeam").resolve("lock"))) {
 *   ... recover, plan, run ...
 *   if (!lease.isHeld()) { ... refuse to commit ... }
 *   ... commit ...
 * }
 * }</pre>
 *
 * <p><b>Renewal.</b> A daemon thread renews the lease every tenth of the expiry: it checks that the
 * file still holds this lease's line, sets the file's modification time to now (by this client's
 * clock), and checks the line again. A file gone or holding another line means another client took
 * the lease over: it is lost for good ({@link #isHeld()} false). A lease is also lost for good once
 * no renewal has succeeded for half the expiry (the file system unreachable, the JVM paused): by
 * then another client may be about to judge it stale, and a later renewal does not bring it back.
 *
 * <p><b>Takeover.</b> A lease file not modified for longer than the expiry, by the acquiring
 * client's clock, belongs to a run that died: it is taken over. The taker reads it again, renames
 * it to its tombstone beside it, a name made from the stale lease itself ({@code lock.stale-<16 hex
 * digits>}; of clients racing, only one rename succeeds, and a late one finds the tombstone in its
 * way), checks that the renamed file is still the stale one it saw (same line, still stale;
 * otherwise it is put back) and creates its own lease file. Whoever loses any step is refused, as
 * when the lease is held. Tombstones stay until a holder closes its lease. (On HDFS a rename that
 * refuses an existing target is one NameNode step; locally it is a check and a move, so there a
 * late taker can still, in a window of microseconds, move a fresh lease and put it back.)
 *
 * <p><b>Clocks.</b> Modification times are set by the holder's clock and judged by the acquirer's,
 * so the clock skew between machines (NTP keeps it well under a second) must stay well below half
 * the expiry: a holder counts its lease for half the expiry after its last renewal, and another
 * client, judging by a clock ahead by {@code s}, takes it over {@code expiry - s} after that
 * renewal; with {@code s} of half the expiry or more, both could count themselves holders. Within
 * that bound, {@link #isHeld()} answers true to one client at a time, short of pauses as long as
 * the expiry between {@link #isHeld()} and what it guards (there are no fencing tokens on a file
 * system), or of a taker pausing for a whole run between reading a stale lease and renaming it.
 *
 * <p>Within one JVM, a second acquisition of the same file is refused like any other: the file
 * exists.
 */
public final class LeaseLock implements AutoCloseable {
  /** The expiry of {@link #acquire(Location)}. */
  public static final Duration DEFAULT_EXPIRY = Duration.ofMinutes(10);

  /** How much of a lease file is read: a holder line is far shorter; more is not allocated. */
  private static final int MAX_LINE_BYTES = 1024;

  /** The attempts at acquiring a lease that vanishes while it is looked at. */
  private static final int ATTEMPTS = 3;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Location leaseFile;
  private final Duration expiry;
  private final Clock clock;
  private final String line;
  private final ScheduledExecutorService renewer;

  /** Held while renewing or closing: the file operations of this lease, one at a time. */
  private final Object io = new Object();

  /** Guards the three fields below, which {@link #isHeld()} reads without waiting for file I/O. */
  private final Object state = new Object();

  private Instant confirmedAt;
  private boolean lost;
  private boolean closed;

  private LeaseLock(Location leaseFile, Duration expiry, Clock clock, String line, Instant at) {
    this.leaseFile = leaseFile;
    this.expiry = expiry;
    this.clock = clock;
    this.line = line;
    this.confirmedAt = at;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "flowbeam-lease-renewer " + leaseFile);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Acquires the lease {@code leaseFile} (its directory must exist) with the {@link
   * #DEFAULT_EXPIRY} and the system clock.
   *
   * @throws HeldException if another client holds it
   * @throws IOException if the file system fails
   */
  public static LeaseLock acquire(Location leaseFile) throws IOException {
    return acquire(leaseFile, DEFAULT_EXPIRY, Clock.systemUTC());
  }

  /**
   * Acquires the lease {@code leaseFile} (its directory must exist): creates it, or takes it over
   * if it has not been renewed for longer than {@code expiry} by {@code clock}; then renews it
   * every tenth of {@code expiry} until {@link #close()}.
   *
   * @throws HeldException if another client holds it, or won the race to take it over
   * @throws IOException if the file system fails
   */
  public static LeaseLock acquire(Location leaseFile, Duration expiry, Clock clock)
      throws IOException {
    if (expiry.toMillis() < 10) {
      throw new IllegalArgumentException("lease expiry must be at least 10 ms: " + expiry);
    }
    String line =
        "host="
            + hostName()
            + " pid="
            + ProcessHandle.current().pid()
            + " token="
            + HexFormat.of().formatHex(token());
    for (int attempt = 1; ; attempt++) {
      Instant start = clock.instant();
      if (create(leaseFile, line, start)) {
        return startRenewing(new LeaseLock(leaseFile, expiry, clock, line, start));
      }
      Seen seen = look(leaseFile);
      if (seen == null && attempt < ATTEMPTS) {
        continue; // released while we looked: try again
      }
      if (seen == null || !seen.staleAt(clock.instant(), expiry)) {
        throw new HeldException(leaseFile, seen == null ? "" : seen.line());
      }
      if (takeOver(leaseFile, seen, expiry, clock)) {
        start = clock.instant();
        if (create(leaseFile, line, start)) {
          return startRenewing(new LeaseLock(leaseFile, expiry, clock, line, start));
        }
      }
      Seen now = look(leaseFile);
      throw new HeldException(leaseFile, now == null ? "" : now.line());
    }
  }

  private static byte[] token() {
    byte[] token = new byte[16];
    RANDOM.nextBytes(token);
    return token;
  }

  private static LeaseLock startRenewing(LeaseLock lease) {
    long period = Math.max(1, lease.expiry.toMillis() / 10);
    lease.renewer.scheduleWithFixedDelay(
        lease::renewQuietly, period, period, TimeUnit.MILLISECONDS);
    return lease;
  }

  /**
   * Creates {@code leaseFile} with {@code line} in one step; false if it exists. Its modification
   * time is then set by this client's clock, like every renewal's (best effort: the file system's
   * own time of creation is close to it).
   */
  private static boolean create(Location leaseFile, String line, Instant at) throws IOException {
    OutputStream out;
    try {
      out = leaseFile.createNew();
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    try (out) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // Created a moment ago, so nobody else's yet: leave no half-written lease behind.
      try {
        leaseFile.deleteRecursively();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    try {
      leaseFile.setModificationTime(at);
    } catch (IOException e) {
      // Renamed away this instant by a taker checking it: it puts it back; renewals set the time.
    }
    return true;
  }

  /**
   * Moves the stale lease file {@code seen} out of the way, to its tombstone: true if this client
   * did, false if another client did, or the file was renewed or replaced first.
   *
   * <p>The tombstone's name is made from the stale lease (its line and modification time), and it
   * stays until a holder closes. So a second taker that saw the same stale lease, and renames a
   * moment too late, finds the tombstone there and is refused: it cannot move a lease the first
   * taker has just created. Only a taker that paused for a whole run after looking could.
   */
  private static boolean takeOver(Location leaseFile, Seen seen, Duration expiry, Clock clock)
      throws IOException {
    Seen again = look(leaseFile);
    if (again == null
        || !again.line().equals(seen.line())
        || !again.staleAt(clock.instant(), expiry)) {
      return false;
    }
    Location tombstone = leaseFile.sibling(tombstonePrefix(leaseFile) + seen.id());
    try {
      leaseFile.renameTo(tombstone);
    } catch (FileAlreadyExistsException e) {
      return false; // another taker moved this stale lease already
    } catch (IOException e) {
      if (isGone(e)) {
        return false; // another taker is moving it this instant
      }
      throw e;
    }
    Seen frozen = look(tombstone); // nobody renews or replaces a file under this name
    if (frozen != null
        && frozen.line().equals(seen.line())
        && frozen.staleAt(clock.instant(), expiry)) {
      return true;
    }
    // Renewed in the meantime, or a fresh lease of another taker: give it back.
    try {
      tombstone.renameTo(leaseFile);
    } catch (FileAlreadyExistsException e) {
      tombstone.deleteRecursively(); // displaced already; its holder finds out at its next renewal
    }
    return false;
  }

  private static String tombstonePrefix(Location leaseFile) {
    return leaseFile.name() + ".stale-";
  }

  /** What a lease file holds and when it was last renewed; null if there is no such file. */
  private record Seen(String line, Instant modified) {
    boolean staleAt(Instant now, Duration expiry) {
      return Duration.between(modified, now).compareTo(expiry) > 0;
    }

    /** 16 hex digits that tell this lease file apart from any other (its line and time). */
    String id() {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256")
                .digest((line + "\n" + modified.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }
  }

  private static Seen look(Location file) throws IOException {
    try {
      Instant modified = file.modificationTime();
      return new Seen(readLine(file), modified);
    } catch (IOException e) {
      if (isGone(e)) {
        return null;
      }
      throw e;
    }
  }

  /** The first line of {@code file}, of at most {@link #MAX_LINE_BYTES} bytes. */
  private static String readLine(Location file) throws IOException {
    try (InputStream in = file.open()) {
      String text = new String(in.readNBytes(MAX_LINE_BYTES), StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      return (end < 0 ? text : text.substring(0, end)).trim();
    }
  }

  private static boolean isGone(IOException e) {
    return e instanceof FileNotFoundException || e instanceof NoSuchFileException;
  }

  private static String hostName() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      name = System.getenv("HOSTNAME");
    }
    return name == null || name.isBlank() ? "unknown" : name.replaceAll("[\\s=]", "_");
  }

  /**
   * Whether this lease is still held: not closed, not taken over, and renewed within half the
   * expiry. Reads no file: the last renewal is at most a tenth of the expiry old. Once false, it
   * stays false.
   */
  public boolean isHeld() {
    synchronized (state) {
      if (!lost && !closed && lapsed(clock.instant())) {
        lost = true;
      }
      return !lost && !closed;
    }
  }

  /** Whether {@code now} is half the expiry or more after the last confirmed renewal. */
  private boolean lapsed(Instant now) {
    return !now.isBefore(confirmedAt.plus(expiry.dividedBy(2)));
  }

  /** The line this lease wrote into its file: {@code host=... pid=... token=...}. */
  public String holderLine() {
    return line;
  }

  /** The lease file. */
  public Location leaseFile() {
    return leaseFile;
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (IOException | RuntimeException e) {
      // A failed renewal: the lease lapses if none succeeds for half the expiry.
    }
  }

  /**
   * Renews the lease once, as the daemon thread does: checks the file still holds this lease's
   * line, sets its modification time to now, checks again. A file gone or holding another line
   * loses the lease for good, as does a renewal that completes after the lease lapsed.
   *
   * @throws IOException if the file system fails (the lease stays held until it lapses)
   */
  void renew() throws IOException {
    synchronized (io) {
      if (!isHeld()) {
        return;
      }
      Instant start = clock.instant();
      boolean ours;
      try {
        ours = holdsThisLease();
        if (ours) {
          leaseFile.setModificationTime(start);
          ours = holdsThisLease();
        }
      } catch (IOException e) {
        if (!isGone(e)) {
          throw e;
        }
        ours = false;
      }
      synchronized (state) {
        if (!ours || lapsed(clock.instant())) {
          lost = true;
        } else {
          confirmedAt = start;
        }
      }
    }
  }

  private boolean holdsThisLease() throws IOException {
    Seen seen = look(leaseFile);
    return seen != null && seen.line().equals(line);
  }

  /**
   * Stops renewing and, if the lease is still held, deletes its file, checking first that it holds
   * this lease's line, and the tombstones of stale leases beside it. A lease lost or lapsed leaves
   * its file alone: it may be someone else's, or a taker may be moving it this instant. A file that
   * cannot be deleted is left to expire. Closing again does nothing.
   */
  @Override
  public void close() {
    renewer.shutdown();
    synchronized (io) {
      boolean held = isHeld();
      synchronized (state) {
        closed = true;
      }
      if (!held) {
        return;
      }
      try {
        if (holdsThisLease()) {
          leaseFile.deleteRecursively();
        }
        deleteTombstones();
      } catch (IOException e) {
        // Left behind: another run takes it over once it is older than the expiry.
      }
    }
  }

  /** The tombstones of stale leases taken over, none of which a run in progress can still see. */
  private void deleteTombstones() throws IOException {
    String prefix = tombstonePrefix(leaseFile);
    for (String name : leaseFile.parent().list()) {
      if (name.startsWith(prefix)) {
        leaseFile.sibling(name).deleteRecursively();
      }
    }
  }

  @Override
  public String toString() {
    return "lease " + leaseFile + " (" + line + ")";
  }

  /**
   * The lease is held by another client: {@link #holderLine()} is what its file says (empty if it
   * vanished while it was read), {@link #holderDescription()} the part of it for a message.
   */
  public static final class HeldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String leaseFile;
    private final String holderLine;

    HeldException(Location leaseFile, String holderLine) {
      super("lease " + leaseFile + " is held by another client (" + describe(holderLine) + ")");
      this.leaseFile = leaseFile.toString();
      this.holderLine = holderLine;
    }

    /** The lease file, as its {@link Location} names it. */
    public String leaseFile() {
      return leaseFile;
    }

    /** The line in the lease file: {@code host=w7 pid=4242 token=...}, or empty. */
    public String holderLine() {
      return holderLine;
    }

    /** {@code pid 4242 on host w7}; the line itself if it is not a holder line. */
    public String holderDescription() {
      return describe(holderLine);
    }

    private static String describe(String line) {
      Map<String, String> fields = new HashMap<>();
      for (String part : line.split(" ")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
      String description;
      if (fields.containsKey("pid") && fields.containsKey("host")) {
        description = "pid " + fields.get("pid") + " on host " + fields.get("host");
      } else if (line.isEmpty()) {
        description = "holder unknown";
      } else {
        description = line;
      }
      String printable = description.replaceAll("\\p{Cntrl}", "?");
      return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
    }
  }
}
