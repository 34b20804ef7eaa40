package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

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
    Path parent = layout.stagingParent();
    if (!Files.isDirectory(parent)) {
      return rolledForward;
    }
    List<Path> dirs;
    try (Stream<Path> s = Files.list(parent)) {
      dirs = s.sorted().toList();
    }
    for (Path staging : dirs) {
      if (!Files.isDirectory(staging)) {
        Files.deleteIfExists(staging);
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
        FileTrees.deleteRecursively(staging);
        notices.accept(
            "flowbeam: discarded the unfinished output of run "
                + staging.getFileName()
                + ", which was stopped before its commit");
      }
    }
    return rolledForward;
  }
}
