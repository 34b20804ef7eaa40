package org.flowbeam.pipelines.progress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;

import java.util.List;
import org.flowbeam.pipelines.progress.ProgressView.Phase;
import org.junit.jupiter.api.Test;

/** The progress line's fields and units, plain and fitted to a terminal. */
class ProgressLineTest {
  private static final long S = 1_000_000_000L;
  private static final double NAN = Double.NaN;
  private static final long UNKNOWN = ProgressSnapshot.UNKNOWN;

  /** 41.3% of 9.88 GB read in the first 62 s, 88 s left. */
  private static final ProgressView READING =
      new ProgressView(
          Phase.READING,
          41.3,
          62 * S,
          88 * S,
          4_080_000_000L,
          false,
          9_878_200_000L,
          41_203_114,
          40_983_002,
          812_004.4,
          65_800_000,
          3_120_455);

  @Test
  void aPlainLineHasEveryKnownFieldWithExactCounts() {
    assertThat(
        ProgressLine.plain(READING),
        equalTo(
            "flowbeam: reading 41%, 1:02 elapsed, ~1:28 left, 4.08 of 9.88 GB read, 41,203,114"
                + " records, 40,983,002 packets, 812,004 packets/s, 3,120,455 flows"));
  }

  @Test
  void unknownCountsAreLeftOffAndAClustersEstimatedBytesAreMarked() {
    ProgressView cluster =
        new ProgressView(
            Phase.READING,
            36.6,
            29 * S,
            15 * S,
            174_461_129,
            true,
            475_803_080,
            UNKNOWN,
            UNKNOWN,
            NAN,
            19_300_000,
            0);
    assertThat(
        ProgressLine.plain(cluster),
        equalTo(
            "flowbeam: reading 36%, 0:29 elapsed, ~0:15 left, ~174 of 476 MB read, 19.3 MB/s,"
                + " 0 flows"));
    ProgressView starting =
        new ProgressView(
            Phase.STARTING, NAN, 5 * S, -1, 0, false, 100, UNKNOWN, UNKNOWN, NAN, NAN, UNKNOWN);
    assertThat(ProgressLine.plain(starting), equalTo("flowbeam: starting, 0:05 elapsed"));
  }

  @Test
  void theAssemblyPhaseShowsItsPercentAndRate() {
    ProgressView assembling =
        new ProgressView(
            Phase.ASSEMBLING,
            74.1,
            3661 * S,
            7 * S,
            476_000_000,
            false,
            476_000_000,
            4_816_700,
            4_816_700,
            167_248,
            NAN,
            15_001);
    assertThat(
        ProgressLine.plain(assembling),
        equalTo(
            "flowbeam: assembling flows 74%, 1:01:01 elapsed, ~0:07 left, 476 of 476 MB read,"
                + " 4,816,700 records, 4,816,700 packets, 167,248 packets/s, 15,001 flows"));
    assertThat(
        ProgressLine.terminal(assembling, 200),
        equalTo(
            "assembling 74%, 1:01:01, ETA 0:07, 476/476 MB, 167k pkt/s, 15.0k flows, 4.82M rec"));
  }

  @Test
  void aTerminalLineKeepsTheFieldsThatFitInItsWidth() {
    String full = ProgressLine.terminal(READING, 200);
    assertThat(
        full,
        equalTo("reading 41%, 1:02, ETA 1:28, 4.08/9.88 GB, 812k pkt/s, 3.12M flows, 41.2M rec"));
    for (int width = 10; width <= full.length() + 2; width++) {
      String line = ProgressLine.terminal(READING, width);
      assertThat(line.length(), lessThanOrEqualTo(width));
      assertThat("a prefix of the full line", full.startsWith(line), equalTo(true));
      // Whole fields only, unless even the first does not fit.
      if (width >= "reading 41%".length()) {
        assertThat(line, equalTo(wholeFields(full, width)));
      }
    }
  }

  private static String wholeFields(String full, int width) {
    String fit = "";
    for (String field : full.split(", ")) {
      String next = fit.isEmpty() ? field : fit + ", " + field;
      if (next.length() > width) {
        break;
      }
      fit = next;
    }
    return fit;
  }

  @Test
  void noLineReadsLikeTheSummaryLine() {
    // bench/common.sh finds the summary by "^flowbeam: .* flows in ".
    for (Phase phase : Phase.values()) {
      ProgressView v = new ProgressView(phase, 50, S, S, 1, false, 2, 1, 1, 1, 1, 1);
      assertThat(ProgressLine.plain(v), not(containsString("flows in")));
    }
  }

  @Test
  void unitsAndTimes() {
    assertThat(ProgressLine.duration(0), equalTo("0:00"));
    assertThat(ProgressLine.duration(59 * S + S / 2), equalTo("0:59"));
    assertThat(ProgressLine.duration(3599 * S), equalTo("59:59"));
    assertThat(ProgressLine.duration(36_000 * S), equalTo("10:00:00"));
    assertThat(ProgressLine.percent(99.99), equalTo("99%"));
    assertThat(ProgressLine.percent(100), equalTo("100%"));
    assertThat(
        List.of(0L, 999L, 1000L, 41_203L, 812_004L, 999_499L, 999_500L, 1_234_567_890L).stream()
            .map(n -> ProgressLine.count(n, true))
            .toList(),
        equalTo(List.of("0", "999", "1.00k", "41.2k", "812k", "999k", "1.00M", "1.23G")));
    assertThat(ProgressLine.count(1_234_567, false), equalTo("1,234,567"));
    assertThat(
        List.of(0L, 812L, 23_790_154L, 9_878_200_000L).stream().map(ProgressLine::bytes).toList(),
        equalTo(List.of("0 B", "812 B", "23.8 MB", "9.88 GB")));
    assertThat(ProgressLine.bytes(500, 812, " of "), equalTo("500 of 812 B"));
    assertThat(ProgressLine.bytes(0, 9_878_200_000L, "/"), equalTo("0/9.88 GB"));
    assertThat(ProgressLine.bytes(60_000_000L, 9_878_200_000L, "/"), equalTo("0.06/9.88 GB"));
  }
}
