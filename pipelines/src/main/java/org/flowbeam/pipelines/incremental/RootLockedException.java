package org.flowbeam.pipelines.incremental;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another run holds the output root: this run ends at once, with one line and exit code {@value
 * #EXIT_TEMPFAIL} ({@code EX_TEMPFAIL} of {@code sysexits.h}: try again later), so a scheduler that
 * starts a run while the previous one is still going sees a clean, recognizable refusal.
 *
 * <pre>{@code
 * output hdfs://nn:8020/flows is in use by another FlowBeam run (pid 4242 on host w7); try again later
 * }</pre>
 */
public final class RootLockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The exit code of a run refused because the root is locked. */
  public static final int EXIT_TEMPFAIL = 75;

  private static final Pattern PID = Pattern.compile("\\bpid (\\S+)");

  private final String holder;

  /**
   * The root {@code root} (a local path or a URI) is held by {@code holder}, a short description of
   * the holding run such as {@code pid 4242} or {@code pid 4242 on host w7} ({@link
   * LeaseLock.HeldException#holderDescription()}).
   */
  RootLockedException(String root, String holder) {
    super(
        "output " + root + " is in use by another FlowBeam run (" + holder + "); try again later");
    this.holder = holder;
  }

  /** The root {@code root} is held by the process {@code holderPid} (or {@code unknown}). */
  RootLockedException(Path root, String holderPid) {
    this(root.toString(), "pid " + holderPid);
  }

  /** The description of the holding run, as in the message. */
  public String holder() {
    return holder;
  }

  /** The process id named in {@link #holder()}, or {@code unknown}. */
  public String holderPid() {
    Matcher m = PID.matcher(holder);
    return m.find() ? m.group(1) : "unknown";
  }

  /** {@value #EXIT_TEMPFAIL}. */
  public int exitCode() {
    return EXIT_TEMPFAIL;
  }
}
