package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.AtomicFiles;
import org.flowbeam.io.sink.ManifestWriter;

/**
 * Commits a run whose job has finished writing into its staging directory. {@link #prepare} writes,
 * inside the staging directory at their root paths, the run manifest, the root manifest and the
 * next ledger (the carried state is already there, written by the job), and builds the journal;
 * {@link #commit} writes the journal (from then on the run is committed) and applies it. Until the
 * journal exists, nothing in the root has changed.
 */
final class RunCommit {
  private final RootLayout layout;
  private final Location staging;
  private final CommitJournal journal;
  private final Map<String, Object> runManifest;

  private RunCommit(
      RootLayout layout, Location staging, CommitJournal journal, Map<String, Object> runManifest) {
    this.layout = layout;
    this.staging = staging;
    this.journal = journal;
    this.runManifest = runManifest;
  }

  /**
   * Prepares the commit of {@code runId}.
   *
   * @throws IllegalStateException if a result file would replace a file in the root (its name lacks
   *     the run id)
   */
  static RunCommit prepare(
      RootLayout layout,
      RunPlan plan,
      String runId,
      String started,
      String finished,
      StagedJob.Output output,
      SeriesOptions options)
      throws IOException {
    Location staging = layout.staging(runId);
    List<String> files = FileTrees.resultFiles(staging);
    for (String f : files) {
      if (layout.resolve(f).exists()) {
        throw new IllegalStateException(
            "run " + runId + " wrote " + f + ", which is already in the output; not committing");
      }
    }

    List<String> deletes = new ArrayList<>();
    for (String undone : plan.undoneRuns()) {
      deletes.addAll(IncrementalManifests.filesOf(layout, undone));
      deletes.add(RootLayout.runManifest(undone));
      deletes.add(RootLayout.runReport(undone));
      deletes.add(RootLayout.carriedState(undone));
    }

    String carriedRel = RootLayout.carriedState(runId);
    Optional<String> carriedOut =
        staging.resolve(carriedRel).isFile() ? Optional.of(carriedRel) : Optional.empty();
    Long newest = boxed(output.newestPacketUs());
    Long seriesEnd = boxed(max(plan.seriesEnd(), output.newestPacketUs()));

    List<String> inputs = plan.toRead().stream().map(FileFingerprint::path).toList();
    Ledger next =
        plan.base()
            .withRun(
                new Ledger.LedgerRun(runId, inputs, carriedOut.orElse(null), seriesEnd),
                plan.toRead());
    Map<String, Object> runManifest =
        IncrementalManifests.runManifest(
            runId,
            started,
            finished,
            plan,
            carriedOut,
            seriesEnd,
            newest,
            output.counts(),
            files,
            options);
    Map<String, Object> rootManifest = IncrementalManifests.rootManifest(layout, next, runManifest);

    String runManifestRel = RootLayout.runManifest(runId);
    writeJson(staging.resolve(runManifestRel), ManifestWriter.toJson(runManifest));
    writeJson(staging.resolve(RootLayout.ROOT_MANIFEST), ManifestWriter.toJson(rootManifest));
    byte[] ledgerJson = next.toJson();
    AtomicFiles.write(staging.resolve(RootLayout.LEDGER), out -> out.write(ledgerJson));

    List<String> moves = new ArrayList<>(files);
    String reportRel = RootLayout.runReport(runId);
    if (staging.resolve(reportRel).isFile()) {
      moves.add(reportRel); // written by the job's client unless --report=false
    }
    moves.add(runManifestRel);
    carriedOut.ifPresent(moves::add);
    moves.add(RootLayout.ROOT_MANIFEST);
    moves.add(RootLayout.LEDGER);
    return new RunCommit(layout, staging, new CommitJournal(runId, deletes, moves), runManifest);
  }

  /** The journal this commit will write. */
  CommitJournal journal() {
    return journal;
  }

  /** The manifest of the run. */
  Map<String, Object> runManifest() {
    return runManifest;
  }

  /**
   * Writes the journal, then applies it.
   *
   * @param lock the root's lock, checked just before the journal is written: a run that lost it
   *     (its lease expired while another run took the root over) must not commit
   */
  void commit(RootLock lock) throws IOException {
    Failpoint.BEFORE_COMMIT.reach();
    if (!lock.isHeld()) {
      throw new IOException(
          "lost the lock on " + layout.root() + " before committing run " + journal.run());
    }
    journal.write(staging);
    journal.apply(layout, staging, true);
  }

  /** Whether the journal has been written (the run is committed, at least on paper). */
  boolean journalWritten() {
    try {
      return staging.resolve(RootLayout.COMMIT).exists();
    } catch (IOException e) {
      return true; // cannot tell: leave the staging directory for the next run to recover
    }
  }

  /** The larger of two times, either of which may be absent. */
  private static OptionalLong max(OptionalLong a, OptionalLong b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : OptionalLong.of(Math.max(a.getAsLong(), b.getAsLong()));
  }

  private static Long boxed(OptionalLong t) {
    return t.isPresent() ? t.getAsLong() : null;
  }

  private static void writeJson(Location target, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(target, out -> out.write(bytes));
  }
}
