package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.flowbeam.pipelines.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger keeps files and runs in order, survives JSON, and rolls back to before a run. */
class LedgerTest {
  static final String R1 = "20240501T130000Z-0001";
  static final String R2 = "20240501T140000Z-0002";
  static final String R3 = "20240501T150000Z-0003";

  @TempDir Path dir;

  static FileFingerprint fp(String path) {
    return new FileFingerprint(path, 10, "2024-05-01T12:59:00Z", "ab".repeat(32));
  }

  static Ledger threeRuns() {
    return Ledger.empty()
        .withRun(
            new Ledger.LedgerRun(
                R1, List.of("/c/a", "/c/b"), "_flowbeam/carried/" + R1 + ".state", 100L),
            List.of(fp("/c/a"), fp("/c/b")))
        .withRun(
            new Ledger.LedgerRun(R2, List.of("/c/c"), "_flowbeam/carried/" + R2 + ".state", 200L),
            List.of(fp("/c/c")))
        .withRun(new Ledger.LedgerRun(R3, List.of("/c/d"), null, 300L), List.of(fp("/c/d")));
  }

  @Test
  void survivesJsonWithSnakeCaseKeys() {
    Ledger ledger = threeRuns();
    byte[] json = ledger.toJson();
    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(
        text,
        allOf(
            containsString("\"series_end_us\" : 300"),
            containsString("\"head_tail_sha256\""),
            containsString("\"carried_state\" : null"),
            not(containsString("lastRunId"))));
    assertThat(Ledger.parse(json, "x"), equalTo(ledger));
    assertThat(ledger.lastRunId(), equalTo(Optional.of(R3)));
    assertThat(ledger.file("/c/c").orElseThrow().run(), equalTo(R2));
  }

  @Test
  void beforeARunDropsItAndLaterRunsWithTheirFiles() {
    Ledger before = threeRuns().before(R2);
    assertThat(before.runs().stream().map(Ledger.LedgerRun::run).toList(), contains(R1));
    assertThat(
        before.files().stream().map(Ledger.LedgerFile::path).toList(), contains("/c/a", "/c/b"));
    assertThat(before.seriesEndUs(), equalTo(100L));
    assertThat(
        before.lastCarriedState(), equalTo(Optional.of("_flowbeam/carried/" + R1 + ".state")));
    assertThat(threeRuns().before(R1), equalTo(Ledger.empty()));
  }

  @Test
  void refusesAFileTwiceAndARunThatDoesNotSortLast() {
    Ledger ledger = threeRuns();
    String r4 = "20240501T160000Z-0004";
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ledger.withRun(
                new Ledger.LedgerRun(r4, List.of("/c/a"), null, 1L), List.of(fp("/c/a"))));
    assertThrows(
        IllegalArgumentException.class,
        () -> ledger.withRun(new Ledger.LedgerRun(R2, List.of(), null, 1L), List.of()));
  }

  @Test
  void anAbsentLedgerIsEmptyAndABrokenOneIsOneLineNamingIt() throws Exception {
    assertThat(Ledger.read(dir.resolve("nope.json")), equalTo(Ledger.empty()));
    for (String broken :
        List.of(
            "{not json",
            "{\"version\": 2, \"files\": [], \"runs\": []}",
            "{\"version\": 1, \"files\": [{\"path\": \"/a\", \"size\": 1, \"mtime\": \"t\","
                + " \"head_tail_sha256\": \"x\", \"run\": \"20240501T130000Z-0001\"}], \"runs\": []}",
            "{\"version\": 1, \"files\": [], \"runs\": [{\"run\": \"../../etc\", \"inputs\": []}]}")) {
      Path f = java.nio.file.Files.writeString(dir.resolve("ledger.json"), broken);
      UsageException e = assertThrows(UsageException.class, () -> Ledger.read(f));
      assertThat(e.getMessage(), containsString(f + " is not a FlowBeam ledger"));
      assertThat(e.getMessage().lines().count(), is(1L));
    }
  }
}
