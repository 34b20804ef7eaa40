package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run killed at each failpoint (a child JVM halted there) leaves a root that recovery turns into
 * exactly the root before the run or exactly the root after it — the same files with the same bytes
 * as a run that was not killed — never something between, and no record twice.
 */
class CrashRecoveryTest {
  static final long T13 = IncrementalRunTest.T13;
  static final long HOUR = IncrementalRunTest.HOUR;
  static final long FIRST_RUN = 1_714_575_600L; // 2024-05-01T15:00:00Z
  static final long SECOND_RUN = FIRST_RUN + 3600;

  @TempDir Path tmp;

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Failpoint f : Failpoint.values()) {
      all.add(Arguments.of(f, false));
      all.add(Arguments.of(f, true));
    }
    return all.stream();
  }

  private static void append(Path file, long... times) throws IOException {
    StringBuilder s = new StringBuilder();
    for (long t : times) {
      s.append(t).append(",x").append(t % 1000).append('\n');
    }
    Files.writeString(file, s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @ParameterizedTest(name = "{0}, rollback={1}")
  @MethodSource("cases")
  void recoveryLeavesTheRootBeforeOrAfterTheRunNeverBetween(Failpoint failpoint, boolean rollback)
      throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    append(in.resolve("a.csv"), T13, T13 + 1);
    append(in.resolve("b.csv"), T13 + HOUR);
    Path before = tmp.resolve("before");
    IncrementalTestMain.run(before, in, FIRST_RUN, 1);

    // The second run: a new file, and with rollback also a grown one (undoing the first run).
    append(in.resolve("c.csv"), T13 + 2 * HOUR, T13 + 3 * HOUR);
    if (rollback) {
      append(in.resolve("b.csv"), T13 + HOUR + 7);
    }
    Path after = tmp.resolve("after");
    Path killed = tmp.resolve("killed");
    RootFiles.copyTree(before, after);
    RootFiles.copyTree(before, killed);
    IncrementalRun.Result expected = IncrementalTestMain.run(after, in, SECOND_RUN, 2);
    assertThat(expected.plan().undoneRuns(), hasSize(rollback ? 1 : 0));

    ChildJvm.Finished child =
        ChildJvm.run(
            Map.of(Failpoint.ENV, failpoint.hookName()),
            "run",
            killed.toString(),
            in.toString(),
            String.valueOf(SECOND_RUN),
            "2");
    assertThat(child.err(), child.exitCode(), equalTo(Failpoint.HALT_STATUS));
    assertThat(child.err(), containsString("failpoint " + failpoint.hookName()));
    assertThat(RootFiles.snapshot(killed), not(equalTo(RootFiles.snapshot(after))));

    RootLayout layout = RootLayout.of(killed);
    List<String> notices = new ArrayList<>();
    try (RootLock lock = RootLock.acquire(layout)) {
      Recovery.recover(layout, notices::add);
    }
    Path expectedRoot = failpoint == Failpoint.BEFORE_COMMIT ? before : after;
    assertThat(RootFiles.snapshot(killed), equalTo(RootFiles.snapshot(expectedRoot)));
    assertThat(notices, hasSize(1));
    try (Stream<Path> s = Files.list(layout.stagingParent().toPath())) {
      assertThat(s.toList(), empty());
    }
    List<String> records = RootFiles.flowRecords(killed);
    assertThat(records, containsInAnyOrder(RootFiles.flowRecords(expectedRoot).toArray()));

    // The next run, killed or not, ends where the uninterrupted run ended.
    IncrementalRun.Result next = IncrementalTestMain.run(killed, in, SECOND_RUN, 2);
    assertThat(
        next.outcome(),
        is(
            failpoint == Failpoint.BEFORE_COMMIT
                ? IncrementalRun.Outcome.COMMITTED
                : IncrementalRun.Outcome.NOTHING_TO_DO));
    assertThat(RootFiles.snapshot(killed), equalTo(RootFiles.snapshot(after)));
    assertThat(
        RootFiles.flowRecords(killed),
        containsInAnyOrder(RootFiles.expectedRecords(IncrementalTestMain.inputs(in)).toArray()));
  }
}
