package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.flowbeam.pipelines.UsageException;

/**
 * Where things are in an incremental output root. Results live in table directories ({@code
 * flows/date=.../hour=.../}); everything else begins with {@code _}, which Spark, Hive and DuckDB
 * skip:
 *
 * <pre>
 * ROOT/_manifest.json                   the root as a whole
 * ROOT/_flowbeam/ledger.json            the input files read, the runs in order
 * ROOT/_flowbeam/lock                   held (OS file lock) by the run in progress
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

  private final Path root;

  private RootLayout(Path root) {
    this.root = root;
  }

  /** The layout of {@code root} (made absolute). */
  public static RootLayout of(Path root) {
    return new RootLayout(root.toAbsolutePath().normalize());
  }

  /** The output root. */
  public Path root() {
    return root;
  }

  /** {@code _flowbeam/}. */
  public Path flowBeamDir() {
    return root.resolve(FLOWBEAM_DIR);
  }

  /** {@code _flowbeam/ledger.json}. */
  public Path ledger() {
    return root.resolve(LEDGER);
  }

  /** {@code _flowbeam/lock}. */
  public Path lock() {
    return flowBeamDir().resolve("lock");
  }

  /** {@code _flowbeam/staging/}, parent of the staging directories. */
  public Path stagingParent() {
    return flowBeamDir().resolve("staging");
  }

  /** {@code _flowbeam/staging/RUN/}. */
  public Path staging(String runId) {
    return stagingParent().resolve(runId);
  }

  /** {@code _manifest.json}. */
  public Path rootManifest() {
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

  /** {@code relative} resolved against the root. */
  public Path resolve(String relative) {
    return root.resolve(relative);
  }

  /**
   * Checks that the root may be written incrementally and creates {@code _flowbeam/}. The root may
   * be absent, empty, or an incremental root already (it holds {@code _flowbeam/}); anything else
   * is refused, so a mistyped {@code --output} cannot mix FlowBeam's files with a user's, nor turn
   * a plain FlowBeam output directory (replaced as a whole by each run) into an incremental one.
   *
   * @throws UsageException if the root is a file or a foreign non-empty directory
   */
  public void prepare() {
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new UsageException("output " + root + " exists and is not a directory");
    }
    if (Files.isDirectory(root) && !Files.isDirectory(flowBeamDir()) && !isEmpty(root)) {
      throw new UsageException(
          "output directory "
              + root
              + " is not empty and holds no "
              + FLOWBEAM_DIR
              + "/; refusing to write an incremental output into it");
    }
    try {
      Files.createDirectories(flowBeamDir());
    } catch (IOException e) {
      throw new UsageException("cannot create " + flowBeamDir() + ": " + e.getMessage());
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UsageException("cannot list output directory " + dir + ": " + e.getMessage());
    }
  }
}
