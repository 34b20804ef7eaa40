package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.incremental.Ledger;
import org.flowbeam.testing.Samples;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.TimeSlicedPcap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --incremental} end to end: files arriving one at a time, each followed by a run over the
 * same root, then a run that ends the series; the union of the runs' flows must equal one run over
 * all the files (src/docs/incremental.md, "The invariant").
 */
class IncrementalJobTest {
  @TempDir Path tmp;

  @Test
  void csvSlicesArrivingOneByOneGiveTheFlowsOfOneRun() throws IOException {
    Path sample = Path.of("..", "src", "samples", "loopback-5k.csv");
    Path slices = Files.createDirectories(tmp.resolve("slices"));
    List<Path> files = TimeSlices.csv(sample, 4, slices, "cap");
    assertSeriesEqualsOneRun(files, "csv");
  }

  @Test
  void loopbackCaptureCutInSlicesGivesTheFlowsOfOneRun() throws IOException {
    Path capture = Samples.loopbackPcap();
    Path slices = Files.createDirectories(tmp.resolve("slices"));
    List<Path> files = TimeSlicedPcap.cut(capture, TimeSlicedPcap.equalCuts(capture, 4), slices);
    assertSeriesEqualsOneRun(files, "pcap");
  }

  /**
   * A capture with UDP (STUN, DNS, Skype's) and ICMP flows that span the runs: the UDP and ICMP
   * flows carried from run to run are those of one run, and each run's manifest reconciles its
   * packets with the carried ones.
   */
  @Test
  void udpAndIcmpFlowsCarriedAcrossRunsGiveTheFlowsOfOneRun() throws IOException {
    Path capture = SharedData.root().resolve("captures/ndpi/skype.pcap");
    Path slices = Files.createDirectories(tmp.resolve("slices"));
    List<Path> files = TimeSlicedPcap.cut(capture, TimeSlicedPcap.equalCuts(capture, 5), slices);
    assertSeriesEqualsOneRun(files, "pcap");
  }

  /**
   * A minute of GTP-U traffic cut into 4 runs: TCP connections inside the tunnel span the cuts, so
   * their flows are carried, tunnel and all, and written by a later run as one run writes them; the
   * two handed over to another eNodeB halfway keep their first tunnel and count the 14 packets
   * through the other one across the runs.
   */
  @Test
  void tunnelledFlowsCarriedAcrossRunsKeepTheirTunnel() throws IOException {
    Path capture = TunnelColumnsJobTest.SERIES.pcap();
    Path slices = Files.createDirectories(tmp.resolve("slices"));
    List<Path> files = TimeSlicedPcap.cut(capture, TimeSlicedPcap.equalCuts(capture, 4), slices);
    assertSeriesEqualsOneRun(files, "pcap");
    List<String> series = JobFixtures.csvRowsUnder(tmp.resolve("root").resolve("flows"));
    assertThat(
        series.stream().filter(r -> r.endsWith(",gtp_u,192.0.2.10,192.0.2.20,0")).count(), is(10L));
    assertThat(
        series.stream().filter(r -> r.endsWith(",gtp_u,192.0.2.10,192.0.2.20,14")).count(), is(2L));
    assertThat(series.stream().filter(r -> r.endsWith(",,,,0")).count(), is(3L));
    // Runs 2 to 4 resumed flows carried with their tunnel.
    try (Stream<Path> runs = Files.list(tmp.resolve("root").resolve("_flowbeam/runs"))) {
      long resumed = 0;
      for (Path run : runs.toList()) {
        Map<String, Object> m =
            ManifestWriter.parse(Files.readString(run.resolve("manifest.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) m.get("counts");
        resumed += JobFixtures.number(c, "carried_in_packets");
      }
      assertThat(resumed, greaterThan(0L));
    }
  }

  /**
   * A carried-flows file of version 3 (FlowBeam before tunnels) stops the next run with one line
   * naming the file and both versions.
   */
  @Test
  void aCarriedStateOfVersionThreeIsRefusedInOneLine() throws IOException {
    Path capture = TunnelColumnsJobTest.SERIES.pcap();
    Path slices = Files.createDirectories(tmp.resolve("slices"));
    List<Path> files = TimeSlicedPcap.cut(capture, TimeSlicedPcap.equalCuts(capture, 2), slices);
    Path captures = Files.createDirectories(tmp.resolve("captures"));
    Path root = tmp.resolve("root");
    String input = "--input=" + captures.resolve("*.pcap");
    Files.copy(files.get(0), captures.resolve(files.get(0).getFileName()));
    assertThat(JobFixtures.run("--incremental", input, "--output=" + root).exitCode(), is(0));
    Path state;
    try (Stream<Path> carried = Files.list(root.resolve("_flowbeam/carried"))) {
      state = carried.toList().get(0);
    }
    byte[] bytes = Files.readAllBytes(state);
    bytes[11] = 3; // the format version's low byte, after the 8-byte magic
    Files.write(state, bytes);
    Files.copy(files.get(1), captures.resolve(files.get(1).getFileName()));

    JobFixtures.Run next = JobFixtures.run("--incremental", input, "--output=" + root);

    assertThat(next.exitCode(), is(not(0)));
    assertThat(next.err(), containsString(state.getFileName().toString()));
    assertThat(
        next.err(),
        containsString(
            "format version 3; this FlowBeam reads version 4 (end the series with the FlowBeam"
                + " that wrote it: --flushOpenFlows)"));
    assertThat(next.err().strip().lines().count(), is(1L));
  }

  @Test
  void aRunWithNothingNewChangesNothingAndSaysSo() throws IOException {
    Path sample = Path.of("..", "src", "samples", "loopback-5k.csv");
    Path captures = Files.createDirectories(tmp.resolve("captures"));
    TimeSlices.csv(sample, 2, captures, "cap");
    Path root = tmp.resolve("root");
    String input = "--input=" + captures.resolve("cap-*.csv");
    assertThat(JobFixtures.run("--incremental", input, "--output=" + root).exitCode(), is(0));
    List<String> before = tree(root);

    JobFixtures.Run again = JobFixtures.run("--incremental", input, "--output=" + root);

    assertThat(again.err(), again.exitCode(), is(0));
    assertThat(again.out(), containsString("nothing new"));
    assertThat(tree(root), equalTo(before));
  }

  /**
   * A run whose options differ from the series' is refused in one line naming each difference, and
   * the series goes on with its options.
   */
  @Test
  void changedOptionsInASeriesAreOneLine() throws IOException {
    Path root = tmp.resolve("root");
    String input = startSeriesOfSlices(root);

    JobFixtures.Run changed =
        JobFixtures.run(
            "--incremental",
            input,
            "--output=" + root,
            "--protocols=tcp",
            "--udpIdleTimeout=30",
            "--decapsulate=false",
            "--communityIdSeed=7");

    assertThat(changed.exitCode(), is(2));
    assertThat(
        changed.err(),
        containsString(
            "this series was run with other options (last run "
                + runIds(root).get(0)
                + "): --communityIdSeed=0 -> 7, --decapsulate=true -> false,"
                + " --protocols=tcp,udp,icmp -> tcp, --udpIdleTimeout=60 -> 30; end the series with"
                + " --flushOpenFlows under its options before changing them"));
    assertThat(changed.err().strip().lines().count(), is(1L));
    assertThat(JobFixtures.run("--incremental", input, "--output=" + root).exitCode(), is(0));
  }

  /**
   * In a root whose run manifests do not record the options (written before they were), the carried
   * flows still refuse other flow options, in one line.
   */
  @Test
  void changedFlowOptionsAgainstCarriedFlowsOfAnOlderRootAreOneLine() throws IOException {
    Path root = tmp.resolve("root");
    String input = startSeriesOfSlices(root);
    Path runManifest = root.resolve("_flowbeam/runs/" + runIds(root).get(0) + "/manifest.json");
    Map<String, Object> m = ManifestWriter.parse(Files.readString(runManifest));
    m.remove("series_options");
    Files.writeString(runManifest, ManifestWriter.toJson(m));

    JobFixtures.Run changed =
        JobFixtures.run(
            "--incremental", input, "--output=" + root, "--protocols=tcp", "--udpIdleTimeout=30");

    assertThat(changed.exitCode(), is(2));
    assertThat(
        changed.err(),
        containsString(
            "were assembled with --protocols=tcp,udp,icmp --idleTimeout=300 --udpIdleTimeout=60"
                + " --icmpIdleTimeout=60 --activeTimeout=0 --closeLinger=none, this run asks for"
                + " --protocols=tcp --idleTimeout=300 --udpIdleTimeout=30"));
    assertThat(changed.err().strip().lines().count(), is(1L));
  }

  /**
   * After a run that ends the series, the options may change: the next run says so in one line and
   * records the new ones.
   */
  @Test
  void optionsChangeAfterTheSeriesEnded() throws IOException {
    Path root = tmp.resolve("root");
    String input = startSeriesOfSlices(root);
    assertThat(
        JobFixtures.run("--incremental", "--flushOpenFlows", input, "--output=" + root).exitCode(),
        is(0));

    try (Stream<Path> left = Files.list(tmp.resolve("slices"))) {
      Path third = left.sorted().toList().get(2);
      Files.copy(third, tmp.resolve("captures").resolve(third.getFileName()));
    }

    JobFixtures.Run changed =
        JobFixtures.run("--incremental", input, "--output=" + root, "--communityIdSeed=7");

    assertThat(changed.err(), changed.exitCode(), is(0));
    assertThat(changed.err(), containsString("ended the series: --communityIdSeed=0 -> 7"));
    List<String> runs = runIds(root);
    Map<String, Object> last =
        ManifestWriter.parse(
            Files.readString(
                root.resolve("_flowbeam/runs/" + runs.get(runs.size() - 1) + "/manifest.json")));
    assertThat(((Map<?, ?>) last.get("series_options")).get("communityIdSeed"), is(7));
  }

  /**
   * The first of three CSV slices of the sample read into {@code root}, the second delivered (the
   * third is left in {@code tmp/slices}); the input option that reads them.
   */
  private String startSeriesOfSlices(Path root) throws IOException {
    Path sample = Path.of("..", "src", "samples", "loopback-5k.csv");
    Path slices = Files.createDirectories(tmp.resolve("slices"));
    List<Path> files = TimeSlices.csv(sample, 3, slices, "cap");
    Path captures = Files.createDirectories(tmp.resolve("captures"));
    String input = "--input=" + captures.resolve("cap-*.csv");
    Files.copy(files.get(0), captures.resolve(files.get(0).getFileName()));
    assertThat(JobFixtures.run("--incremental", input, "--output=" + root).exitCode(), is(0));
    Files.copy(files.get(1), captures.resolve(files.get(1).getFileName()));
    return input;
  }

  /** The root's run ids in the ledger's order. */
  private static List<String> runIds(Path root) {
    return Ledger.read(root.resolve("_flowbeam/ledger.json")).runs().stream()
        .map(Ledger.LedgerRun::run)
        .toList();
  }

  @Test
  void noMatchingFileYetIsNothingToDo() {
    JobFixtures.Run run =
        JobFixtures.run(
            "--incremental",
            "--input=" + tmp.resolve("captures/cap-*.pcap"),
            "--output=" + tmp.resolve("root"));

    assertThat(run.err(), run.exitCode(), is(0));
    assertThat(run.out(), containsString("nothing new"));
  }

  @Test
  void timeArcsLayoutIsRefusedWithIncremental() {
    JobFixtures.Run run =
        JobFixtures.run(
            "--incremental",
            "--layout=timearcs",
            "--input=" + Path.of("..", "src", "samples", "loopback-5k.csv"),
            "--output=" + tmp.resolve("root"));

    assertThat(run.exitCode(), is(2));
    assertThat(run.err(), containsString("--layout=timearcs cannot be used with --incremental"));
  }

  @Test
  void seriesOptionsWithoutIncrementalAreRefused() {
    for (String option : List.of("--flushOpenFlows", "--minFileAgeSeconds=60")) {
      JobFixtures.Run run =
          JobFixtures.run(
              option,
              "--input=" + Path.of("..", "src", "samples", "loopback-5k.csv"),
              "--output=" + tmp.resolve("out"));

      assertThat(option, run.exitCode(), is(2));
      assertThat(run.err(), containsString("apply to --incremental runs only"));
    }
  }

  /**
   * Delivers {@code files} one at a time into a capture directory with a run after each, ends the
   * series, and compares the flows with one run over all the files.
   */
  private void assertSeriesEqualsOneRun(List<Path> files, String suffix) throws IOException {
    Path captures = Files.createDirectories(tmp.resolve("captures"));
    Path root = tmp.resolve("root");
    String input = "--input=" + captures.resolve("*." + suffix);
    for (Path f : files) {
      Files.copy(f, captures.resolve(f.getFileName()));
      JobFixtures.Run run = JobFixtures.run("--incremental", input, "--output=" + root);
      assertThat(run.err(), run.exitCode(), is(0));
    }
    JobFixtures.Run flush =
        JobFixtures.run("--incremental", "--flushOpenFlows", input, "--output=" + root);
    assertThat(flush.err(), flush.exitCode(), is(0));

    Path single = tmp.resolve("single");
    JobFixtures.Run one = JobFixtures.run(input, "--output=" + single);
    assertThat(one.err(), one.exitCode(), is(0));

    List<String> expected = JobFixtures.csvRows(single, "flows");
    List<String> series = JobFixtures.csvRowsUnder(root.resolve("flows"));
    assertThat(expected.size(), greaterThan(10));
    assertThat(series, hasSize(expected.size()));
    assertThat(series, equalTo(expected));
    List<String> ids = new ArrayList<>();
    series.forEach(r -> ids.add(r.substring(0, r.indexOf(','))));
    assertThat("no flow twice", new HashSet<>(ids).size(), is(ids.size()));

    Map<String, Object> rootManifest =
        ManifestWriter.parse(Files.readString(root.resolve("_manifest.json")));
    assertThat(rootManifest.toString(), containsString("packets"));
    Map<String, Object> singleCounts = JobFixtures.counts(single);
    assertThat(
        JobFixtures.number(totals(rootManifest), "packets_in_flows"),
        equalTo(JobFixtures.number(singleCounts, "packets_in_flows")));
    assertThat(
        JobFixtures.number(totals(rootManifest), "flows"),
        equalTo(JobFixtures.number(singleCounts, "flows")));
    for (String count :
        List.of(
            "packets",
            "flow_protocol_packets",
            "udp_flows",
            "udp_packets_in_flows",
            "icmp_flows",
            "icmp_packets_in_flows")) {
      assertThat(
          count,
          JobFixtures.number(totals(rootManifest), count),
          equalTo(JobFixtures.number(singleCounts, count)));
    }
    // Each run: its packets and those it resumed are in the flows it wrote or those it carries.
    try (Stream<Path> runs = Files.list(root.resolve("_flowbeam/runs"))) {
      for (Path run : runs.toList()) {
        Map<String, Object> m =
            ManifestWriter.parse(Files.readString(run.resolve("manifest.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) m.get("counts");
        assertThat(
            run.toString(),
            JobFixtures.number(c, "flow_protocol_packets")
                + JobFixtures.number(c, "carried_in_packets"),
            equalTo(
                JobFixtures.number(c, "packets_in_flows")
                    + JobFixtures.number(c, "carried_out_packets")));
        // Its report shows its own flows, from its own files.
        JsonNode report = JobFixtures.reportData(run.resolve("report.html"));
        assertThat(report.at("/flows/count").asLong(), equalTo(JobFixtures.number(c, "flows")));
        assertThat(report.at("/manifest/run").asText(), equalTo(run.getFileName().toString()));
      }
    }
    assertThat(
        "results are Hive partitions, internals under _",
        resultFiles(root),
        everyItem(
            matchesPattern(
                "(flows|time_bins|ip_stats)/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/.*"
                    + "|(flag_stats|rejected)/run=[^/]+/.*")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> totals(Map<String, Object> rootManifest) {
    return (Map<String, Object>) ((Map<String, Object>) rootManifest.get("totals")).get("counts");
  }

  /** The files under {@code root} outside {@code _} paths, relative. */
  private static List<String> resultFiles(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.startsWith("_"))
          .sorted()
          .toList();
    }
  }

  /**
   * Every file under {@code root} but the lock (which holds the pid of the run that took it), with
   * its size and modification time, to detect any change.
   */
  private static List<String> tree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.equals(root.resolve("_flowbeam/lock")))
          .map(
              p -> {
                try {
                  return root.relativize(p)
                      + " "
                      + Files.size(p)
                      + " "
                      + Files.getLastModifiedTime(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
