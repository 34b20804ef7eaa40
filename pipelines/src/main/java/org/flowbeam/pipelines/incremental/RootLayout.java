package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.Path;
import org.flowbeam.io.fs.Location;
import org.flowbeam.pipelines.HadoopErrors;
import org.flowbeam.pipelines.UsageException;

/**
 * Where things are in an incremental output root, local or on HDFS. Results live in table
 * directories ({@code flows/date=.../hour=.../}); everything else begins with {@code _}, which
 * Spark, Hive and DuckDB skip:
 *
 * <pre>
 * ROOT/_manifest.json                   the root as a whole
 * ROOT/_flowbeam/ledger.json            the input files read, the runs in order
 * ROOT/_flowbeam/lock                   held by the run in progress, on a local root ({@link RootLock})
 * ROOT/_flowbeam/lease                  held by the run in progress, on HDFS
 * ROOT/_flowbeam/runs/RUN/manifest.json one per run
 * ROOT/_flowbeam/carried/RUN.state      the flows open at the end of RUN's data
 * ROOT/_flowbeam/staging/RUN/           a run's output until it is committed
 * </pre>
 *
 * A staging directory mirrors the root: a file at {@code staging/RUN/X} is committed to {@code
 * ROOT/X}.
 */
public final class RootLayout {
  /** The root manifest, relative to the root. */
  public static final String ROOT_MANIFEST = "_manifest.json";

  /** FlowBeam's own directory, relative to the root. */
  public static final String FLOWBEAM_DIR = "_flowbeam";

  /** The ledger, relative to the root. */
  public static final String LEDGER = FLOWBEAM_DIR + "/ledger.json";

  /** The commit journal's name inside a staging directory. */
  public static final String COMMIT = "COMMIT";

  private final Location root;

  private RootLayout(Location root) {
    this.root = root;
  }

  /**
   * The layout of {@code root}, made absolute (a full URI on HDFS).
   *
   * @throws UsageException if the root's file system cannot be reached
   */
  public static RootLayout of(Location root) {
    try {
      return new RootLayout(root.absolute());
    } catch (IOException e) {
      throw new UsageException("cannot reach output " + root + ": " + HadoopErrors.oneLine(e));
    }
  }

  /** The layout of the local directory {@code root}. */
  public static RootLayout of(Path root) {
    return of(Location.local(root));
  }

  /** The output root. */
  public Location root() {
    return root;
  }

  /** {@code _flowbeam/}. */
  public Location flowBeamDir() {
    return root.resolve(FLOWBEAM_DIR);
  }

  /** {@code _flowbeam/ledger.json}. */
  public Location ledger() {
    return resolve(LEDGER);
  }

  /** {@code _flowbeam/lock}. */
  public Location lock() {
    return flowBeamDir().resolve("lock");
  }

  /** {@code _flowbeam/lease}, the lock of a root on HDFS ({@link LeaseLock}). */
  public Location lease() {
    return flowBeamDir().resolve("lease");
  }

  /** {@code _flowbeam/staging/}, parent of the staging directories. */
  public Location stagingParent() {
    return flowBeamDir().resolve("staging");
  }

  /** {@code _flowbeam/staging/RUN/}. */
  public Location staging(String runId) {
    return stagingParent().resolve(runId);
  }

  /** {@code _manifest.json}. */
  public Location rootManifest() {
    return root.resolve(ROOT_MANIFEST);
  }

  /** The run manifest of {@code runId}, relative to the root (and to a staging directory). */
  public static String runManifest(String runId) {
    return FLOWBEAM_DIR + "/runs/" + runId + "/manifest.json";
  }

  /** The report of {@code runId}, relative to the root (and to a staging directory). */
  public static String runReport(String runId) {
    return FLOWBEAM_DIR + "/runs/" + runId + "/report.html";
  }

  /** The carried state of {@code runId}, relative to the root (and to a staging directory). */
  public static String carriedState(String runId) {
    return FLOWBEAM_DIR + "/carried/" + runId + ".state";
  }

  /** {@code relative} ({@code /}-separated) resolved against the root. */
  public Location resolve(String relative) {
    return root.resolve(relative);
  }

  /**
   * Checks that the root may be written incrementally and creates {@code _flowbeam/}. The root may
   * be absent, empty, or an incremental root already (it holds {@code _flowbeam/}); anything else
   * is refused, so a mistyped {@code --output} cannot mix FlowBeam's files with a user's, nor turn
   * a plain FlowBeam output directory (replaced as a whole by each run) into an incremental one.
   *
   * @throws UsageException if the root is a file or a foreign non-empty directory, or cannot be
   *     reached
   */
  public void prepare() {
    try {
      if (root.exists() && !root.isDirectory()) {
        throw new UsageException("output " + root + " exists and is not a directory");
      }
      if (root.isDirectory() && !flowBeamDir().isDirectory() && !root.list().isEmpty()) {
        throw new UsageException(
            "output directory "
                + root
                + " is not empty and holds no "
                + FLOWBEAM_DIR
                + "/; refusing to write an incremental output into it");
      }
      flowBeamDir().mkdirs();
    } catch (IOException e) {
      throw new UsageException("cannot create " + flowBeamDir() + ": " + HadoopErrors.oneLine(e));
    }
  }
}
