package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.flowbeam.io.fs.Location;

/**
 * A small main for the tests that need a second process (OS file locks are per process; a failpoint
 * halts the JVM):
 *
 * <ul>
 *   <li>{@code run ROOT INPUT_DIR EPOCH_SECOND SEED}: one {@link IncrementalRun} of the {@link
 *       FakeJob} over the files of INPUT_DIR, with a fixed clock and seed; exit 0, or 75 with one
 *       line if the root is locked.
 *   <li>{@code hold ROOT}: locks the root, prints {@code locked}, and holds the lock until its
 *       standard input closes.
 * </ul>
 */
public final class IncrementalTestMain {
  private IncrementalTestMain() {}

  public static void main(String[] args) throws IOException {
    RootLayout layout = RootLayout.of(Path.of(args[1]));
    if (args[0].equals("hold")) {
      layout.prepare();
      try (RootLock lock = RootLock.acquire(layout)) {
        System.out.println("locked");
        System.out.flush();
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return;
    }
    try {
      IncrementalRun.Result r =
          run(
              layout.root().toPath(),
              Path.of(args[2]),
              Long.parseLong(args[3]),
              Long.parseLong(args[4]));
      System.out.println(r.summary());
    } catch (RootLockedException e) {
      System.err.println("flowbeam: " + e.getMessage());
      System.exit(e.exitCode());
    }
  }

  /** The run that {@code run} makes; tests call it in-process for the expected outcome. */
  static IncrementalRun.Result run(Path root, Path inputDir, long epochSecond, long seed)
      throws IOException {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    IncrementalRun run =
        new IncrementalRun(
            root, RunPlanner.Settings.defaults(), clock, new Random(seed), System.err::println);
    return run.run(locations(inputDir), new FakeJob());
  }

  /** The files of {@code dir}, sorted, as the run takes them. */
  static List<Location> locations(Path dir) throws IOException {
    return inputs(dir).stream().map(Location::local).toList();
  }

  /** The files of {@code dir}, sorted. */
  static List<Path> inputs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
