package org.flowbeam.pipelines.incremental;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.flowbeam.io.fs.Location;
import org.flowbeam.pipelines.HadoopErrors;
import org.flowbeam.pipelines.UsageException;

/**
 * Decides what a run reads, from the ledger and the files the input patterns match now.
 *
 * <ul>
 *   <li>A file the ledger does not hold is <b>new</b>.
 *   <li>A file the ledger holds with the same size, mtime and head+tail hash is <b>unchanged</b>
 *       and not read again.
 *   <li>A file the ledger holds that <b>changed</b> (grown, rewritten) rolls the root back to
 *       before the earliest run that read any changed file: that run and every later one are
 *       undone, and their inputs that still exist are read again together with the new files,
 *       starting from the carried state of the run before them.
 *   <li>A new or changed file modified less than {@code minFileAge} ago is <b>settling</b>: still
 *       being written, it is left for a later run ({@code --minFileAgeSeconds}; 0 reads every file
 *       at once, and a file read while it grew is then picked up as changed by the next run).
 * </ul>
 *
 * <pre>{@code
 * RunPlan plan = RunPlanner.plan(ledger, matched, new RunPlanner.Settings(Duration.ZERO, false),
 *     clock.instant());
 * }</pre>
 */
public final class RunPlanner {
  /**
   * The planning parameters.
   *
   * @param minFileAge files modified more recently than this before the run are left for later
   * @param flushOpenFlows the run writes every open flow ({@code --flushOpenFlows})
   * @param seriesOptions the options that must stay the same from run to run ({@link
   *     SeriesOptions})
   */
  public record Settings(Duration minFileAge, boolean flushOpenFlows, SeriesOptions seriesOptions) {
    public Settings {
      if (minFileAge.isNegative()) {
        throw new UsageException("--minFileAgeSeconds must be 0 or more, got " + minFileAge);
      }
    }

    /** Settings whose options are not recorded or checked. */
    public Settings(Duration minFileAge, boolean flushOpenFlows) {
      this(minFileAge, flushOpenFlows, SeriesOptions.none());
    }

    /** Every file read at once, open flows carried. */
    public static Settings defaults() {
      return new Settings(Duration.ZERO, false);
    }
  }

  private RunPlanner() {}

  /**
   * Plans a run over {@code matched} (the files the input patterns match, in match order) at time
   * {@code now}.
   *
   * @throws UsageException if a file cannot be read (one line naming it)
   */
  public static RunPlan plan(Ledger ledger, List<Path> matched, Settings settings, Instant now) {
    return plan(
        ledger,
        matched.stream().map(Location::local).toList(),
        p -> Location.local(Path.of(p)),
        settings,
        now);
  }

  /**
   * Plans a run over {@code matched} (the files the input patterns match, in match order, on any
   * file system) at time {@code now}; {@code locate} turns a path the ledger holds back into a file
   * to look at.
   *
   * @throws UsageException if a file cannot be read (one line naming it)
   */
  public static RunPlan plan(
      Ledger ledger,
      List<Location> matched,
      Function<String, Location> locate,
      Settings settings,
      Instant now) {
    Instant settledBefore = now.minus(settings.minFileAge());
    List<String> newFiles = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> settling = new ArrayList<>();
    Map<String, FileFingerprint> fresh = new LinkedHashMap<>();
    for (Location file : matched) {
      Optional<FileFingerprint> found = fingerprint(file);
      if (found.isEmpty() || fresh.containsKey(found.get().path())) {
        continue; // gone since the match (rotated away), or matched twice
      }
      FileFingerprint f = found.get();
      Optional<Ledger.LedgerFile> known = ledger.file(f.path());
      if (known.isPresent() && known.get().fingerprint().sameContentAs(f)) {
        unchanged.add(f.path());
      } else if (isSettling(f, settings, settledBefore)) {
        settling.add(f.path());
      } else {
        (known.isPresent() ? changed : newFiles).add(f.path());
        fresh.put(f.path(), f);
      }
    }

    List<String> undone = new ArrayList<>();
    Ledger base = ledger;
    List<String> missing = new ArrayList<>();
    Map<String, FileFingerprint> toRead = new LinkedHashMap<>();
    Optional<String> firstUndone = earliestRunOf(ledger, changed);
    if (firstUndone.isPresent()) {
      base = ledger.before(firstUndone.get());
      boolean from = false;
      for (Ledger.LedgerRun run : ledger.runs()) {
        from |= run.run().equals(firstUndone.get());
        if (!from) {
          continue;
        }
        undone.add(run.run());
        for (String input : run.inputs()) {
          FileFingerprint f = fresh.get(input);
          if (f == null) {
            Optional<FileFingerprint> again = fingerprint(locate.apply(input));
            if (again.isEmpty()) {
              missing.add(input);
              continue;
            }
            f = again.get();
          }
          if (isSettling(f, settings, settledBefore)) {
            // Its run is undone, so the ledger forgets it: it is new for the run after it settles.
            if (!settling.contains(f.path())) {
              settling.add(f.path());
            }
            continue;
          }
          toRead.putIfAbsent(f.path(), f);
        }
      }
    }
    fresh.forEach(toRead::putIfAbsent);
    return new RunPlan(
        new ArrayList<>(toRead.values()),
        newFiles,
        changed,
        unchanged,
        settling,
        undone,
        missing,
        base,
        settings.flushOpenFlows());
  }

  /** Whether {@code f} was modified too recently to be read (never with a minimum age of 0). */
  private static boolean isSettling(FileFingerprint f, Settings settings, Instant settledBefore) {
    return !settings.minFileAge().isZero() && !Instant.parse(f.mtime()).isBefore(settledBefore);
  }

  /** The earliest run in ledger order that read one of {@code changed}. */
  private static Optional<String> earliestRunOf(Ledger ledger, List<String> changed) {
    for (Ledger.LedgerRun run : ledger.runs()) {
      for (String input : run.inputs()) {
        if (changed.contains(input)) {
          return Optional.of(run.run());
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<FileFingerprint> fingerprint(Location file) {
    try {
      return FileFingerprint.ifFile(file);
    } catch (NoSuchFileException | FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UsageException("cannot read input file " + file + ": " + HadoopErrors.oneLine(e));
    }
  }
}
