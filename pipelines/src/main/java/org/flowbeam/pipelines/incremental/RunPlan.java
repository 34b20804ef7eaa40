package org.flowbeam.pipelines.incremental;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a run will do, decided before it starts (see {@link RunPlanner}).
 *
 * @param toRead the files the run reads, with the fingerprints the ledger will record: the inputs
 *     of the undone runs that still exist (in run order), then the new and changed files (in match
 *     order), each once
 * @param newFiles matched files the ledger does not hold
 * @param changedFiles matched files the ledger holds with another size, mtime or hash
 * @param unchangedFiles matched files the ledger holds as they are
 * @param settlingFiles new or changed files modified too recently; left for a later run
 * @param undoneRuns the runs the changed files roll back, oldest first (their outputs are deleted
 *     at commit)
 * @param missingInputs inputs of undone runs that no longer exist: their results are lost
 * @param base the ledger the run builds on: the current one without the undone runs
 * @param flushOpenFlows whether the run writes every open flow instead of carrying it
 */
public record RunPlan(
    List<FileFingerprint> toRead,
    List<String> newFiles,
    List<String> changedFiles,
    List<String> unchangedFiles,
    List<String> settlingFiles,
    List<String> undoneRuns,
    List<String> missingInputs,
    Ledger base,
    boolean flushOpenFlows) {

  public RunPlan {
    toRead = List.copyOf(toRead);
    newFiles = List.copyOf(newFiles);
    changedFiles = List.copyOf(changedFiles);
    unchangedFiles = List.copyOf(unchangedFiles);
    settlingFiles = List.copyOf(settlingFiles);
    undoneRuns = List.copyOf(undoneRuns);
    missingInputs = List.copyOf(missingInputs);
  }

  /** The carried state the run starts from (relative to the root): the base's newest run's. */
  public Optional<String> carriedStateIn() {
    return base.lastCarriedState();
  }

  /** The series' newest packet time before this run: the base's. */
  public OptionalLong seriesEnd() {
    return base.seriesEnd();
  }

  /**
   * Whether there is anything to do: files to read, runs to undo, or (with {@code
   * --flushOpenFlows}) carried flows to write out. Without, the run ends with one line and changes
   * nothing.
   */
  public boolean hasWork() {
    return !toRead.isEmpty()
        || !undoneRuns.isEmpty()
        || (flushOpenFlows && carriedStateIn().isPresent());
  }
}
