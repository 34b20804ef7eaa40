package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.flowbeam.io.fs.Location;
import org.flowbeam.pipelines.incremental.StagedJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a run of the recurring job sizes its work to choose a runner. */
class IncrementalCommandTest {
  @TempDir Path tmp;

  private Path file(String name, int bytes) throws IOException {
    return Files.write(tmp.resolve(name), new byte[bytes]);
  }

  private StagedJob.Input input(List<Path> files, Optional<Path> carried) {
    return new StagedJob.Input(
        "run",
        Location.local(tmp),
        files.stream().map(Location::local).toList(),
        carried.map(Location::local),
        OptionalLong.empty(),
        Location.local(tmp.resolve("out.state")),
        false);
  }

  @Test
  void theCarriedFlowsCountAsWorkBesideTheInput() throws IOException {
    Path a = file("a.pcap", 1_000);
    Path b = file("b.pcap", 2_000);
    Path carried = file("carried.state", 3_000_000);
    assertThat(
        IncrementalCommand.workBytes(input(List.of(a, b), Optional.empty())), equalTo(3_000L));
    assertThat(
        IncrementalCommand.workBytes(input(List.of(a, b), Optional.of(carried))),
        equalTo(3_003_000L));
    // A flush with nothing new but 3 MB of carried flows (about 11,500) is no small job.
    long flush = IncrementalCommand.workBytes(input(List.of(), Optional.of(carried)));
    assertThat(flush > RunnerChoice.SMALL_INPUT_BYTES, equalTo(true));
  }
}
