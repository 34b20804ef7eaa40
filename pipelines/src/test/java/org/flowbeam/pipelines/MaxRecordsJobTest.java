package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.counts;
import static org.flowbeam.pipelines.JobFixtures.manifest;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --maxRecords=N} on whole jobs: the run holds the first N records of the input, files in
 * the order of their paths, and the flows of exactly those packets.
 */
class MaxRecordsJobTest {
  @TempDir Path dir;

  /** Every record of the captures, in path order, as the plain-Java reader frames them. */
  private static List<CaptureReader.Kind> kinds(List<Path> files, List<Packet> packetsOut)
      throws IOException {
    List<CaptureReader.Kind> kinds = new ArrayList<>();
    for (Path f : files) {
      try (CaptureReader reader =
          CaptureReader.open(f.toString(), FileChannel.open(f, StandardOpenOption.READ), 0)) {
        while (reader.advance()) {
          kinds.add(reader.kind());
          if (reader.kind() == CaptureReader.Kind.PACKET) {
            packetsOut.add(reader.packet());
          }
        }
      }
    }
    return kinds;
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void theFirstRecordsOfTheCapturesInPathOrder(String runner) throws IOException {
    List<Path> captures;
    try (Stream<Path> s = Files.list(Samples.tcpEdge())) {
      captures = s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
    }
    List<CaptureReader.Kind> all = kinds(captures, new ArrayList<>());
    int n = all.size() / 2 + 1; // cuts inside a file
    List<Packet> firstPackets = new ArrayList<>();
    int files = 0;
    int records = 0;
    while (records < n) {
      List<Packet> filePackets = new ArrayList<>();
      List<CaptureReader.Kind> fileKinds = kinds(List.of(captures.get(files++)), filePackets);
      int take = Math.min(fileKinds.size(), n - records);
      int packetsTaken = 0;
      for (int i = 0; i < take; i++) {
        if (fileKinds.get(i) == CaptureReader.Kind.PACKET) {
          packetsTaken++;
        }
      }
      firstPackets.addAll(filePackets.subList(0, packetsTaken));
      records += take;
    }
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        run(
            "--runner=" + runner,
            "--input=" + Samples.tcpEdge() + "/*.pcap",
            "--output=" + out,
            "--maxRecords=" + n);
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "records_read"), equalTo((long) n));
    assertThat(number(counts, "packets"), equalTo((long) firstPackets.size()));
    assertThat(
        number(counts, "flows"),
        equalTo((long) FlowAssembler.assemble(firstPackets, FlowRules.defaults()).size()));
    assertThat(((List<?>) manifest(out).get("input_files")).size(), equalTo(files));
    assertThat(
        ((Map<?, ?>) manifest(out).get("reconciliation")).values(), everyItem(equalTo(true)));
  }

  @Test
  void moreRecordsThanTheInputHoldsReadsItAllAndANegativeCountIsRefused() {
    Path out = dir.resolve("out");
    String input = Samples.loopbackCsv().toString();
    JobFixtures.Run r = run("--input=" + input, "--output=" + out, "--maxRecords=1000000");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(number(counts(out), "records_read"), equalTo(5_000L));
    JobFixtures.Run bad = run("--input=" + input, "--output=" + out, "--maxRecords=-1");
    assertThat(bad.exitCode(), equalTo(FlowBeamMain.EXIT_USAGE));
    assertThat(bad.err(), containsString("--maxRecords must be 0 (all) or more, got -1"));
  }
}
