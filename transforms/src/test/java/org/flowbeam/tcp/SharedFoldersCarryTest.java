package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The invariant of the recurring job on every shared capture folder: all of a folder's packets (the
 * tshark packet exports of its captures, as one dataset), cut by time into slices that arrive one
 * run at a time, the carried flows kept only as bytes between runs, give exactly the flows of one
 * pass over all the packets — ids, packets, bytes, states, close reasons — and none twice.
 *
 * <p>The folders' captures span years, so the cuts (at the 20%, 40%, ... of their packets) fall
 * both inside captures, cutting open connections, and between them. The Beam form of the same runs
 * is tested against {@link RunByRun} by {@code AssembleFlowsCarryingTest} and end to end by the
 * pipelines' {@code IncrementalJobTest}.
 */
class SharedFoldersCarryTest {
  @ParameterizedTest
  @ValueSource(strings = {"dpkt", "drill", "loopback", "ndpi", "tcp-edge", "wireshark"})
  void sliceByTimeArrivingRunByRunGivesTheFlowsOfOnePass(String folder) {
    List<Packet> packets = new ArrayList<>();
    for (String capture : SharedData.capturesIn(folder)) {
      packets.addAll(SharedData.packets(ipRows(SharedData.ref(folder, capture, ".packets.csv"))));
    }
    packets.sort(Packet.EVENT_ORDER);
    assertThat(packets.size(), greaterThan(100));

    List<FlowRecord> expected = byId(FlowAssembler.assemble(packets, FlowRules.defaults()));
    for (int cap : new int[] {1, 4096}) {
      List<FlowRecord> series =
          RunByRun.allFlows(
              RunByRun.assemble(packets, quantileCuts(packets, 5), FlowRules.defaults(), cap));

      assertThat(folder + " flows", series, hasSize(expected.size()));
      assertThat(
          folder + " flow ids are distinct",
          series.stream().map(FlowRecord::flowId).collect(Collectors.toSet()),
          hasSize(series.size()));
      assertThat(folder + ", fragments of " + cap, series, equalTo(expected));
    }
  }

  /** The header and the rows that have addresses (tshark's export also lists non-IP frames). */
  private static List<String> ipRows(Path packetsCsv) {
    try {
      List<String> lines = Files.readAllLines(packetsCsv);
      List<String> rows = new ArrayList<>(List.of(lines.get(0)));
      lines.stream().skip(1).filter(l -> !l.contains(",,,")).forEach(rows::add);
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The times that cut {@code packets} (in time order) into {@code n} slices of equal counts. */
  private static List<Long> quantileCuts(List<Packet> packets, int n) {
    HashSet<Long> seen = new HashSet<>();
    List<Long> cuts = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      long t = packets.get(packets.size() * i / n).timestampMicros();
      if (seen.add(t)) {
        cuts.add(t);
      }
    }
    return cuts;
  }

  private static List<FlowRecord> byId(List<FlowRecord> flows) {
    List<FlowRecord> sorted = new ArrayList<>(flows);
    sorted.sort(Comparator.comparing(FlowRecord::flowId));
    return sorted;
  }
}
