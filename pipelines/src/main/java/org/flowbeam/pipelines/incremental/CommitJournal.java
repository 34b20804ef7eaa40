package org.flowbeam.pipelines.incremental;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.AtomicFiles;
import org.flowbeam.pipelines.UsageException;

/**
 * A run's commit, written down before it is done ({@code _flowbeam/staging/RUN/COMMIT}): the files
 * of undone runs to delete from the root, and the files to move from the staging directory into the
 * root, in order, the ledger last. Every metadata file is prepared in the staging directory before
 * the journal is written, so the journal alone says how to finish the commit.
 *
 * <p>The journal is the commit point. Written (atomically, temporary file then rename), the run is
 * committed: a process killed after it leaves a staging directory that the next run completes by
 * {@link #apply applying} the journal again (roll forward). Applying is idempotent: a delete of a
 * missing file, or a move whose source is gone and whose target exists, was done before. Without a
 * journal, the root is untouched and the staging directory is thrown away.
 *
 * @param run the run id
 * @param deletes files to delete, relative to the root
 * @param moves files to move, relative to the staging directory and to the root alike
 */
public record CommitJournal(
    @JsonProperty("run") String run,
    @JsonProperty("deletes") List<String> deletes,
    @JsonProperty("moves") List<String> moves) {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public CommitJournal {
    if (!RunId.isValid(run)) {
      throw new IllegalArgumentException("not a run id: " + run);
    }
    deletes = List.copyOf(Objects.requireNonNull(deletes, "deletes"));
    moves = List.copyOf(Objects.requireNonNull(moves, "moves"));
    deletes.forEach(CommitJournal::requireInsideRoot);
    moves.forEach(CommitJournal::requireInsideRoot);
    if (moves.isEmpty() || !moves.get(moves.size() - 1).equals(RootLayout.LEDGER)) {
      throw new IllegalArgumentException("the ledger must be the journal's last move");
    }
  }

  /** Writes {@code staging/COMMIT} atomically. */
  void write(Location staging) throws IOException {
    byte[] json = MAPPER.writeValueAsBytes(this);
    AtomicFiles.write(staging.resolve(RootLayout.COMMIT), out -> out.write(json));
  }

  /**
   * The journal in {@code staging}, if the run got as far as writing it.
   *
   * @throws UsageException (one line naming the file) if it is not a journal; the staging directory
   *     is then left alone for a person to look at
   */
  static Optional<CommitJournal> read(Location staging) {
    Location file = staging.resolve(RootLayout.COMMIT);
    try {
      Optional<String> json = file.readStringIfPresent();
      return json.isEmpty()
          ? Optional.empty()
          : Optional.of(MAPPER.readValue(json.get(), CommitJournal.class));
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(
          file
              + " is not a FlowBeam commit journal ("
              + e.getMessage().lines().findFirst().orElse("")
              + "); move that staging directory away and run again");
    }
  }

  /**
   * Carries out the journal: deletes, then moves, then removes the staging directory. {@code
   * firstAttempt} arms the {@link Failpoint}s (a roll forward never halts).
   */
  void apply(RootLayout layout, Location staging, boolean firstAttempt) throws IOException {
    for (String rel : deletes) {
      Location target = layout.resolve(rel);
      if (target.isFile()) {
        target.deleteRecursively();
      }
      FileTrees.deleteEmptyParents(target, layout.root());
    }
    int half = Math.max(1, moves.size() / 2);
    for (int i = 0; i < moves.size(); i++) {
      String rel = moves.get(i);
      if (firstAttempt && i == half) {
        Failpoint.MID_COMMIT.reach();
      }
      if (firstAttempt && rel.equals(RootLayout.LEDGER)) {
        Failpoint.BEFORE_LEDGER.reach();
      }
      Location from = staging.resolve(rel);
      Location to = layout.resolve(rel);
      if (from.exists()) {
        FileTrees.moveReplacing(from, to);
      } else if (!to.exists()) {
        throw new IOException(
            "cannot finish the commit of run "
                + run
                + ": "
                + rel
                + " is neither in "
                + staging
                + " nor in the output");
      }
    }
    staging.deleteRecursively();
  }

  private static void requireInsideRoot(String rel) {
    Path p = Path.of(rel);
    if (rel.isEmpty()
        || p.isAbsolute()
        || !p.normalize().equals(p)
        || p.getName(0).toString().equals("..")) {
      throw new IllegalArgumentException("not a path inside the output: " + rel);
    }
  }
}
