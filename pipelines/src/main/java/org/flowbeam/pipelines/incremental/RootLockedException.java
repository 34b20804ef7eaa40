package org.flowbeam.pipelines.incremental;

import java.nio.file.Path;

/**
 * Another run holds the output root: this run ends at once, with one line and exit code {@value
 * #EXIT_TEMPFAIL} ({@code EX_TEMPFAIL} of {@code sysexits.h}: try again later), so a scheduler that
 * starts a run while the previous one is still going sees a clean, recognizable refusal.
 */
public final class RootLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit code of a run refused because the root is locked. */
  public static final int EXIT_TEMPFAIL = 75;

  private final String holderPid;

  RootLockedException(Path root, String holderPid) {
    super(
        "output "
            + root
            + " is in use by another FlowBeam run (pid "
            + holderPid
            + "); try again later");
    this.holderPid = holderPid;
  }

  /** The process id written by the holder, or {@code unknown}. */
  public String holderPid() {
    return holderPid;
  }

  /** {@value #EXIT_TEMPFAIL}. */
  public int exitCode() {
    return EXIT_TEMPFAIL;
  }
}
