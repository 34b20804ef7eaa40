package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.counts;
import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on TCP, UDP and ICMP traffic: UDP and ICMP flows in the flow output, the counts per
 * protocol and the manifest's identities (every packet of a flow protocol in exactly one flow), and
 * {@code --protocols}, {@code --udpIdleTimeout} narrowing and moving them.
 */
class DatagramFlowsJobTest {
  @TempDir static Path dir;
  static Path input;

  /** A closed TCP connection (10 packets) and {@link SampleTraffic#datagramTraffic()}. */
  @BeforeAll
  static void writeInput() {
    List<Packet> packets = new ArrayList<>(SampleTraffic.datagramTraffic());
    Trace t = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(3_000_000);
    packets.addAll(t.handshake().clientData(200).serverData(3000).closeByClient().packets());
    input = JobFixtures.writeCsv(dir.resolve("mixed.csv"), packets);
  }

  private static Map<String, Object> identities(String... protocols) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("records_read = packets + rejected + non_ip_frames + duplicates + filtered", true);
    m.put("flow_protocol_packets = packets_in_flows", true);
    for (String p : protocols) {
      m.put(p + "_packets = " + p + "_packets_in_flows", true);
    }
    return m;
  }

  @Test
  void udpAndIcmpPacketsMakeFlowsAndEveryPacketIsInOne() {
    Path out = dir.resolve("all");
    JobFixtures.Run r = run("--runner=DirectRunner", "--input=" + input, "--output=" + out);
    assertThat(r.err(), r.exitCode(), equalTo(0));
    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "tcp_packets"), equalTo(10L));
    assertThat(number(counts, "udp_packets"), equalTo(9L));
    assertThat(number(counts, "icmp_packets"), equalTo(13L));
    assertThat(number(counts, "flow_protocol_packets"), equalTo(32L));
    assertThat(number(counts, "flows"), equalTo(9L));
    assertThat(number(counts, "tcp_flows"), equalTo(1L));
    assertThat(number(counts, "udp_flows"), equalTo(3L));
    assertThat(number(counts, "icmp_flows"), equalTo(5L));
    assertThat(number(counts, "udp_packets_in_flows"), equalTo(9L));
    assertThat(
        JobFixtures.manifest(out).get("reconciliation"), equalTo(identities("tcp", "udp", "icmp")));

    // flow_id,initiator_ip,initiator_port,responder_ip,responder_port,protocol,start_us,end_us,
    // duration_us,packets,bytes,packets_fwd,packets_rev,bytes_fwd,bytes_rev,fin,syn,rst,psh,ack,
    // urg,ece,cwr,handshake_complete,state,invalid_reason,close_reason,community_id,tunnel_type,
    // tunnel_src_ip,tunnel_dst_ip,tunnel_other_packets
    List<String> withIds = csvRows(out, "flows");
    // The rows of the README's example, ids included (the community ids checked with an
    // independent implementation of the spec).
    assertThat(
        withIds,
        hasItem(
            "cd3441bdf46ca52d,10.0.0.1,5353,10.0.0.53,53,17,1000000,30015000,29015000,4,580,2,2,"
                + "160,420,0,0,0,0,0,0,0,0,false,bidirectional,,idle_timeout,"
                + "1:SDEXDl65XMdu7j7EFg6VWLuprH4=,,,,0"));
    assertThat(
        withIds,
        hasItem(
            "58a2e87e92161f22,10.0.0.1,8,8.8.8.8,0,1,10000000,12030000,2030000,6,588,3,3,294,294,"
                + "0,0,0,0,0,0,0,0,false,bidirectional,,idle_timeout,1:BOUVryuJaU7sglBpPefJgFhDQDA=,,,,0"));
    // From initiator_ip to close_reason: without flow_id, community_id and the (empty) tunnel.
    List<String> flows =
        withIds.stream()
            .map(l -> String.join(",", Arrays.asList(l.split(",", -1)).subList(1, 27)))
            .toList();
    assertThat(flows, hasSize(9));
    assertThat(
        flows,
        hasItem(
            "10.0.0.1,5353,10.0.0.53,53,17,1000000,30015000,29015000,4,580,2,2,160,420,"
                + "0,0,0,0,0,0,0,0,false,bidirectional,,idle_timeout"));
    assertThat(
        flows,
        hasItem(
            "10.0.0.1,8,8.8.8.8,0,1,10000000,12030000,2030000,6,588,3,3,294,294,"
                + "0,0,0,0,0,0,0,0,false,bidirectional,,idle_timeout"));
    assertThat(
        flows,
        hasItem(
            "10.0.0.53,3,10.0.0.1,3,1,100001000,100001000,0,1,118,1,0,118,0,"
                + "0,0,0,0,0,0,0,0,false,unidirectional,,end_of_data"));
  }

  @Test
  void protocolsTcpMakesTcpFlowsOnly() {
    Path out = dir.resolve("tcp");
    JobFixtures.Run r =
        run("--runner=DirectRunner", "--input=" + input, "--output=" + out, "--protocols=tcp");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "packets"), equalTo(32L));
    assertThat(number(counts, "flow_protocol_packets"), equalTo(10L));
    assertThat(number(counts, "flows"), equalTo(1L));
    assertThat(number(counts, "packets_in_flows"), equalTo(10L));
    assertThat(JobFixtures.manifest(out).get("reconciliation"), equalTo(identities("tcp")));
    @SuppressWarnings("unchecked")
    Map<String, Object> options = (Map<String, Object>) JobFixtures.manifest(out).get("options");
    assertThat(options.get("protocols"), equalTo(List.of("tcp")));
  }

  @Test
  void theUdpIdleTimeoutMovesTheSplit() {
    Path out = dir.resolve("udp80");
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + out,
            "--protocols=UDP,icmp",
            "--udpIdleTimeout=80");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    List<String> udp =
        csvRows(out, "flows").stream()
            .filter(l -> l.contains(",17,"))
            .map(this::endpoints)
            .toList();
    // The DNS 5-tuple is one flow now; syslog is the other.
    assertThat(
        udp, containsInAnyOrder("10.0.0.1:5353>10.0.0.53:53 5", "10.0.0.2:40514>10.0.0.9:514 4"));
    assertThat(JobFixtures.manifest(out).get("reconciliation"), equalTo(identities("udp", "icmp")));
  }

  private String endpoints(String flowRow) {
    String[] c = flowRow.split(",");
    return c[1] + ":" + c[2] + ">" + c[3] + ":" + c[4] + " " + c[9];
  }

  @Test
  void anUnknownProtocolIsOneUsageLine() {
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + dir.resolve("bad"),
            "--protocols=tcp,sctp");
    assertThat(r.exitCode(), is(2));
    assertThat(r.err(), containsString("--protocols must be"));
    assertThat(r.err().strip().lines().count(), equalTo(1L));
  }
}
