package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An output root, an input directory and the {@link FakeJob}, run by {@link IncrementalRun}s whose
 * clock moves on an hour per run and whose run ids are drawn from that time: the set-up of the
 * tests that run whole series on the fake job.
 */
final class FakeSeries {
  final Path root;
  final Path in;
  final FakeJob job = new FakeJob();
  final List<String> notices = new ArrayList<>();
  private Instant now = Instant.parse("2024-05-01T16:00:00Z");

  /** A series under {@code tmp}: {@code tmp/root} (not created) and {@code tmp/in}. */
  FakeSeries(Path tmp) throws IOException {
    root = tmp.resolve("root");
    in = Files.createDirectories(tmp.resolve("in"));
  }

  /** The time of the latest run. */
  Instant now() {
    return now;
  }

  /** The run an hour after the previous one, with {@code settings}. */
  IncrementalRun next(RunPlanner.Settings settings) {
    now = now.plusSeconds(3600);
    return new IncrementalRun(
        root,
        settings,
        Clock.fixed(now, ZoneOffset.UTC),
        new Random(now.getEpochSecond()),
        notices::add);
  }

  /** Runs {@link #next} over the files of the input directory with {@code job}. */
  IncrementalRun.Result run(RunPlanner.Settings settings, StagedJob job) throws IOException {
    return next(settings).run(IncrementalTestMain.locations(in), job);
  }
}
