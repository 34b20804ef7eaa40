package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures as input: the same flows as from their CSV export, and files that are not captures. */
class CaptureInputJobTest {
  @TempDir Path dir;

  /** The bundled pair: the same 5,000 real packets as a pcap and as tshark's CSV export of it. */
  @Test
  void aCaptureGivesTheFlowsOfItsCsvExport() throws Exception {
    Path fromPcap = dir.resolve("pcap");
    Path fromCsv = dir.resolve("csv");
    JobFixtures.Run a = run("--input=" + Samples.loopbackPcap(), "--output=" + fromPcap);
    assertThat(a.err(), a.exitCode(), is(0));
    JobFixtures.Run b = run("--input=" + Samples.loopbackCsv(), "--output=" + fromCsv);
    assertThat(b.err(), b.exitCode(), is(0));
    assertThat(csvRows(fromPcap, "flows"), hasSize(greaterThan(300)));
    assertThat(csvRows(fromPcap, "flows"), equalTo(csvRows(fromCsv, "flows")));

    Map<String, Object> manifest = JobFixtures.manifest(fromPcap);
    @SuppressWarnings("unchecked")
    Map<String, Object> file = ((List<Map<String, Object>>) manifest.get("input_files")).get(0);
    assertThat(file.get("format"), equalTo("pcap"));
    long csvRows;
    try (Stream<String> lines = Files.lines(Samples.loopbackCsv())) {
      csvRows = lines.count() - 1;
    }
    assertThat(((Number) file.get("packets")).longValue(), equalTo(csvRows));
    assertThat(file.get("link_types"), equalTo(List.of("ETHERNET")));
  }

  @Test
  void aFileThatIsNotACaptureStopsARunOfItsOwn() throws Exception {
    Path junk = Files.write(dir.resolve("junk.pcap"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    JobFixtures.Run r =
        run("--runner=DirectRunner", "--input=" + junk, "--output=" + dir.resolve("o"));
    assertThat(r.exitCode(), is(2));
    assertThat(r.err(), startsWith("flowbeam: error: " + junk));
    assertThat(r.err(), containsString("not a pcap, pcapng or packet CSV"));
  }

  @Test
  void amongOtherInputsItIsListedAsRejectedAndTheRestIsRead() throws Exception {
    Path junk = Files.write(dir.resolve("junk.bin"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    Path out = dir.resolve("mixed");
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--input=" + junk + "," + Samples.tcpEdge().resolve("example_tcp_traffic.pcap"),
            "--output=" + out);
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(r.out(), containsString("skipped " + junk));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rejected =
        (List<Map<String, Object>>) JobFixtures.manifest(out).get("rejected_files");
    assertThat(rejected, hasSize(1));
    assertThat(rejected.get(0).get("file"), equalTo(junk.toString()));
    assertThat(csvRows(out, "flows"), hasSize(2));
  }
}
