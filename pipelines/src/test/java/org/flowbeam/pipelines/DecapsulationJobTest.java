package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flowbeam.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --decapsulate} through the whole job, on the shared 4in6 capture (one TCP connection
 * between IPv4 hosts, carried in IPv6 between two tunnel endpoints; tshark: one stream of 4
 * packets, 192.168.0.1:64455 to 10.10.10.1:443): by default its packets make that connection's
 * flow; with {@code --decapsulate=false} they are IPv6 packets of protocol 4, no TCP at all. The
 * manifest records the option.
 */
class DecapsulationJobTest {
  @TempDir Path dir;

  private static final Path CAPTURE =
      SharedData.root().resolve("captures").resolve("ndpi").resolve("4in6tunnel.pcap");

  @Test
  void tunnelledPacketsMakeTheInnerConnectionsFlow() {
    Path out = dir.resolve("out");
    JobFixtures.Run r = JobFixtures.run("--input=" + CAPTURE, "--output=" + out);
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = JobFixtures.counts(out);
    assertThat(JobFixtures.number(counts, RunManifest.TCP_PACKETS), equalTo(4L));
    List<String> flows = JobFixtures.csvRows(out, "flows");
    assertThat(flows, hasSize(1));
    assertThat(flows.get(0), containsString("192.168.0.1,64455,10.10.10.1,443"));
    assertThat(options(out).get("decapsulate"), equalTo(true));
  }

  @Test
  void withoutDecapsulationTheyAreTheOuterPackets() {
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run("--input=" + CAPTURE, "--output=" + out, "--decapsulate=false");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = JobFixtures.counts(out);
    assertThat(JobFixtures.number(counts, RunManifest.TCP_PACKETS), equalTo(0L));
    assertThat(JobFixtures.number(counts, "packets"), equalTo(4L));
    assertThat(JobFixtures.csvRows(out, "flows"), empty());
    assertThat(options(out).get("decapsulate"), equalTo(false));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> options(Path out) {
    return (Map<String, Object>) JobFixtures.manifest(out).get("options");
  }
}
