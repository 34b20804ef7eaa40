package org.flowbeam.pipelines.incremental;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A run's id, {@code YYYYMMDDTHHMMSSZ-xxxx}: its UTC start to the second and 4 hex digits. It is in
 * the name of every file the run writes, so runs never overwrite each other, and ids sort in the
 * order the runs were made: {@link #next} always returns an id after the previous run's, even when
 * the clock stepped back or two runs started in the same second.
 *
 * <pre>{@code
 * String id = RunId.next(clock.instant(), random, ledger.lastRunId()); // 20240501T130000Z-3fa9
 * }</pre>
 */
public final class RunId {
  private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{4}");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private RunId() {}

  /** Whether {@code s} has the form of a run id. */
  public static boolean isValid(String s) {
    return s != null && FORMAT.matcher(s).matches();
  }

  /** A new id for a run starting at {@code start}, sorting after {@code previous} if given. */
  public static String next(Instant start, RandomGenerator random, Optional<String> previous) {
    Instant second = start.truncatedTo(ChronoUnit.SECONDS);
    String id = format(second, random.nextInt(0x10000));
    if (previous.isEmpty() || id.compareTo(previous.get()) > 0) {
      return id;
    }
    String prev = previous.get();
    Instant prevSecond = Instant.from(TIME.parse(prev.substring(0, 16)));
    int prevSuffix = Integer.parseInt(prev.substring(17), 16);
    if (prevSuffix < 0xffff) {
      // Same second as the previous run (or a clock that stepped back): a larger suffix.
      return format(prevSecond, prevSuffix + 1 + random.nextInt(0xffff - prevSuffix));
    }
    return format(prevSecond.plusSeconds(1), random.nextInt(0x10000));
  }

  private static String format(Instant second, int suffix) {
    return TIME.format(second) + "-" + String.format("%04x", suffix);
  }
}
