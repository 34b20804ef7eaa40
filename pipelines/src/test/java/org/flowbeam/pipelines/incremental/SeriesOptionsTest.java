package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.UsageException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A series keeps the options that shape its results from run to run, until a run ends it. */
class SeriesOptionsTest {
  @TempDir Path tmp;
  FakeSeries series;
  Path root;
  Path in;
  FakeJob job;
  List<String> notices;
  int file;

  @BeforeEach
  void setUp() throws IOException {
    series = new FakeSeries(tmp);
    root = series.root;
    in = series.in;
    job = series.job;
    notices = series.notices;
  }

  private static SeriesOptions options(Object... nameValue) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], nameValue[i + 1]);
    }
    return SeriesOptions.of(m);
  }

  /** A run over a new file, with {@code options}. */
  private IncrementalRun.Result run(SeriesOptions options, boolean flush) throws IOException {
    file++;
    Files.writeString(in.resolve("f" + file + ".csv"), (IncrementalRunTest.T13 + file) + ",x\n");
    return series.run(new RunPlanner.Settings(Duration.ZERO, flush, options), job);
  }

  private Map<String, Object> runManifest(IncrementalRun.Result r) throws IOException {
    return ManifestWriter.parse(
        Files.readString(root.resolve(RootLayout.runManifest(r.runId().orElseThrow()))));
  }

  @Test
  void theRunManifestRecordsTheOptionsAsGiven() throws IOException {
    IncrementalRun.Result r =
        run(options("decapsulate", true, "closeLinger", 2.5, "formats", List.of("csv")), false);

    assertThat(
        runManifest(r).get("series_options"),
        equalTo(Map.of("decapsulate", true, "closeLinger", 2.5, "formats", List.of("csv"))));
  }

  @Test
  void theSameOptionsGoOn() throws IOException {
    run(options("communityIdSeed", 0, "idleTimeout", 300L), false);
    // an int and a long of the same value are the same option value once recorded
    IncrementalRun.Result r = run(options("communityIdSeed", 0L, "idleTimeout", 300), false);

    assertThat(r.outcome(), is(IncrementalRun.Outcome.COMMITTED));
    assertThat(notices, empty());
  }

  @Test
  void aChangedOptionIsRefusedNamingEachDifferenceAndTheSeriesIsUntouched() throws IOException {
    IncrementalRun.Result first =
        run(options("decapsulate", true, "communityIdSeed", 0, "filterPorts", null), false);

    UsageException e =
        assertThrows(
            UsageException.class,
            () ->
                run(
                    options("decapsulate", false, "communityIdSeed", 0, "filterPorts", "53"),
                    false));

    assertThat(
        e.getMessage(),
        equalTo(
            "this series was run with other options (last run "
                + first.runId().orElseThrow()
                + "): --decapsulate=true -> false, --filterPorts=(unset) -> 53; end the series"
                + " with --flushOpenFlows under its options before changing them, or write to"
                + " another --output"));
    assertThat(Ledger.read(root.resolve(RootLayout.LEDGER)).runs(), hasSize(1));
    assertThat(job.calls, hasSize(1));
  }

  @Test
  void anOptionAddedOrDroppedIsADifference() throws IOException {
    run(options("decapsulate", true), false);

    UsageException e =
        assertThrows(
            UsageException.class, () -> run(options("decapsulate", true, "dedupWindow", 4), false));

    assertThat(e.getMessage().contains("--dedupWindow=(unset) -> 4"), is(true));
  }

  @Test
  void afterARunThatEndedTheSeriesTheOptionsMayChangeAndTheChangeIsAnnounced() throws IOException {
    run(options("decapsulate", true), false);
    IncrementalRun.Result flush = run(options("decapsulate", true), true);

    IncrementalRun.Result changed = run(options("decapsulate", false), false);

    assertThat(changed.outcome(), is(IncrementalRun.Outcome.COMMITTED));
    assertThat(
        notices,
        contains(
            "flowbeam: options change after run "
                + flush.runId().orElseThrow()
                + " ended the series: --decapsulate=true -> false"));
    assertThat(runManifest(changed).get("series_options"), equalTo(Map.of("decapsulate", false)));
  }

  @Test
  void aRootWrittenBeforeOptionsWereRecordedTakesAnyAndRecordsThem() throws IOException {
    run(SeriesOptions.none(), false);

    IncrementalRun.Result r = run(options("decapsulate", false), false);

    assertThat(r.outcome(), is(IncrementalRun.Outcome.COMMITTED));
    assertThat(runManifest(r).get("series_options"), equalTo(Map.of("decapsulate", false)));
  }
}
