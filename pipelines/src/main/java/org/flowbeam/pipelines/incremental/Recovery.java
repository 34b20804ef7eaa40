package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.flowbeam.io.fs.Location;

/**
 * Puts a root back in order after a run was killed, before anything else happens (under the lock):
 * a staging directory with a {@link CommitJournal} is a run killed while committing, and its commit
 * is completed (roll forward); one without is a run killed before its commit, and it is deleted —
 * the ledger does not list its inputs, so this run reads them again.
 */
final class Recovery {
  private Recovery() {}

  /**
   * Recovers every staging directory of the root, oldest run first; says what it did through {@code
   * notices}, one line each. Returns the ids of the runs rolled forward.
   */
  static List<String> recover(RootLayout layout, Consumer<String> notices) throws IOException {
    List<String> rolledForward = new ArrayList<>();
    Location parent = layout.stagingParent();
    if (!parent.isDirectory()) {
      return rolledForward;
    }
    for (String name : parent.list()) {
      Location staging = parent.resolve(name);
      if (!staging.isDirectory()) {
        staging.deleteRecursively();
        continue;
      }
      Optional<CommitJournal> journal = CommitJournal.read(staging);
      if (journal.isPresent()) {
        journal.get().apply(layout, staging, false);
        rolledForward.add(journal.get().run());
        notices.accept(
            "flowbeam: finished the commit of run "
                + journal.get().run()
                + ", which was stopped while committing");
      } else {
        staging.deleteRecursively();
        notices.accept(
            "flowbeam: discarded the unfinished output of run "
                + name
                + ", which was stopped before its commit");
      }
    }
    return rolledForward;
  }
}
