package org.flowbeam.io.fuzz;

import java.lang.management.ManagementFactory;

/**
 * Counts the heap bytes the current thread allocates, so that a fuzz target can assert that what it
 * allocates stays in proportion to its input: a length field read from hostile bytes must never
 * become an allocation of its own size. Uses the JDK's per-thread allocation counter (HotSpot's
 * {@code com.sun.management.ThreadMXBean}), which is cheap enough to read on every execution.
 *
 * <p>What a first run allocates includes one-time costs (class initialisation, call sites linked on
 * first use, the fuzzer's own hooks), so {@link #steady} runs an operation three times and takes
 * the least of the last two: an allocation driven by the input recurs on every run.
 *
 * <pre>{@code
 * AllocationMeter.check(AllocationMeter.steady(() -> parse(input)), 64L * input.length, "parse");
 * }</pre>
 *
 * <p>A target that runs the operation anyway can measure that first run and call {@link
 * #checkWarm}, which re-runs the operation only when the first run is over the bound: an allocation
 * driven by the input recurs on every run, the first included, so a first run within the bound
 * settles it, and the three extra runs are spent only on the rare input whose first run is not
 * (one-time costs, or a real finding).
 */
public final class AllocationMeter {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocationMeter() {}

  /** Bytes allocated by the current thread so far. */
  public static long allocated() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /** An operation measured by {@link #steady}. */
  @FunctionalInterface
  public interface Operation {
    void run() throws Exception;
  }

  /** The bytes {@code op} allocates once warm: the least of its second and third runs. */
  public static long steady(Operation op) throws Exception {
    op.run();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      long before = allocated();
      op.run();
      least = Math.min(least, allocated() - before);
    }
    return least;
  }

  /**
   * Fails if {@code op} allocates more than {@code bound} bytes once warm ({@link #steady}), given
   * the bytes {@code firstRun} of a run of the same operation the caller has just made: when that
   * is within the bound, nothing is re-run.
   *
   * @param what names the operation in the failure message
   */
  public static void checkWarm(long firstRun, long bound, Operation op, String what)
      throws Exception {
    if (firstRun > bound) {
      check(steady(op), bound, what);
    }
  }

  /**
   * Fails if {@code used} bytes exceed {@code bound}.
   *
   * @param what names the operation in the failure message
   */
  public static void check(long used, long bound, String what) {
    if (used > bound) {
      throw new AssertionError(
          what + " allocated " + used + " bytes, more than its bound of " + bound + " bytes");
    }
  }
}
