package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a killed run leaves beside its output, and how the next run for that output cleans up. */
class OutputDirectoryTest {
  @TempDir Path dir;

  @Test
  void theNextRunRemovesWhatKilledRunsLeftAndNothingElse() throws Exception {
    Path target = Files.createDirectories(dir.resolve("out"));
    Files.writeString(target.resolve(OutputDirectory.MANIFEST), "{}");
    long dead = deadPid();
    long alive = ProcessHandle.current().pid();
    Path killedStaging = partial(dir.resolve(".out.staging-" + dead + "-123"));
    Path killedOld = partial(dir.resolve(".out.old-" + dead + "-456"));
    Path runningStaging = partial(dir.resolve(".out.staging-" + alive + "-789"));
    Path otherOutputs = partial(dir.resolve(".other.staging-" + dead + "-1"));
    Path notOurs = partial(dir.resolve(".out.staging-notes"));

    OutputDirectory next = OutputDirectory.prepare(target.toString());

    assertThat(Files.exists(killedStaging), is(false));
    assertThat(Files.exists(killedOld), is(false));
    assertThat(
        names(),
        containsInAnyOrder(
            "out",
            runningStaging.getFileName().toString(),
            otherOutputs.getFileName().toString(),
            notOurs.getFileName().toString(),
            next.staging().getFileName().toString()));
    assertThat(
        next.staging().getFileName().toString(),
        org.hamcrest.Matchers.startsWith(".out.staging-" + alive + "-"));
  }

  @Test
  void aRunKilledBetweenTheTwoMovesOfTheSwapGetsThePreviousOutputBack() throws Exception {
    long dead = deadPid();
    Path previous = Files.createDirectories(dir.resolve(".out.old-" + dead + "-1"));
    Files.writeString(previous.resolve(OutputDirectory.MANIFEST), "{\"previous\": true}");
    Files.createDirectories(previous.resolve("flows"));
    Files.writeString(previous.resolve("flows/flows-00000-of-00001.csv"), "flow_id\nabc\n");
    partial(dir.resolve(".out.staging-" + dead + "-2"));
    Path target = dir.resolve("out");

    OutputDirectory.removeLeftovers(target);

    assertThat(
        Files.readString(target.resolve(OutputDirectory.MANIFEST)),
        equalTo("{\"previous\": true}"));
    assertThat(
        Files.readString(target.resolve("flows/flows-00000-of-00001.csv")),
        equalTo("flow_id\nabc\n"));
    assertThat(names(), equalTo(List.of("out")));
  }

  /** A directory with a file in it, as a run's unfinished writes leave. */
  private static Path partial(Path p) throws IOException {
    Files.createDirectories(p.resolve("flows"));
    Files.writeString(p.resolve("flows/part.csv"), "partial");
    return p;
  }

  /** The PID of a process that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    p.onExit().get();
    return p.pid();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
