package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.flowbeam.io.fs.HadoopDirectoryOps;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.UsageException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs around the fake job: commit, nothing new, new files, rollback, failure. */
class IncrementalRunTest {
  /** 2024-05-01T13:00:00Z in µs. */
  static final long T13 = 1_714_568_400_000_000L;

  static final long HOUR = 3_600_000_000L;

  @TempDir Path tmp;
  FakeSeries series;
  Path root;
  Path in;
  FakeJob job;
  List<String> notices;

  @BeforeEach
  void setUp() throws IOException {
    series = new FakeSeries(tmp);
    root = series.root;
    in = series.in;
    job = series.job;
    notices = series.notices;
  }

  private Path capture(String name, long... times) throws IOException {
    StringBuilder s = new StringBuilder();
    for (long t : times) {
      s.append(t).append(',').append(name).append('-').append(t % 1_000_000_000L).append('\n');
    }
    return Files.writeString(
        in.resolve(name), s, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private IncrementalRun.Result run(StagedJob j) throws IOException {
    return series.run(RunPlanner.Settings.defaults(), j);
  }

  private Map<String, Object> json(String rel) throws IOException {
    return ManifestWriter.parse(Files.readString(root.resolve(rel)));
  }

  private Ledger ledger() {
    return Ledger.read(root.resolve(RootLayout.LEDGER));
  }

  /** The records in the root are the input lines, each exactly once. */
  private void assertRootHoldsEveryInputLineOnce() throws IOException {
    List<String> expected = RootFiles.expectedRecords(IncrementalTestMain.inputs(in));
    assertThat(RootFiles.flowRecords(root), containsInAnyOrder(expected.toArray()));
  }

  /** The root manifest's totals are the sums of the run manifests of the runs in the ledger. */
  private void assertRootManifestAddsUp() throws IOException {
    Map<String, Object> rootManifest = json(RootLayout.ROOT_MANIFEST);
    List<String> ledgerRuns = ledger().runs().stream().map(Ledger.LedgerRun::run).toList();
    Map<String, Long> sums = new LinkedHashMap<>();
    long files = 0;
    for (String run : ledgerRuns) {
      Map<String, Object> m = json(RootLayout.runManifest(run));
      ((Map<?, ?>) m.get("counts"))
          .forEach((k, v) -> sums.merge((String) k, ((Number) v).longValue(), Long::sum));
      files += ((List<?>) m.get("files")).size();
      for (Object f : (List<?>) m.get("files")) {
        assertThat(Files.isRegularFile(root.resolve((String) f)), is(true));
      }
    }
    Map<?, ?> totals = (Map<?, ?>) rootManifest.get("totals");
    Map<String, Long> totalCounts = new LinkedHashMap<>();
    ((Map<?, ?>) totals.get("counts"))
        .forEach((k, v) -> totalCounts.put((String) k, ((Number) v).longValue()));
    assertThat(totalCounts, equalTo(sums));
    assertThat(((Number) totals.get("files")).longValue(), equalTo(files));
    assertThat(
        ((List<?>) rootManifest.get("runs")).stream().map(r -> ((Map<?, ?>) r).get("run")).toList(),
        equalTo(ledgerRuns));
    assertThat(
        sums.get("packets"),
        equalTo((long) RootFiles.expectedRecords(IncrementalTestMain.inputs(in)).size()));
  }

  @Test
  void aRunCommitsItsFilesIntoHourPartitionsAndRecordsItsInputs() throws IOException {
    Path a = capture("a.csv", T13, T13 + 10, T13 + HOUR + 5);
    IncrementalRun.Result r = run(job);
    assertThat(r.outcome(), equalTo(IncrementalRun.Outcome.COMMITTED));
    String id = r.runId().orElseThrow();
    assertThat(id, startsWith("20240501T170000Z-"));

    assertThat(
        (List<?>) json(RootLayout.runManifest(id)).get("files"),
        contains(
            "flag_stats/run=" + id + "/flag_stats-" + id + ".csv",
            "flows/date=2024-05-01/hour=13/flows-" + id + "-00000.csv",
            "flows/date=2024-05-01/hour=14/flows-" + id + "-00001.csv"));
    assertThat(Files.exists(root.resolve("_SUCCESS")), is(false));
    assertThat(Files.exists(root.resolve("flows/.temp-beam-1234")), is(false));
    assertThat(Files.exists(root.resolve("_flowbeam/staging/" + id)), is(false));
    assertThat(Files.readString(root.resolve(RootLayout.carriedState(id))), equalTo(id + "\n"));

    Ledger ledger = ledger();
    assertThat(ledger.file(a.toString()).orElseThrow().run(), equalTo(id));
    assertThat(ledger.file(a.toString()).orElseThrow().size(), equalTo(Files.size(a)));
    assertThat(ledger.seriesEndUs(), equalTo(T13 + HOUR + 5));
    assertThat(ledger.lastCarriedState(), equalTo(Optional.of(RootLayout.carriedState(id))));
    assertThat(
        (List<?>) json(RootLayout.ROOT_MANIFEST).get("partitions"),
        contains(
            "flag_stats/run=" + id,
            "flows/date=2024-05-01/hour=13",
            "flows/date=2024-05-01/hour=14"));
    assertRootHoldsEveryInputLineOnce();
    assertRootManifestAddsUp();
    try (RootLock released = RootLock.acquire(RootLayout.of(root))) {
      assertThat(released.isHeld(), is(true));
    }
  }

  @Test
  void nothingNewChangesNothing() throws IOException {
    capture("a.csv", T13);
    run(job);
    Map<String, String> before = RootFiles.snapshot(root);
    IncrementalRun.Result r = run(job);
    assertThat(r.outcome(), equalTo(IncrementalRun.Outcome.NOTHING_TO_DO));
    assertThat(r.summary(), equalTo("flowbeam: nothing new in 1 matched files; output unchanged"));
    assertThat(RootFiles.snapshot(root), equalTo(before));
    assertThat(job.calls.size(), equalTo(1));
  }

  @Test
  void aNewFileIsReadAloneFromThePreviousCarriedState() throws IOException {
    capture("a.csv", T13);
    String first = run(job).runId().orElseThrow();
    Path b = capture("b.csv", T13 + HOUR);
    String second = run(job).runId().orElseThrow();
    assertThat(second.compareTo(first) > 0, is(true));
    StagedJob.Input input = job.calls.get(1);
    assertThat(input.inputFiles(), contains(Location.local(b)));
    assertThat(
        input.carriedStateIn(),
        equalTo(Optional.of(Location.local(root.resolve(RootLayout.carriedState(first))))));
    assertThat(input.seriesEndUs().getAsLong(), equalTo(T13));
    assertThat(job.carriedIn.get(1), equalTo(first + "\n"));
    assertThat(ledger().seriesEndUs(), equalTo(T13 + HOUR));
    assertRootHoldsEveryInputLineOnce();
    assertRootManifestAddsUp();
  }

  @Test
  void aGrownFileUndoesItsRunAndTheLaterOnesAndRereadsTheirInputs() throws IOException {
    capture("a.csv", T13);
    String r1 = run(job).runId().orElseThrow();
    Path b = capture("b.csv", T13 + HOUR);
    String r2 = run(job).runId().orElseThrow();
    capture("c.csv", T13 + 2 * HOUR);
    String r3 = run(job).runId().orElseThrow();
    List<String> r2Files = new ArrayList<>();
    for (Object f : (List<?>) json(RootLayout.runManifest(r2)).get("files")) {
      r2Files.add((String) f);
    }

    capture("b.csv", T13 + HOUR + 99); // b grows after it was read
    capture("d.csv", T13 + 3 * HOUR);
    IncrementalRun.Result r4 = run(job);
    String id = r4.runId().orElseThrow();
    assertThat(r4.plan().undoneRuns(), contains(r2, r3));
    assertThat(
        notices,
        hasItem(
            containsString(b + " changed since it was read; undoing runs " + r2 + " to " + r3)));
    assertThat(
        job.calls.get(3).inputFiles(),
        contains(
            Location.local(b),
            Location.local(in.resolve("c.csv")),
            Location.local(in.resolve("d.csv"))));
    assertThat(job.carriedIn.get(3), equalTo(r1 + "\n")); // the state before the undone runs
    assertThat(job.calls.get(3).seriesEndUs().getAsLong(), equalTo(T13));

    for (String f : r2Files) {
      assertThat(f, Files.exists(root.resolve(f)), is(false));
    }
    for (String undone : List.of(r2, r3)) {
      assertThat(Files.exists(root.resolve(RootLayout.runManifest(undone))), is(false));
      assertThat(Files.exists(root.resolve(RootLayout.carriedState(undone))), is(false));
      assertThat(Files.exists(root.resolve("flag_stats/run=" + undone)), is(false));
    }
    assertThat(ledger().runs().stream().map(Ledger.LedgerRun::run).toList(), contains(r1, id));
    assertThat(
        ledger().files().stream().map(Ledger.LedgerFile::run).toList(), contains(r1, id, id, id));
    assertThat(
        Files.readString(root.resolve(RootLayout.carriedState(id))),
        equalTo(r1 + "\n" + id + "\n"));
    assertThat(ledger().seriesEndUs(), equalTo(T13 + 3 * HOUR));
    assertRootHoldsEveryInputLineOnce();
    assertRootManifestAddsUp();
    assertThat(run(job).outcome(), equalTo(IncrementalRun.Outcome.NOTHING_TO_DO));
  }

  /**
   * A root and inputs reached through Hadoop's client (its local file system, {@code file://} URIs:
   * the code paths of a root on HDFS) go through the same runs, commits and rollback as local ones:
   * the same run ids, files, records and carried state; the run holds a lease, not an OS lock, and
   * leaves none behind.
   */
  @Test
  void aRootThroughHadoopsClientRunsAsALocalRoot() throws IOException {
    HadoopDirectoryOps hadoop = HadoopDirectoryOps.rawLocal();
    Path hadoopRoot = tmp.resolve("hadoop-root");
    List<Boolean> leaseHeldDuringJob = new ArrayList<>();
    StagedJob checkingLease =
        input -> {
          leaseHeldDuringJob.add(Files.exists(hadoopRoot.resolve("_flowbeam/lease")));
          return job.run(input);
        };
    List<String> hadoopIds = new ArrayList<>();
    List<String> localIds = new ArrayList<>();
    Runnable both =
        () -> {
          try {
            localIds.add(run(job).runId().orElseThrow());
            List<Location> inputs = new ArrayList<>();
            for (Path f : IncrementalTestMain.inputs(in)) {
              inputs.add(Location.on(hadoop, "file://" + f));
            }
            IncrementalRun onHadoop =
                new IncrementalRun(
                    Location.on(hadoop, "file://" + hadoopRoot),
                    p -> Location.on(hadoop, p),
                    RunPlanner.Settings.defaults(),
                    Clock.fixed(series.now(), ZoneOffset.UTC),
                    new Random(series.now().getEpochSecond()),
                    notices::add);
            hadoopIds.add(onHadoop.run(inputs, checkingLease).runId().orElseThrow());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };

    capture("a.csv", T13);
    both.run();
    capture("b.csv", T13 + HOUR);
    both.run();
    capture("a.csv", T13 + 99); // a grows: both runs are undone and redone
    both.run();

    assertThat(hadoopIds, equalTo(localIds));
    assertThat(leaseHeldDuringJob, equalTo(List.of(true, true, true)));
    assertThat(Files.exists(hadoopRoot.resolve("_flowbeam/lease")), is(false));
    assertThat(
        RootFiles.snapshot(hadoopRoot).keySet(),
        equalTo(
            RootFiles.snapshot(root).keySet().stream()
                .filter(f -> !f.equals("_flowbeam/lock"))
                .collect(Collectors.toSet())));
    assertThat(
        RootFiles.flowRecords(hadoopRoot),
        containsInAnyOrder(RootFiles.flowRecords(root).toArray()));
    String carried = RootLayout.carriedState(localIds.get(2));
    assertThat(
        Files.readString(hadoopRoot.resolve(carried)),
        equalTo(Files.readString(root.resolve(carried))));
    Ledger onHadoop = Ledger.read(hadoopRoot.resolve(RootLayout.LEDGER));
    assertThat(
        onHadoop.files().stream().map(Ledger.LedgerFile::path).toList(),
        everyItem(startsWith("file:/")));
    assertThat(
        onHadoop.runs().stream()
            .map(r -> List.of(r.run(), r.carriedState(), r.seriesEndUs()))
            .toList(),
        equalTo(
            ledger().runs().stream()
                .map(r -> List.of(r.run(), r.carriedState(), r.seriesEndUs()))
                .toList()));
  }

  /**
   * A run on a shared root whose lease lapsed while its job ran (no renewal for half the expiry, so
   * another client may have taken the root over) writes no commit journal: the root stays as the
   * previous run left it and the staging directory goes. Once the lapsed lease has expired, the
   * next run takes it over and commits the inputs.
   */
  @Test
  void aRunThatLostItsLeaseWhileItsJobRanDoesNotCommit() throws IOException {
    HadoopDirectoryOps hadoop = HadoopDirectoryOps.rawLocal();
    FakeClock clock = new FakeClock(Instant.parse("2024-05-01T16:00:00Z"));
    IncrementalRun onHadoop =
        new IncrementalRun(
            Location.on(hadoop, "file://" + root),
            p -> Location.on(hadoop, p),
            RunPlanner.Settings.defaults(),
            clock,
            new Random(7),
            notices::add);
    capture("a.csv", T13);
    String first = onHadoop.run(IncrementalTestMain.locations(in), job).runId().orElseThrow();
    Map<String, String> committed = RootFiles.snapshot(root);
    capture("b.csv", T13 + HOUR);
    clock.advance(Duration.ofHours(1));
    StagedJob stalling =
        input -> {
          clock.advance(LeaseLock.DEFAULT_EXPIRY.dividedBy(2));
          return job.run(input);
        };

    IOException e =
        assertThrows(
            IOException.class, () -> onHadoop.run(IncrementalTestMain.locations(in), stalling));

    assertThat(e.getMessage(), containsString("lost the lock on"));
    Map<String, String> after = new LinkedHashMap<>(RootFiles.snapshot(root));
    assertThat(after.remove("_flowbeam/lease"), is(not(nullValue())));
    assertThat(after, equalTo(committed));
    assertThat(ledger().runs().stream().map(Ledger.LedgerRun::run).toList(), contains(first));

    clock.advance(LeaseLock.DEFAULT_EXPIRY.plusMinutes(1));
    assertThat(
        onHadoop.run(IncrementalTestMain.locations(in), job).outcome(),
        equalTo(IncrementalRun.Outcome.COMMITTED));
    assertRootHoldsEveryInputLineOnce();
    assertThat(Files.exists(root.resolve("_flowbeam/lease")), is(false));
  }

  @Test
  void aFailedJobLeavesTheRootAsItWasAndTheNextRunRedoesIt() throws IOException {
    capture("a.csv", T13);
    run(job);
    capture("b.csv", T13 + HOUR);
    Map<String, String> before = RootFiles.snapshot(root);
    StagedJob failing =
        input -> {
          job.run(input); // writes its files into staging, then fails
          throw new IOException("the pipeline failed");
        };
    IOException e = assertThrows(IOException.class, () -> run(failing));
    assertThat(e.getMessage(), equalTo("the pipeline failed"));
    assertThat(RootFiles.snapshot(root), equalTo(before));
    try (var s = Files.list(root.resolve("_flowbeam/staging"))) {
      assertThat(s.toList(), empty());
    }
    IncrementalRun.Result redo = run(job);
    assertThat(redo.plan().newFiles(), contains(in.resolve("b.csv").toString()));
    assertRootHoldsEveryInputLineOnce();
    assertRootManifestAddsUp();
  }

  @Test
  void aFlushCarriesNothingAndTheNextRunStartsFresh() throws IOException {
    capture("a.csv", T13);
    run(job);
    IncrementalRun.Result r = series.run(new RunPlanner.Settings(Duration.ZERO, true), job);
    assertThat(r.outcome(), equalTo(IncrementalRun.Outcome.COMMITTED));
    assertThat(job.calls.get(1).inputFiles(), empty());
    assertThat(job.calls.get(1).flushOpenFlows(), is(true));
    assertThat(ledger().runs().get(1).carriedState(), nullValue());
    assertThat(ledger().seriesEndUs(), equalTo(T13)); // kept though the flush read no packet
    capture("b.csv", T13 + HOUR);
    run(job);
    assertThat(job.carriedIn.get(2), equalTo(""));
    assertRootManifestAddsUp();
  }

  @Test
  void aForeignNonEmptyDirectoryIsRefused() throws IOException {
    Files.createDirectories(root);
    Files.writeString(root.resolve("manifest.json"), "{}"); // a plain FlowBeam output
    capture("a.csv", T13);
    UsageException e = assertThrows(UsageException.class, () -> run(job));
    assertThat(e.getMessage(), containsString("holds no _flowbeam/"));
    assertThat(job.calls, empty());
    try (var s = Files.list(root)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList(), everyItem(not(startsWith("_"))));
    }
  }
}
