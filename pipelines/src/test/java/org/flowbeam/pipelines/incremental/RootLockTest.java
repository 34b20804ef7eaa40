package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flowbeam.io.fs.HadoopDirectoryOps;
import org.flowbeam.io.fs.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per root: a second one is refused at once, naming the holder. */
class RootLockTest {
  @TempDir Path tmp;
  Path root;

  @org.junit.jupiter.api.BeforeEach
  void makeRoot() {
    root = tmp.resolve("root");
  }

  private RootLayout layout() {
    RootLayout layout = RootLayout.of(root);
    layout.prepare();
    return layout;
  }

  /**
   * A root on a Hadoop file system (here Hadoop's client on {@code file://}) is locked by a lease
   * file naming the holder's host and pid, not by an OS lock; releasing deletes the lease.
   */
  @Test
  void aRootOnAHadoopFileSystemIsLockedByALease() throws Exception {
    RootLayout layout = RootLayout.of(Location.on(HadoopDirectoryOps.rawLocal(), "file://" + root));
    layout.prepare();
    String pid = String.valueOf(ProcessHandle.current().pid());
    try (RootLock first = RootLock.acquire(layout)) {
      RootLockedException e =
          assertThrows(RootLockedException.class, () -> RootLock.acquire(layout));
      assertThat(e.getMessage(), containsString("file:" + root));
      assertThat(e.holder(), containsString("pid " + pid + " on host "));
      assertThat(first.isHeld(), is(true));
      assertThat(Files.readString(root.resolve("_flowbeam/lease")), containsString("pid=" + pid));
      assertThat(Files.exists(root.resolve("_flowbeam/lock")), is(false));
    }
    assertThat(Files.exists(root.resolve("_flowbeam/lease")), is(false));
    try (RootLock again = RootLock.acquire(layout)) {
      assertThat(again.isHeld(), is(true));
    }
  }

  @Test
  void aSecondLockInThisJvmIsRefusedUntilTheFirstIsReleased() throws Exception {
    RootLayout layout = layout();
    String pid = String.valueOf(ProcessHandle.current().pid());
    try (RootLock first = RootLock.acquire(layout)) {
      RootLockedException e =
          assertThrows(RootLockedException.class, () -> RootLock.acquire(layout));
      assertThat(
          e.getMessage(), allOf(containsString(root.toString()), containsString("pid " + pid)));
      assertThat(e.exitCode(), equalTo(75));
      // Another thread is refused too, and its failed attempt does not release the first lock.
      RootLockedException fromThread =
          CompletableFuture.supplyAsync(
                  () -> assertThrows(RootLockedException.class, () -> RootLock.acquire(layout)))
              .get(10, TimeUnit.SECONDS);
      assertThat(fromThread.holderPid(), equalTo(pid));
      assertThat(first.isHeld(), is(true));
      assertThat(Files.readString(layout.lock().toPath()).trim(), equalTo(pid));
    }
    try (RootLock again = RootLock.acquire(layout)) {
      assertThat(again.isHeld(), is(true));
    }
  }

  @Test
  void aLockHeldByAnotherProcessIsRefusedAndDiesWithIt() throws Exception {
    RootLayout layout = layout();
    Process holder = ChildJvm.start(Map.of(), "hold", root.toString());
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine(), equalTo("locked"));
      RootLockedException e =
          assertThrows(RootLockedException.class, () -> RootLock.acquire(layout));
      assertThat(e.holderPid(), equalTo(String.valueOf(holder.pid())));
      assertThat(e.getMessage(), containsString(root.toString()));
    } finally {
      holder.destroyForcibly(); // as kill -9: no chance to release anything
      holder.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(Files.exists(layout.lock().toPath()), is(true)); // the stale file does not matter
    try (RootLock lock = RootLock.acquire(layout)) {
      assertThat(lock.isHeld(), is(true));
    }
  }

  @Test
  void aRunRefusedByTheLockSaysOneLineAndExits75() throws Exception {
    RootLayout layout = layout();
    Path inputs = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(inputs.resolve("a.csv"), "1714568400000000,x\n");
    try (RootLock lock = RootLock.acquire(layout)) {
      ChildJvm.Finished r =
          ChildJvm.run(Map.of(), "run", root.toString(), inputs.toString(), "1714572000", "1");
      assertThat(r.err(), r.exitCode(), equalTo(RootLockedException.EXIT_TEMPFAIL));
      assertThat(r.err().lines().count(), equalTo(1L));
      assertThat(
          r.err(),
          allOf(
              containsString(root.toString()),
              containsString("pid " + ProcessHandle.current().pid())));
    }
    assertThat(Files.exists(layout.ledger().toPath()), is(false));
  }
}
