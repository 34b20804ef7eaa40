package org.flowbeam.pipelines.progress;

import java.io.PrintStream;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows a job's progress while it runs: polls a {@link ProgressSource} on a thread of its own and
 * prints what {@link ProgressMeter} makes of it — on a terminal one line rewritten in place every
 * second (carriage return), elsewhere (a log, cron) a plain line every {@link Settings#interval}.
 * When the job ends, {@link #finish} prints a last line (if any was printed) and ends a terminal's
 * line, so the summary and any error start on a line of their own. With {@link Settings#show} off
 * ({@code --quiet}) nothing is printed, but the source is still polled for when processing began.
 *
 * <p>A failure to find out the progress never fails the job: the line shows what was known last.
 *
 * <pre>{@code
 * ProgressReporter r = ProgressReporter.start(source, meter, settings, System.err, System::nanoTime);
 * boolean ok = false;
 * try { ...run the job...; ok = true; } finally { OptionalLong began = r.finish(ok); }
 * }</pre>
 */
public final class ProgressReporter {
  /** How often a terminal's line is rewritten, at most. */
  static final long TERMINAL_PERIOD_NANOS = 1_000_000_000L;

  /**
   * How progress is shown.
   *
   * @param show print progress (off with {@code --quiet})
   * @param intervalNanos time between two plain lines
   * @param terminal rewrite one line in place instead of printing lines
   * @param width the terminal's width
   */
  public record Settings(boolean show, long intervalNanos, boolean terminal, int width) {}

  private final ProgressSource source;
  private final ProgressMeter meter;
  private final Settings settings;
  private final PrintStream out;
  private final LongSupplier clock;
  private final ScheduledExecutorService timer;
  private ProgressSnapshot last = ProgressSnapshot.NOT_STARTED;
  private int shownLength;
  private boolean printed;
  private boolean finished;

  private ProgressReporter(
      ProgressSource source,
      ProgressMeter meter,
      Settings settings,
      PrintStream out,
      LongSupplier clock) {
    this.source = source;
    this.meter = meter;
    this.settings = settings;
    this.out = out;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "flowbeam-progress");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts polling {@code source} and printing to {@code out}, the first time one period on. */
  public static ProgressReporter start(
      ProgressSource source,
      ProgressMeter meter,
      Settings settings,
      PrintStream out,
      LongSupplier clock) {
    ProgressReporter r = new ProgressReporter(source, meter, settings, out, clock);
    long period =
        settings.terminal()
            ? Math.min(TERMINAL_PERIOD_NANOS, settings.intervalNanos())
            : settings.intervalNanos();
    r.timer.scheduleWithFixedDelay(r::tick, period, period, TimeUnit.NANOSECONDS);
    return r;
  }

  /** Polls the source and shows what it says. */
  synchronized void tick() {
    if (finished) {
      return;
    }
    try {
      last = source.poll();
      ProgressView view = meter.update(last, clock.getAsLong());
      if (settings.show()) {
        show(view);
      }
    } catch (RuntimeException e) {
      // Progress is a courtesy: whatever went wrong here must not disturb the job.
    }
  }

  /**
   * Stops; if the job {@code succeeded} and a line was shown, shows its final counts; ends a
   * terminal's line. Returns when the job began processing its input, if it did.
   */
  public OptionalLong finish(boolean succeeded) {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      finished = true;
      try {
        last = source.pollEnded();
      } catch (RuntimeException e) {
        // keep the last snapshot
      }
      if (settings.show() && printed) {
        if (succeeded) {
          show(meter.done(last, clock.getAsLong()));
        }
        if (settings.terminal()) {
          out.println();
          out.flush();
        }
      }
      return last.processingStartNanos();
    }
  }

  private void show(ProgressView view) {
    if (settings.terminal()) {
      String line = ProgressLine.terminal(view, settings.width() - 1);
      String blank = " ".repeat(Math.max(0, shownLength - line.length()));
      out.print("\r" + line + blank);
      shownLength = line.length();
    } else if (view.phase() == ProgressView.Phase.STARTING) {
      // No plain line before the job processes anything: a run that a bad input or option stops
      // while it starts says so in its one error line, not after lines of start-up in a log.
      return;
    } else {
      out.println(ProgressLine.plain(view));
    }
    out.flush();
    printed = true;
  }
}
