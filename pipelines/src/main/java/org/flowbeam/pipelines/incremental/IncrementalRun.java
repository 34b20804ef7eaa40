package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.flowbeam.io.fs.Location;

/**
 * One run of the recurring batch job ({@code --incremental}) around a {@link StagedJob}, in the
 * steps of {@code src/docs/incremental.md}:
 *
 * <ol>
 *   <li><b>Lock</b> the root ({@link RootLock}); held by another run: {@link RootLockedException}
 *       (one line, exit {@value RootLockedException#EXIT_TEMPFAIL}).
 *   <li><b>Recover</b> what a killed run left ({@link Recovery}).
 *   <li><b>Plan</b> from the ledger ({@link RunPlanner}); nothing to do: {@link
 *       Outcome#NOTHING_TO_DO}, the root unchanged.
 *   <li><b>Run the job</b> into {@code _flowbeam/staging/RUN/}; if it fails, the staging directory
 *       is deleted and the failure passed on, the root unchanged.
 *   <li><b>Commit</b> ({@link RunCommit}, {@link CommitJournal}).
 * </ol>
 *
 * The lock is released on every way out. A process killed at any point leaves the root as it was
 * before the run or, once the journal is written, completes the commit at the next run's step 2.
 *
 * <pre>{@code
 * IncrementalRun run = IncrementalRun.create(Location.of(options.getOutput(), options),
 *     path -> Location.of(path, options),
 *     new RunPlanner.Settings(Duration.ofSeconds(options.getMinFileAgeSeconds()),
 *         options.getFlushOpenFlows()), err::println);
 * IncrementalRun.Result r = run.run(matchedFiles, job);
 * out.println(r.summary());
 * }</pre>
 */
public final class IncrementalRun {
  /** What a run came to. */
  public enum Outcome {
    /** Nothing new, nothing changed, nothing to flush: the root is as it was. */
    NOTHING_TO_DO,
    /** A run was committed. */
    COMMITTED
  }

  /**
   * The result of a run.
   *
   * @param outcome what happened
   * @param plan what was planned
   * @param runId the committed run's id (absent for {@link Outcome#NOTHING_TO_DO})
   * @param runManifest the committed run's manifest (empty for {@link Outcome#NOTHING_TO_DO})
   */
  public record Result(
      Outcome outcome, RunPlan plan, Optional<String> runId, Map<String, Object> runManifest) {
    /** One line for the user. */
    public String summary() {
      if (outcome == Outcome.NOTHING_TO_DO) {
        return "flowbeam: nothing new in "
            + (plan.unchangedFiles().size() + plan.settlingFiles().size())
            + " matched files"
            + (plan.settlingFiles().isEmpty()
                ? ""
                : " (" + plan.settlingFiles().size() + " still being written)")
            + "; output unchanged";
      }
      return "flowbeam: run "
          + runId.orElseThrow()
          + " read "
          + plan.toRead().size()
          + " files ("
          + plan.newFiles().size()
          + " new, "
          + plan.changedFiles().size()
          + " changed"
          + (plan.undoneRuns().isEmpty() ? "" : ", " + plan.undoneRuns().size() + " runs undone")
          + "), wrote "
          + ((List<?>) runManifest.get("files")).size()
          + " files in "
          + ((List<?>) runManifest.get("partitions")).size()
          + " partitions";
    }
  }

  private final RootLayout layout;
  private final Function<String, Location> locate;
  private final RunPlanner.Settings settings;
  private final Clock clock;
  private final RandomGenerator random;
  private final Consumer<String> notices;

  /**
   * A run over {@code root}; {@code locate} turns a path the ledger holds into a file to look at,
   * {@code clock} and {@code random} make the run id (fixed in tests) and {@code clock} times a
   * lease on the root, {@code notices} receives one-line messages (recoveries, rollbacks, lost
   * inputs).
   */
  public IncrementalRun(
      Location root,
      Function<String, Location> locate,
      RunPlanner.Settings settings,
      Clock clock,
      RandomGenerator random,
      Consumer<String> notices) {
    this.layout = RootLayout.of(root);
    this.locate = locate;
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.notices = notices;
  }

  /** A run over the local directory {@code root} whose inputs are local files. */
  public IncrementalRun(
      Path root,
      RunPlanner.Settings settings,
      Clock clock,
      RandomGenerator random,
      Consumer<String> notices) {
    this(Location.local(root), p -> Location.local(Path.of(p)), settings, clock, random, notices);
  }

  /** A run over {@code root} with the system clock. */
  public static IncrementalRun create(
      Location root,
      Function<String, Location> locate,
      RunPlanner.Settings settings,
      Consumer<String> notices) {
    return new IncrementalRun(
        root, locate, settings, Clock.systemUTC(), new SecureRandom(), notices);
  }

  /** The root's layout. */
  public RootLayout layout() {
    return layout;
  }

  /**
   * Runs once over {@code matched} (the files the input patterns match now).
   *
   * @throws RootLockedException if another run holds the root
   * @throws org.flowbeam.pipelines.UsageException for a root, ledger or input that cannot be used
   * @throws IOException if the job or the commit failed; a commit that failed after its journal was
   *     written is finished by the next run
   */
  public Result run(List<Location> matched, StagedJob job) throws IOException {
    layout.prepare();
    try (RootLock lock = RootLock.acquire(layout, clock)) {
      Recovery.recover(layout, notices);
      Ledger ledger = Ledger.read(layout.ledger());
      Instant started = clock.instant();
      RunPlan plan = RunPlanner.plan(ledger, matched, locate, settings, started);
      settings.seriesOptions().checkAgainst(layout, plan.base(), notices);
      if (!plan.hasWork()) {
        return new Result(Outcome.NOTHING_TO_DO, plan, Optional.empty(), Map.of());
      }
      announce(ledger, plan);
      String runId = RunId.next(started, random, ledger.lastRunId());
      Location staging = layout.staging(runId);
      staging.mkdirs();
      RunCommit commit = null;
      try {
        StagedJob.Output output = job.run(jobInput(runId, staging, plan));
        commit =
            RunCommit.prepare(
                layout,
                plan,
                runId,
                started.toString(),
                clock.instant().toString(),
                output,
                settings.seriesOptions());
        commit.commit(lock);
        return new Result(Outcome.COMMITTED, plan, Optional.of(runId), commit.runManifest());
      } catch (IOException | RuntimeException | Error e) {
        if (commit != null && commit.journalWritten()) {
          throw new IOException(
              "the commit of run "
                  + runId
                  + " was interrupted ("
                  + e.getMessage()
                  + "); the next run finishes it",
              e);
        }
        abandon(staging);
        throw e;
      }
    }
  }

  private StagedJob.Input jobInput(String runId, Location staging, RunPlan plan) {
    List<Location> inputs = new ArrayList<>();
    plan.toRead().forEach(f -> inputs.add(locate.apply(f.path())));
    return new StagedJob.Input(
        runId,
        staging,
        inputs,
        plan.carriedStateIn().map(layout::resolve),
        plan.seriesEnd(),
        staging.resolve(RootLayout.carriedState(runId)),
        plan.flushOpenFlows());
  }

  /** One line per rollback and per input lost with it. */
  private void announce(Ledger ledger, RunPlan plan) {
    if (plan.undoneRuns().isEmpty()) {
      return;
    }
    List<String> undone = plan.undoneRuns();
    notices.accept(
        "flowbeam: "
            + String.join(", ", plan.changedFiles())
            + " changed since it was read; undoing run"
            + (undone.size() == 1
                ? " " + undone.get(0)
                : "s " + undone.get(0) + " to " + undone.get(undone.size() - 1))
            + " and reading their inputs again");
    for (String missing : plan.missingInputs()) {
      String run = ledger.file(missing).map(Ledger.LedgerFile::run).orElse("?");
      notices.accept(
          "flowbeam: warning: "
              + missing
              + " (read by undone run "
              + run
              + ") no longer exists; its results are gone from the output");
    }
  }

  private void abandon(Location staging) {
    try {
      staging.deleteRecursively();
    } catch (IOException | UncheckedIOException e) {
      notices.accept(
          "flowbeam: warning: cannot delete "
              + staging
              + " ("
              + e.getMessage()
              + "); the next run deletes it");
    }
  }
}
