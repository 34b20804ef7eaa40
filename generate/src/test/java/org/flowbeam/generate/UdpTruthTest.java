package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flowbeam.model.IpProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UdpTruth} splits a UDP tuple's datagrams into flows as FlowBeam does: exchanges that share
 * a tuple within the 60 s idle timeout are one flow, a longer gap starts a new one, and open flows
 * end idle or with the data.
 */
class UdpTruthTest {
  @TempDir Path dir;

  private static final Hosts HOSTS = new Hosts(10);
  private static final Endpoints DNS = new Endpoints(false, 1, 40000, 2, 53, IpProtocol.UDP);
  private static final Endpoints NTP = new Endpoints(false, 3, 40001, 2, 123, IpProtocol.UDP);

  private static SynthPacket datagram(Endpoints e, long us, boolean fromClient) {
    SynthPacket p = new SynthPacket(e);
    p.timestampUs = us;
    p.fromClient = fromClient;
    p.payload = 42;
    p.role = SynthPacket.UDP;
    return p;
  }

  /** The truth rows' tuple, times, packets each way, state and reason. */
  private List<String> rows(Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .skip(1)
        .map(
            r -> {
              String[] c = r.split(",");
              return c[1] + ">" + c[3] + " " + c[4] + ".." + c[5] + " " + c[8] + "/" + c[9] + " "
                  + c[10] + " " + c[11];
            })
        .toList();
  }

  @Test
  void sharedTuplesMergeWithinTheIdleTimeoutAndSplitAfterIt() throws IOException {
    Path file = dir.resolve("truth.csv");
    try (TruthWriter truth = new TruthWriter(file, HOSTS)) {
      UdpTruth udp = new UdpTruth(truth, GeneratorConfig.UDP_IDLE_TIMEOUT_US);
      udp.account(datagram(DNS, 1_000_000, true));
      udp.account(datagram(DNS, 1_050_000, false));
      udp.account(datagram(NTP, 2_000_000, true));
      // Another query from the same port 50 s later: the same flow.
      udp.account(datagram(DNS, 51_000_000, true));
      udp.account(datagram(DNS, 51_020_000, false));
      // 60 s and 1 µs later: a new flow.
      udp.account(datagram(DNS, 111_020_001, true));
      udp.settle(111_020_001); // the NTP flow has been silent for more than 60 s
      assertThat(udp.openFlows(), equalTo(1));
      udp.finish(120_000_000);
    }
    assertThat(
        rows(file),
        contains(
            "40000>53 1000000..51020000 2/2 bidirectional idle_timeout",
            "40001>123 2000000..2000000 1/0 unidirectional idle_timeout",
            "40000>53 111020001..111020001 1/0 unidirectional end_of_data"));
  }

  @Test
  void aFlowBeginningWithTheServerFailsTheGeneration() throws IOException {
    try (TruthWriter truth = new TruthWriter(dir.resolve("t.csv"), HOSTS)) {
      UdpTruth udp = new UdpTruth(truth, GeneratorConfig.UDP_IDLE_TIMEOUT_US);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> udp.account(datagram(DNS, 5, false)));
      assertThat(e.getMessage(), startsWith("a UDP flow would begin with the server's"));
    }
  }
}
