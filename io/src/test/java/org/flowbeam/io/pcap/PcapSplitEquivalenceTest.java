package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading every range of a split capture gives exactly the records of a sequential read, none
 * twice: for every shared capture, tiny and larger split sizes and random cut points, the ranges
 * read in a random order (pcapng ranges sharing their section states). Runs on the plain-Java range
 * reader (the same code the DoFn runs), not on a runner.
 */
class PcapSplitEquivalenceTest {
  /** At most this many ranges per split pattern, so that a large capture stays fast. */
  private static final int MAX_RANGES = 1500;

  static Stream<String> captures() throws IOException {
    return SharedCaptures.captures().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void everySplitReadsTheSameRecords(String name) throws IOException {
    Path file = SharedCaptures.capture(name);
    long size = Files.size(file);
    SharedCaptures.Result whole = SharedCaptures.readAll(file);
    List<Packet> expected = sorted(whole.packets);
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      if (CaptureReader.isCompressed(ch)) {
        // Compressed captures are never split: a range not starting at 0 reads nothing.
        SharedCaptures.Result rest = SharedCaptures.readRange(file, 1, Long.MAX_VALUE, 1 << 16);
        assertThat(name, rest.records, equalTo(0L));
        return;
      }
    }
    Random random = new Random(name.hashCode());
    List<long[]> patterns = new ArrayList<>();
    for (long split : new long[] {1000, 2999, 5000, 65536, 1 << 20}) {
      patterns.add(cuts(size, Math.max(split, size / MAX_RANGES)));
    }
    for (int i = 0; i < 5; i++) {
      TreeSet<Long> cuts = new TreeSet<>();
      int n = 1 + random.nextInt(40);
      for (int k = 0; k < n; k++) {
        cuts.add(1 + (long) (random.nextDouble() * (size - 1)));
      }
      cuts.add(0L);
      cuts.add(size);
      patterns.add(cuts.stream().mapToLong(Long::longValue).toArray());
    }
    for (long[] cuts : patterns) {
      List<Packet> got = new ArrayList<>();
      List<RejectedRecord> errors = new ArrayList<>();
      long records = 0;
      long nonIp = 0;
      // The ranges share a pcapng index, as a job's readers do, and run in a random order (as
      // Beam's reshuffle of the ranges hands them out), with states every few KiB.
      PcapngCheckpoints checkpoints = new PcapngCheckpoints(size, 4096);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i + 1 < cuts.length; i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      for (int i : order) {
        SharedCaptures.Result r =
            SharedCaptures.readRange(file, cuts[i], cuts[i + 1], 64 << 10, checkpoints);
        for (Packet p : r.packets) {
          assertThat(
              name + " packet outside its range", p.sourceOffset() >= cuts[i], equalTo(true));
        }
        got.addAll(r.packets);
        errors.addAll(r.errors);
        records += r.records;
        nonIp += r.nonIp;
      }
      String what = name + " with " + (cuts.length - 1) + " ranges";
      Set<Long> offsets = new HashSet<>();
      for (Packet p : got) {
        assertThat(what + ": offset read twice", offsets.add(p.sourceOffset()), equalTo(true));
      }
      assertThat(what + ": packets", got.size(), equalTo(expected.size()));
      assertThat(what + ": content", sorted(got), equalTo(expected));
      errors.sort(Comparator.comparingLong(RejectedRecord::offset));
      assertThat(what + ": errors", errors, equalTo(whole.errors));
      assertThat(what + ": non-IP", nonIp, equalTo(whole.nonIp));
      assertThat(what + ": records", records, equalTo(whole.records));
    }
  }

  private static long[] cuts(long size, long split) {
    int n = (int) ((size + split - 1) / split);
    long[] cuts = new long[n + 1];
    for (int i = 0; i < n; i++) {
      cuts[i] = i * split;
    }
    cuts[n] = size;
    return cuts;
  }

  private static List<Packet> sorted(List<Packet> packets) {
    List<Packet> s = new ArrayList<>(packets);
    s.sort(Packet.EVENT_ORDER);
    return s;
  }
}
