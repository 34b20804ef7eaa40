package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.flowbeam.io.fs.HadoopDirectoryOps;
import org.flowbeam.io.fs.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lease that locks a shared output root: refused while held, renewed past its expiry, taken
 * over once stale by exactly one of several clients, lost when taken over, and never deleted by a
 * client it does not belong to. Every case but the race runs on the local file system and on
 * Hadoop's client (its raw local file system: {@code file://} URIs through the code HDFS goes
 * through).
 *
 * <p>Time is a fake clock the test advances; renewals are called directly, as the daemon thread
 * would (its period, a tenth of {@link #EXPIRY}, never comes round during a test).
 */
class LeaseLockTest {
  private static final Duration EXPIRY = Duration.ofMinutes(10);
  private static final String PID = String.valueOf(ProcessHandle.current().pid());

  @TempDir Path tmp;

  /** A file system implementation and how it names a path under the test's directory. */
  record Fs(String name, Function<Path, Location> at) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> fileSystems() {
    HadoopDirectoryOps hadoop = HadoopDirectoryOps.rawLocal();
    return Stream.of(
        Arguments.of(new Fs("local", Location::local)),
        Arguments.of(new Fs("hadoop", p -> Location.on(hadoop, "file://" + p))));
  }

  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T10:00:00Z"));

  private Location lease(Fs fs) {
    return fs.at().apply(tmp.resolve("lease"));
  }

  private LeaseLock acquire(Location lease) throws IOException {
    return LeaseLock.acquire(lease, EXPIRY, clock);
  }

  /** A lease file left by a run on another machine, last renewed {@code age} ago. */
  private void leftBy(Location lease, String line, Duration age) throws IOException {
    try (OutputStream out = lease.createNew()) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    lease.setModificationTime(clock.instant().minus(age));
  }

  private static String firstLine(Location file) throws IOException {
    return file.readString().lines().findFirst().orElse("");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void aHeldLeaseIsRefusedNamingItsHolderUntilReleased(Fs fs) throws Exception {
    Location lease = lease(fs);
    LeaseLock first = acquire(lease);
    assertThat(first.isHeld(), is(true));
    assertThat(
        first.holderLine(), matchesPattern("host=[^\\s=]+ pid=" + PID + " token=[0-9a-f]{32}"));
    assertThat(firstLine(lease), equalTo(first.holderLine()));

    // Within this JVM too: the file exists, so a second acquisition is refused.
    LeaseLock.HeldException refused =
        assertThrows(LeaseLock.HeldException.class, () -> acquire(lease));
    String host = first.holderLine().split(" ")[0].substring("host=".length());
    assertThat(refused.holderLine(), equalTo(first.holderLine()));
    assertThat(refused.holderDescription(), equalTo("pid " + PID + " on host " + host));
    assertThat(
        refused.getMessage(),
        allOf(containsString(lease.toString()), containsString("pid " + PID)));
    LeaseLock.HeldException fromThread =
        CompletableFuture.supplyAsync(
                () -> assertThrows(LeaseLock.HeldException.class, () -> acquire(lease)))
            .get(30, TimeUnit.SECONDS);
    assertThat(fromThread.holderLine(), equalTo(first.holderLine()));
    assertThat(first.isHeld(), is(true));

    // What the run says when refused: one line, the root and the holder.
    RootLockedException e = new RootLockedException("hdfs://nn/flows", refused.holderDescription());
    assertThat(
        e.getMessage(),
        equalTo(
            "output hdfs://nn/flows is in use by another FlowBeam run (pid "
                + PID
                + " on host "
                + host
                + "); try again later"));
    assertThat(e.holderPid(), equalTo(PID));

    first.close();
    assertThat(first.isHeld(), is(false));
    assertThat(lease.exists(), is(false));
    first.close(); // harmless

    try (LeaseLock again = acquire(lease)) {
      assertThat(again.isHeld(), is(true));
      assertThat(again.holderLine(), not(equalTo(first.holderLine())));
      assertThat(firstLine(lease), equalTo(again.holderLine()));
    }
    assertThat(lease.parent().list(), empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void renewalsKeepALeaseHeldLongPastItsExpiry(Fs fs) throws Exception {
    Location lease = lease(fs);
    try (LeaseLock held = acquire(lease)) {
      for (int i = 0; i < 25; i++) { // two and a half expiries, a renewal every tenth
        clock.advance(EXPIRY.dividedBy(10));
        held.renew();
      }
      assertThat(held.isHeld(), is(true));
      assertThat(lease.modificationTime(), equalTo(clock.instant()));
      clock.advance(EXPIRY.minusSeconds(1));
      assertThrows(LeaseLock.HeldException.class, () -> acquire(lease));
      assertThat(firstLine(lease), equalTo(held.holderLine()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void aLeaseNotRenewedForHalfItsExpiryIsLostForGoodAndItsFileLeftToExpire(Fs fs) throws Exception {
    Location lease = lease(fs);
    LeaseLock held = acquire(lease);
    clock.advance(EXPIRY.dividedBy(2).minusMillis(1));
    assertThat(held.isHeld(), is(true));
    clock.advance(Duration.ofMillis(1));
    assertThat(held.isHeld(), is(false));
    held.renew(); // too late: another client may be judging it stale by a clock ahead of ours
    assertThat(held.isHeld(), is(false));
    held.close();
    assertThat(firstLine(lease), equalTo(held.holderLine())); // not deleted: it may be moving
    assertThrows(LeaseLock.HeldException.class, () -> acquire(lease));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void aStaleLeaseIsTakenOverAndItsHolderCannotTakeItBack(Fs fs) throws Exception {
    Location lease = lease(fs);
    LeaseLock dead = acquire(lease); // a run that hangs: no renewals
    clock.advance(EXPIRY.plusSeconds(1));

    LeaseLock taker = acquire(lease);
    assertThat(taker.isHeld(), is(true));
    assertThat(firstLine(lease), equalTo(taker.holderLine()));
    assertThat(dead.isHeld(), is(false));
    dead.renew();
    assertThat(dead.isHeld(), is(false));
    dead.close();
    assertThat(firstLine(lease), equalTo(taker.holderLine()));
    assertThat(taker.isHeld(), is(true));
    assertThat(lease.parent().list().size(), equalTo(2)); // the lease and the stale one's tombstone
    taker.close();
    assertThat(lease.parent().list(), empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void aLeaseFileJustUnderTheExpiryIsNotTakenOver(Fs fs) throws Exception {
    Location lease = lease(fs);
    String other = "host=w7 pid=4242 token=0123456789abcdef0123456789abcdef";
    leftBy(lease, other, EXPIRY);
    LeaseLock.HeldException e = assertThrows(LeaseLock.HeldException.class, () -> acquire(lease));
    assertThat(e.holderDescription(), equalTo("pid 4242 on host w7"));
    clock.advance(Duration.ofMillis(1));
    try (LeaseLock taker = acquire(lease)) {
      assertThat(firstLine(lease), equalTo(taker.holderLine()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void renewalFindsTheLeaseReplacedOrGoneAndCloseLeavesTheOtherLeaseAlone(Fs fs) throws Exception {
    Location lease = lease(fs);
    LeaseLock replaced = acquire(lease);
    // Another machine, its clock far ahead, judged it stale and took it over.
    lease.deleteRecursively();
    String other = "host=w7 pid=4242 token=0123456789abcdef0123456789abcdef";
    leftBy(lease, other, Duration.ZERO);
    assertThat(replaced.isHeld(), is(true)); // isHeld reads no file: the renewal finds out
    replaced.renew();
    assertThat(replaced.isHeld(), is(false));
    clock.advance(EXPIRY.dividedBy(10));
    replaced.renew();
    assertThat(replaced.isHeld(), is(false)); // lost for good
    replaced.close();
    assertThat(firstLine(lease), equalTo(other));
    assertThat(lease.modificationTime(), lessThan(clock.instant())); // not renewed by it either

    lease.deleteRecursively();
    LeaseLock gone = acquire(lease);
    lease.deleteRecursively();
    gone.renew();
    assertThat(gone.isHeld(), is(false));
    gone.close();
    assertThat(lease.exists(), is(false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileSystems")
  void aHostileLeaseFileIsReadBoundedAndDescribedOnOneLine(Fs fs) throws Exception {
    Location lease = lease(fs);
    leftBy(lease, "x\u001b[2J".repeat(200_000), Duration.ZERO);
    LeaseLock.HeldException e = assertThrows(LeaseLock.HeldException.class, () -> acquire(lease));
    assertThat(e.holderLine().length(), lessThan(1025));
    assertThat(e.holderDescription(), matchesPattern("[^\\p{Cntrl}]{1,103}"));
    assertThat(e.getMessage().lines().count(), equalTo(1L));
  }

  /**
   * Run on the local file system only: Hadoop's local file system creates a file in two steps (an
   * open, then a chmod), so a racing rename can fail its create with an error instead of a refusal.
   * HDFS creates in one NameNode operation, as java.nio's {@code CREATE_NEW} does here.
   */
  @Test
  void ofTwoClientsRacingToTakeOverAStaleLeaseExactlyOneWins() throws Exception {
    Location lease = Location.local(tmp.resolve("lease"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 40; round++) {
        String dead = String.format("host=gone pid=%d token=%032x", round, round);
        leftBy(lease, dead, EXPIRY.multipliedBy(2));
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<LeaseLock>> tries = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          tries.add(
              pool.submit(
                  () -> {
                    start.await(30, TimeUnit.SECONDS);
                    try {
                      return acquire(lease);
                    } catch (LeaseLock.HeldException e) {
                      return null;
                    }
                  }));
        }
        List<LeaseLock> winners = new ArrayList<>();
        for (Future<LeaseLock> f : tries) {
          LeaseLock won = f.get(60, TimeUnit.SECONDS);
          if (won != null) {
            winners.add(won);
          }
        }
        assertThat("round " + round, winners.size(), equalTo(1));
        LeaseLock winner = winners.get(0);
        assertThat(firstLine(lease), equalTo(winner.holderLine()));
        // The lease, and the stale one's tombstone unless the loser's rename, a check and a move
        // on these two file systems (one step on HDFS), moved the fresh lease over it and back.
        List<String> beside = lease.parent().list();
        assertThat(beside.get(0), equalTo("lease"));
        for (String tombstone : beside.subList(1, beside.size())) {
          assertThat(tombstone, matchesPattern("lease\\.stale-[0-9a-f]{16}"));
        }
        assertThat(beside.size(), lessThan(3));
        winner.close();
        assertThat(lease.parent().list(), empty());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
