/**
 * What makes a FlowBeam run incremental, safe to repeat and safe to kill (see {@code
 * src/docs/incremental.md}): the {@link org.flowbeam.pipelines.incremental.Ledger} of the input
 * files already read, the {@link org.flowbeam.pipelines.incremental.RunPlanner} that finds what is
 * new or changed (and which runs a changed file undoes), the {@link
 * org.flowbeam.pipelines.incremental.RootLock} that lets one run at a time touch an output root,
 * and the staging directory and {@link org.flowbeam.pipelines.incremental.CommitJournal} through
 * which a run's results enter the root all or not at all.
 *
 * <p>{@link org.flowbeam.pipelines.incremental.IncrementalRun} puts the steps in order around a
 * {@link org.flowbeam.pipelines.incremental.StagedJob}, the Beam job seen as a function from input
 * files and carried state to files in a staging directory. Plain Java, no Beam: the job is the only
 * part that runs a pipeline. Local file systems only (OS file locks, atomic renames).
 */
package org.flowbeam.pipelines.incremental;
