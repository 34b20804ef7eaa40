package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.TsharkAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job (CSV reader, flow assembly, CSV sink) on Flink embedded, on the real loopback
 * capture's reference CSV: the flows it writes agree with tshark's 20,311 streams, flow for flow,
 * with packets and bytes in each direction.
 */
class TsharkAgreementJobTest {
  @TempDir Path dir;

  @Test
  void loopbackFlowsAgreeWithTshark() {
    Path csv = SharedData.ref("loopback", "lo-http-ab-2ip.pcap", ".packets.csv");
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run("--input=" + csv, "--output=" + out, "--splitSizeMb=4", "--parallelism=2");
    assertThat(r.err(), r.exitCode(), is(0));
    Map<String, Object> counts = JobFixtures.counts(out);
    assertThat(
        JobFixtures.number(counts, "packets"),
        equalTo(SharedData.info("loopback", "lo-http-ab-2ip.pcap", "ip_packets")));

    TsharkAgreement.Result result =
        TsharkAgreement.compare(
            flowRecords(out),
            SharedData.streams(SharedData.ref("loopback", "lo-http-ab-2ip.pcap", ".flows.csv")));
    assertThat(result.toString(), result.agrees(), is(true));
    assertThat(result.flowBeamFlows(), equalTo(20311));
  }

  /** Reads the job's flow CSV shards back as records (without packets). */
  static List<FlowRecord> flowRecords(Path out) {
    List<FlowRecord> flows = new ArrayList<>();
    for (String row : JobFixtures.csvRows(out, "flows")) {
      String[] f = row.split(",", -1);
      long[] flags = new long[8];
      for (int i = 0; i < 8; i++) {
        flags[i] = Long.parseLong(f[15 + i]);
      }
      flows.add(
          new FlowRecord(
              f[0],
              f[1],
              Integer.parseInt(f[2]),
              f[3],
              Integer.parseInt(f[4]),
              Integer.parseInt(f[5]),
              Long.parseLong(f[6]),
              Long.parseLong(f[7]),
              Long.parseLong(f[11]),
              Long.parseLong(f[12]),
              Long.parseLong(f[13]),
              Long.parseLong(f[14]),
              FlagCounts.of(flags),
              Boolean.parseBoolean(f[23]),
              label(FlowState.values(), f[24]),
              invalid(f[25]),
              close(f[26]),
              org.flowbeam.model.ConnSummary.UNKNOWN,
              List.of()));
    }
    return flows;
  }

  private static FlowState label(FlowState[] values, String label) {
    for (FlowState s : values) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("state " + label);
  }

  private static InvalidReason invalid(String label) {
    for (InvalidReason r : InvalidReason.values()) {
      if (r.label().equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("invalid reason " + label);
  }

  private static CloseReason close(String label) {
    for (CloseReason r : CloseReason.values()) {
      if (r.label().equals(label)) {
        return r;
      }
    }
    throw new IllegalArgumentException("close reason " + label);
  }
}
