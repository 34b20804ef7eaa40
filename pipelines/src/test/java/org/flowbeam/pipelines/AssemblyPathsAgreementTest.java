package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flowbeam.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fragments gathered before the shuffle and the packet-by-packet path give identical flows and
 * statistics on every shared capture, read as one dataset on Flink embedded.
 */
class AssemblyPathsAgreementTest {
  @TempDir Path dir;

  @Test
  void fragmentAndPacketPathsAgreeOnEveryCapture() {
    Path captures = SharedData.root().resolve("captures");
    String input =
        Stream.of("dpkt", "drill", "loopback", "ndpi", "tcp-edge", "wireshark")
            .map(folder -> captures.resolve(folder) + "/*.pcap*")
            .collect(Collectors.joining(","));
    Path fragments = dir.resolve("fragments");
    Path packets = dir.resolve("packets");
    JobFixtures.Run a = run("--input=" + input, "--output=" + fragments, "--assembly=fragments");
    assertThat(a.err(), a.exitCode(), is(0));
    JobFixtures.Run b = run("--input=" + input, "--output=" + packets, "--assembly=packets");
    assertThat(b.err(), b.exitCode(), is(0));

    List<String> flows = csvRows(fragments, "flows");
    // The loopback capture alone has 20,311 flows; the others add a few thousand.
    assertThat(flows.size(), greaterThan(20_311));
    assertThat(flows, equalTo(csvRows(packets, "flows")));
    for (String output : List.of("ip_stats", "flag_stats", "time_bins", "rejected")) {
      assertThat(output, csvRows(fragments, output), equalTo(csvRows(packets, output)));
    }
    assertThat(JobFixtures.counts(fragments), equalTo(JobFixtures.counts(packets)));
  }
}
