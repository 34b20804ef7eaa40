package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New, unchanged, changed and settling files, and the runs a changed file undoes. */
class RunPlannerTest {
  static final Instant NOW = Instant.parse("2024-05-01T16:00:00Z");
  static final RunPlanner.Settings DEFAULTS = RunPlanner.Settings.defaults();
  static final String R1 = "20240501T130000Z-0001";
  static final String R2 = "20240501T140000Z-0002";
  static final String R3 = "20240501T150000Z-0003";

  @TempDir Path dir;
  Path a;
  Path b;
  Path c;
  Path d;

  @BeforeEach
  void writeFiles() throws IOException {
    a = file("a.csv", "1,a", 3600);
    b = file("b.csv", "2,b", 3000);
    c = file("c.csv", "3,c", 2400);
    d = file("d.csv", "4,d", 1800);
  }

  private Path file(String name, String content, long secondsBeforeNow) throws IOException {
    Path f = Files.writeString(dir.resolve(name), content + "\n");
    Files.setLastModifiedTime(f, FileTime.from(NOW.minusSeconds(secondsBeforeNow)));
    return f.toAbsolutePath();
  }

  /** Runs 1 (a, b), 2 (c), 3 (d), as committed with the files as they are now. */
  private Ledger threeRuns() throws IOException {
    return Ledger.empty()
        .withRun(run(R1, 100L, "carried-1", a, b), fps(a, b))
        .withRun(run(R2, 200L, "carried-2", c), fps(c))
        .withRun(run(R3, 300L, "carried-3", d), fps(d));
  }

  private static Ledger.LedgerRun run(String id, long end, String carried, Path... inputs) {
    List<String> paths = new ArrayList<>();
    for (Path p : inputs) {
      paths.add(p.toString());
    }
    return new Ledger.LedgerRun(id, paths, carried, end);
  }

  private static List<FileFingerprint> fps(Path... files) throws IOException {
    List<FileFingerprint> l = new ArrayList<>();
    for (Path f : files) {
      l.add(FileFingerprint.of(f));
    }
    return l;
  }

  private static List<String> paths(RunPlan plan) {
    return plan.toRead().stream().map(FileFingerprint::path).toList();
  }

  @Test
  void everythingIsNewToAnEmptyLedger() {
    RunPlan plan = RunPlanner.plan(Ledger.empty(), List.of(b, a), DEFAULTS, NOW);
    assertThat(paths(plan), contains(b.toString(), a.toString()));
    assertThat(plan.newFiles(), contains(b.toString(), a.toString()));
    assertThat(plan.undoneRuns(), empty());
    assertThat(plan.carriedStateIn(), equalTo(Optional.empty()));
    assertThat(plan.seriesEnd(), equalTo(OptionalLong.empty()));
    assertThat(plan.hasWork(), is(true));
  }

  @Test
  void nothingNewIsAnEmptyPlan() throws IOException {
    RunPlan plan = RunPlanner.plan(threeRuns(), List.of(a, b, c, d), DEFAULTS, NOW);
    assertThat(plan.toRead(), empty());
    assertThat(
        plan.unchangedFiles(), contains(a.toString(), b.toString(), c.toString(), d.toString()));
    assertThat(plan.hasWork(), is(false));
  }

  @Test
  void onlyTheNewFileIsReadStartingFromTheLastCarriedState() throws IOException {
    Path e = file("e.csv", "5,e", 60);
    RunPlan plan = RunPlanner.plan(threeRuns(), List.of(a, b, c, d, e), DEFAULTS, NOW);
    assertThat(paths(plan), contains(e.toString()));
    assertThat(plan.newFiles(), contains(e.toString()));
    assertThat(plan.carriedStateIn(), equalTo(Optional.of("carried-3")));
    assertThat(plan.seriesEnd(), equalTo(OptionalLong.of(300)));
    assertThat(plan.base(), equalTo(threeRuns()));
  }

  @Test
  void aGrownFileUndoesItsRunAndEveryLaterOneAndRereadsTheirInputs() throws IOException {
    Ledger ledger = threeRuns();
    Files.writeString(c, "3,c-more\n", StandardOpenOption.APPEND);
    Path e = file("e.csv", "5,e", 60);
    RunPlan plan = RunPlanner.plan(ledger, List.of(a, b, c, d, e), DEFAULTS, NOW);
    assertThat(plan.changedFiles(), contains(c.toString()));
    assertThat(plan.undoneRuns(), contains(R2, R3));
    assertThat(paths(plan), contains(c.toString(), d.toString(), e.toString()));
    assertThat(plan.toRead().get(0).size(), equalTo(Files.size(c))); // the new fingerprint
    assertThat(plan.base().runs().stream().map(Ledger.LedgerRun::run).toList(), contains(R1));
    assertThat(plan.carriedStateIn(), equalTo(Optional.of("carried-1")));
    assertThat(plan.seriesEnd(), equalTo(OptionalLong.of(100)));
    assertThat(plan.unchangedFiles(), containsInAnyOrder(a.toString(), b.toString(), d.toString()));
  }

  @Test
  void aChangedFileOfTheFirstRunUndoesAllAndStartsWithoutState() throws IOException {
    Ledger ledger = threeRuns();
    Files.setLastModifiedTime(b, FileTime.from(NOW.minusSeconds(10))); // touched only
    RunPlan plan = RunPlanner.plan(ledger, List.of(a, b, c, d), DEFAULTS, NOW);
    assertThat(plan.undoneRuns(), contains(R1, R2, R3));
    assertThat(paths(plan), contains(a.toString(), b.toString(), c.toString(), d.toString()));
    assertThat(plan.carriedStateIn(), equalTo(Optional.empty()));
    assertThat(plan.seriesEnd(), equalTo(OptionalLong.empty()));
  }

  @Test
  void inputsOfUndoneRunsThatAreGoneAreReportedMissing() throws IOException {
    Ledger ledger = threeRuns();
    Files.writeString(c, "3,c-more\n", StandardOpenOption.APPEND);
    Files.delete(d);
    RunPlan plan = RunPlanner.plan(ledger, List.of(a, b, c), DEFAULTS, NOW);
    assertThat(plan.undoneRuns(), contains(R2, R3));
    assertThat(plan.missingInputs(), contains(d.toString()));
    assertThat(paths(plan), contains(c.toString()));
  }

  @Test
  void filesStillBeingWrittenWaitForALaterRun() throws IOException {
    Ledger ledger = threeRuns();
    Path young = file("e.csv", "5,e", 5);
    Files.writeString(d, "4,d-more\n", StandardOpenOption.APPEND);
    Files.setLastModifiedTime(d, FileTime.from(NOW.minusSeconds(2)));
    RunPlanner.Settings settle = new RunPlanner.Settings(Duration.ofSeconds(30), false);

    RunPlan waiting = RunPlanner.plan(ledger, List.of(a, b, c, d, young), settle, NOW);
    assertThat(waiting.settlingFiles(), contains(d.toString(), young.toString()));
    assertThat(waiting.undoneRuns(), empty());
    assertThat(waiting.hasWork(), is(false));

    RunPlan later =
        RunPlanner.plan(ledger, List.of(a, b, c, d, young), settle, NOW.plusSeconds(60));
    assertThat(later.undoneRuns(), contains(R3));
    assertThat(paths(later), contains(d.toString(), young.toString()));

    RunPlan noRule = RunPlanner.plan(ledger, List.of(a, b, c, d, young), DEFAULTS, NOW);
    assertThat(paths(noRule), contains(d.toString(), young.toString()));
  }

  @Test
  void aYoungInputOfAnUndoneRunBecomesNewLater() throws IOException {
    Ledger ledger = threeRuns();
    Files.writeString(c, "3,c-more\n", StandardOpenOption.APPEND);
    Files.setLastModifiedTime(c, FileTime.from(NOW.minusSeconds(120)));
    Files.writeString(d, "4,d-more\n", StandardOpenOption.APPEND);
    Files.setLastModifiedTime(d, FileTime.from(NOW.minusSeconds(2)));
    RunPlanner.Settings settle = new RunPlanner.Settings(Duration.ofSeconds(30), false);
    RunPlan plan = RunPlanner.plan(ledger, List.of(a, b, c, d), settle, NOW);
    assertThat(plan.undoneRuns(), contains(R2, R3));
    assertThat(paths(plan), contains(c.toString()));
    assertThat(plan.settlingFiles(), contains(d.toString()));
    assertThat(plan.base().file(d.toString()), equalTo(Optional.empty()));
  }

  @Test
  void aFlushHasWorkOnlyWithCarriedFlows() throws IOException {
    RunPlanner.Settings flush = new RunPlanner.Settings(Duration.ZERO, true);
    assertThat(RunPlanner.plan(threeRuns(), List.of(a, b, c, d), flush, NOW).hasWork(), is(true));
    Ledger nothingCarried =
        Ledger.empty().withRun(new Ledger.LedgerRun(R1, List.of(a.toString()), null, 1L), fps(a));
    assertThat(RunPlanner.plan(nothingCarried, List.of(a), flush, NOW).hasWork(), is(false));
  }
}
