package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.counts;
import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole job through its command line, on the Direct Runner, on small hand-built inputs. */
class FlowBeamJobTest {
  @TempDir static Path dir;
  static Path input;

  /**
   * A closed HTTP-like connection (10 packets), the same client port reused by a new connection
   * that is reset (4 packets), and three rows that cannot be used.
   */
  @BeforeAll
  static void writeInput() {
    Trace t = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_700_000_000_000_000L);
    t.handshake().clientData(200).serverData(3000).closeByClient();
    t.after(10_000).clientIsn(900_000).handshake().resetByServer();
    List<Packet> packets = new ArrayList<>(t.packets());
    input =
        JobFixtures.writeCsv(
            dir.resolve("input.csv"),
            packets,
            "1700000001000000,10.0.0.1,10.0.0.2,70000,80,2,1,0,60,6",
            "not-a-number,10.0.0.1,10.0.0.2,1,80,2,1,0,60,6",
            "1700000001000000,10.0.0.999,10.0.0.2,1,80,2,1,0,60,6");
  }

  @Test
  void writesFlowsStatisticsRejectedRecordsAndAReconciledManifest() throws Exception {
    Path out = dir.resolve("out-main");
    JobFixtures.Run r = run("--runner=DirectRunner", "--input=" + input, "--output=" + out);
    assertThat(r.err(), r.exitCode(), equalTo(0));
    assertThat(r.out(), containsString("14 packets, 3 rejected, 2 flows"));

    Map<String, Object> counts = counts(out);
    assertThat(number(counts, "records_read"), equalTo(17L));
    assertThat(number(counts, "packets"), equalTo(14L));
    assertThat(number(counts, "rejected"), equalTo(3L));
    assertThat(number(counts, "tcp_packets"), equalTo(14L));
    assertThat(number(counts, "flows"), equalTo(2L));
    assertThat(number(counts, "packets_in_flows"), equalTo(14L));
    assertThat(
        JobFixtures.manifest(out).get("reconciliation"),
        equalTo(
            Map.of(
                "records_read = packets + rejected + non_ip_frames + duplicates + filtered",
                true,
                "flow_protocol_packets = packets_in_flows",
                true,
                "tcp_packets = tcp_packets_in_flows",
                true,
                "udp_packets = udp_packets_in_flows",
                true,
                "icmp_packets = icmp_packets_in_flows",
                true)));

    List<String> flows = csvRows(out, "flows");
    assertThat(flows, hasSize(2));
    // flow_id,initiator_ip,initiator_port,responder_ip,responder_port,protocol,start_us,end_us,
    // duration_us,packets,bytes,packets_fwd,packets_rev,bytes_fwd,bytes_rev,fin,syn,rst,psh,ack,
    // urg,ece,cwr,handshake_complete,state,invalid_reason,close_reason,community_id,
    // tunnel_type,tunnel_src_ip,tunnel_dst_ip,tunnel_other_packets
    String closed =
        flows.stream().filter(l -> l.contains(",closed,,fin,")).findFirst().orElseThrow();
    String[] c = closed.split(",");
    assertThat(c[1] + ":" + c[2] + ">" + c[3] + ":" + c[4], equalTo("10.0.0.1:40000>10.0.0.2:80"));
    assertThat(c[9], equalTo("10"));
    assertThat(c[11] + "/" + c[12], equalTo("6/4"));
    assertThat(c[13] + "/" + c[14], equalTo((6 * 54 + 200) + "/" + (4 * 54 + 3000)));
    String reset =
        flows.stream().filter(l -> l.contains(",aborted,,rst,")).findFirst().orElseThrow();
    assertThat(reset.split(",")[9], equalTo("4"));
    // Both connections are 10.0.0.1:40000 - 10.0.0.2:80 TCP, so one Community ID (seed 0),
    // computed by hand from the spec.
    assertThat(c[27], equalTo("1:3k1SoWXs/FltHw2aBCgUTgbDQF4="));
    assertThat(reset.split(",")[27], equalTo("1:3k1SoWXs/FltHw2aBCgUTgbDQF4="));
    assertThat(
        ((Map<?, ?>) JobFixtures.manifest(out).get("options")).get("community_id_seed"),
        equalTo(0));

    List<String> rejected = csvRows(out, "rejected");
    assertThat(rejected, hasSize(3));
    for (String row : rejected) {
      assertThat(row, startsWith(input.toString() + ","));
    }
    assertThat(
        String.join("\n", rejected),
        allOf(
            containsString("70000"), containsString("not-a-number"), containsString("10.0.0.999")));

    assertThat(csvRows(out, "ip_stats"), hasSize(2));
    assertThat(csvRows(out, "flag_stats"), not(hasSize(0)));
    assertThat(csvRows(out, "time_bins"), hasSize(1));
  }

  @Test
  void runningAgainReplacesTheOutputCleanly() throws Exception {
    Path out = dir.resolve("out-again");
    assertThat(
        run("--runner=DirectRunner", "--input=" + input, "--output=" + out).exitCode(), is(0));
    Path stray = out.resolve("flows/stray-from-an-older-run.csv");
    Files.writeString(stray, "old");
    JobFixtures.Run second = run("--runner=DirectRunner", "--input=" + input, "--output=" + out);
    assertThat(second.err(), second.exitCode(), is(0));
    assertThat(Files.exists(stray), is(false));
    assertThat(csvRows(out, "flows"), hasSize(2));
    try (var siblings = Files.list(dir)) {
      assertThat(
          siblings.filter(p -> p.getFileName().toString().contains("staging")).toList(),
          hasSize(0));
    }
  }

  @Test
  void refusesToReplaceADirectoryThatIsNotAFlowBeamOutput() throws Exception {
    Path out = Files.createDirectories(dir.resolve("precious"));
    Files.writeString(out.resolve("thesis.tex"), "do not delete");
    JobFixtures.Run r = run("--runner=DirectRunner", "--input=" + input, "--output=" + out);
    assertThat(r.exitCode(), is(2));
    assertThat(r.err(), containsString("refusing to replace it"));
    assertThat(Files.readString(out.resolve("thesis.tex")), equalTo("do not delete"));
  }

  @Test
  void userErrorsAreOneLineWithExitCodeTwo() throws Exception {
    Path noColumn = dir.resolve("no-length.csv");
    Files.writeString(noColumn, "timestamp,src_ip,dst_ip\n1,10.0.0.1,10.0.0.2\n");
    String[][] cases = {
      {"--input=" + dir.resolve("nothing-*.csv"), "no file matches input"},
      {"--input=" + noColumn, "length"},
      {"--input=" + input + " --idleTimeout=-1", "--idleTimeout"},
      {"--input=" + input + " --closeLinger=later", "--closeLinger must be 'none' or"},
      {"--input=" + input + " --layout=bogus", "--layout"},
      {"--input=" + input + " --binSize=0.0005", "--binSize"},
      {"--input=" + input + " --assembly=bogus", "--assembly"},
      {"--input=" + input + " --format=parquet", "--format"},
      {"--input=" + input + " --fragmentPackets=0", "--fragmentPackets"},
      {"--input=" + input + " --numShards=-1", "--numShards"},
      {"--input=" + input + " --communityIdSeed=65536", "--communityIdSeed must be between 0"},
      {"--input=" + input + " --communityIdSeed=-1", "--communityIdSeed"},
      {
        "--input=" + input + " --formats=csv,orc",
        "--formats must be csv, avro, parquet, zeek or zeek-json"
      },
      {"--input=" + input + " --formats=", "--formats"},
      {"--input=" + input + " --formats=,parquet", "--formats"},
    };
    for (String[] c : cases) {
      List<String> args =
          new ArrayList<>(List.of("--runner=DirectRunner", "--output=" + dir.resolve("out-err")));
      args.addAll(List.of(c[0].split(" ")));
      JobFixtures.Run r = run(args.toArray(new String[0]));
      assertThat(c[0], r.exitCode(), is(2));
      assertThat(c[0], r.err(), startsWith("flowbeam: error: "));
      assertThat(c[0], r.err(), containsString(c[1]));
      assertThat(c[0] + " printed: " + r.err(), r.err().strip().lines().count(), is(1L));
    }
    assertThat(Files.exists(dir.resolve("out-err")), is(false));
  }

  @Test
  void missingRequiredOptionIsReported() {
    JobFixtures.Run r = run("--runner=DirectRunner", "--input=" + input);
    assertThat(r.exitCode(), is(2));
    assertThat(r.err(), containsString("--output"));
  }

  @Test
  void helpListsTheOptions() {
    JobFixtures.Run r = run("--help");
    assertThat(r.exitCode(), is(0));
    assertThat(
        r.out(),
        allOf(
            containsString("--idleTimeout"),
            containsString("--layout=<flowbeam | timearcs>"),
            containsString("--assembly=<fragments | packets>"),
            containsString("--format=<auto | csv | pcap>"),
            containsString(
                String.format(
                    "--formats=<csv | avro | parquet | zeek | zeek-json>[,...]%n"
                        + "    Default: csv,avro%n")),
            containsString("--ipMap")));
  }
}
