package org.flowbeam.io;

import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --dedupWindow} against {@code editcap -D N}: the reading step leaves out the duplicate
 * frames editcap skips (counts recorded from editcap in the fixture's README), whether the file is
 * read whole or in ranges of a few KiB, each of which starts with the window of the frames before
 * it.
 */
@BeamTest
class DuplicateFramesTest {
  private static final Path FIXTURE =
      Path.of("src/test/resources/DuplicateFramesTest/dup-1200.pcap").toAbsolutePath();

  @ParameterizedTest
  @CsvSource({
    "2, 0, 1000000",
    "3, 15, 1000000",
    "5, 71, 1000000",
    "10, 222, 1000000",
    "50, 600, 1000000",
    "5, 71, 3000",
    "10, 222, 2048",
    "50, 600, 4096"
  })
  void duplicatesLeftOutAreThoseEditcapSkips(
      int window, long editcapSkipped, long splitSize, TestPipeline p) {
    PacketReadResult r =
        p.apply(
            PcapIO.read()
                .from(FIXTURE.toString())
                .withSplitSize(splitSize)
                .withFilter(PacketFilter.all().withDedupWindow(window)));
    PAssert.thatSingleton(r.getOutput().apply(Count.globally())).isEqualTo(1200 - editcapSkipped);
    PAssert.that(r.getFilteredCounts().apply(Sum.longsPerKey()))
        .containsInAnyOrder(
            editcapSkipped == 0
                ? List.of()
                : List.of(KV.of(PacketFilter.DUPLICATE, editcapSkipped)));
    p.run().waitUntilFinish();
  }
}
