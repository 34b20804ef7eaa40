package org.flowbeam.pipelines.incremental;

import java.util.Locale;

/**
 * <b>Test hook.</b> Points in a run's commit where the JVM can be made to stop dead, as a {@code
 * kill -9} or a power cut would stop it, so tests (and the hourly-schedule test) can check that the
 * next run recovers from exactly that point. A failpoint is armed by the environment variable
 * {@value #ENV}{@code =<name>} of the process; unset (always, outside tests) it does nothing. At an
 * armed point the JVM halts ({@link Runtime#halt}: no shutdown hooks, no {@code finally} blocks, no
 * lock release other than the OS's) with exit status {@value #HALT_STATUS}.
 *
 * <pre>
 * FLOWBEAM_FAILPOINT=mid-commit java -jar flowbeam.jar --incremental ...   # exits 86
 * java -jar flowbeam.jar --incremental ...                                 # recovers, goes on
 * </pre>
 */
public enum Failpoint {
  /** The run's output and metadata are all in staging; the {@code COMMIT} journal is not. */
  BEFORE_COMMIT,
  /** The journal is written, the undone runs' files are deleted, half the files are moved. */
  MID_COMMIT,
  /** Everything is moved into the root except the ledger. */
  BEFORE_LEDGER;

  /** The environment variable that arms a failpoint. */
  public static final String ENV = "FLOWBEAM_FAILPOINT";

  /** The exit status of a JVM halted at a failpoint. */
  public static final int HALT_STATUS = 86;

  /** The name used in {@value #ENV}: {@code before-commit}, {@code mid-commit}, ... */
  public String hookName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Halts the JVM if this failpoint is armed; otherwise returns at once. */
  void reach() {
    if (hookName().equals(System.getenv(ENV))) {
      System.err.println("flowbeam: failpoint " + hookName() + " reached: halting");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
