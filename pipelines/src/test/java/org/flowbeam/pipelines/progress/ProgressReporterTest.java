package org.flowbeam.pipelines.progress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Plain lines and a terminal's rewritten line, the last line, --quiet, a failing source. */
class ProgressReporterTest {
  private static final long S = 1_000_000_000L;
  private static final long HOUR = 3600 * S;
  private static final ProgressPlan PLAN = new ProgressPlan(900, 1);

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong(0);
  private final AtomicReference<ProgressSnapshot> now =
      new AtomicReference<>(ProgressSnapshot.NOT_STARTED);

  private static ProgressSnapshot read(long bytes, long flows) {
    return new ProgressSnapshot(
        OptionalLong.of(3 * S), bytes, false, bytes >= 900, bytes, bytes, bytes, bytes, flows);
  }

  /** A reporter whose timer does not fire within the test: ticks are the test's. */
  private ProgressReporter manual(boolean show, boolean terminal, int width) {
    return ProgressReporter.start(
        now::get,
        new ProgressMeter(PLAN, 0),
        new ProgressReporter.Settings(show, HOUR, terminal, width),
        out,
        clock::get);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainLinesFromTheStartOfProcessingThenAFinalOne() {
    ProgressReporter r = manual(true, false, 80);
    clock.set(2 * S);
    r.tick();
    now.set(read(400, 0));
    clock.set(4 * S);
    r.tick();
    now.set(read(900, 7));
    clock.set(6 * S);
    assertThat(r.finish(true), equalTo(OptionalLong.of(3 * S)));
    assertThat(
        Arrays.asList(printed().split("\n")),
        equalTo(
            List.of(
                "flowbeam: reading 44%, 0:04 elapsed, 400 of 900 B read, 400 records, 400 packets,"
                    + " 0 flows",
                "flowbeam: done, 0:06 elapsed, 900 of 900 B read, 900 records, 900 packets, 7"
                    + " flows")));
  }

  @Test
  void aTerminalLineIsRewrittenInPlaceAndEndedAtTheEnd() {
    ProgressReporter r = manual(true, true, 40);
    now.set(read(400, 0));
    clock.set(S);
    r.tick();
    now.set(ProgressSnapshot.NOT_STARTED); // a shorter line: the rest of the longer one is blanked
    clock.set(2 * S);
    r.tick();
    r.finish(false);
    String first = "reading 44%, 0:01, 400/900 B, 0 flows"; // 40 columns: records left off
    String second = "starting, 0:02";
    assertThat(
        printed(),
        equalTo(
            "\r" + first + "\r" + second + " ".repeat(first.length() - second.length()) + "\n"));
  }

  @Test
  void quietPrintsNothingButStillSaysWhenProcessingBegan() {
    ProgressReporter r = manual(false, false, 80);
    now.set(read(400, 0));
    r.tick();
    assertThat(r.finish(true), equalTo(OptionalLong.of(3 * S)));
    assertThat(printed(), equalTo(""));
  }

  @Test
  void aJobShorterThanTheIntervalPrintsNoProgress() {
    ProgressReporter r = manual(true, false, 80);
    now.set(read(900, 2));
    assertThat(r.finish(true), equalTo(OptionalLong.of(3 * S)));
    assertThat(printed(), equalTo(""));
  }

  @Test
  void aFailingSourceNeverStopsTheReporter() {
    boolean[] failing = {true};
    ProgressReporter r =
        ProgressReporter.start(
            () -> {
              if (failing[0]) {
                throw new IllegalStateException("boom");
              }
              return read(500, 1);
            },
            new ProgressMeter(PLAN, 0),
            new ProgressReporter.Settings(true, HOUR, false, 80),
            out,
            clock::get);
    r.tick();
    failing[0] = false;
    r.tick();
    assertThat(r.finish(true), equalTo(OptionalLong.of(3 * S)));
    assertThat(printed().split("\n").length, equalTo(2));
  }

  @Test
  void theTimerPrintsALineEveryInterval() throws InterruptedException {
    now.set(read(100, 0));
    ProgressReporter r =
        ProgressReporter.start(
            now::get,
            new ProgressMeter(PLAN, 0),
            new ProgressReporter.Settings(true, 20_000_000L, false, 80),
            out,
            System::nanoTime);
    long deadline = System.nanoTime() + 10 * S;
    while (printed().split("\n").length < 3 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    r.finish(true);
    List<String> lines = Arrays.asList(printed().split("\n"));
    assertThat(lines.size() >= 4, equalTo(true));
    assertThat(lines, everyItem(startsWith("flowbeam: ")));
  }
}
