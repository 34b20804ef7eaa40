package org.flowbeam.pipelines.diff;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.flowbeam.io.sink.CsvSink;
import org.flowbeam.io.sink.RecordFormats;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.FlowTunnel;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.Tunnel;
import org.flowbeam.model.TunnelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlowDiffCommand} on two outputs whose flows CSV the job's own writer wrote ({@link
 * RecordFormats#FLOWS}'s {@link CsvSink}), the same flows but for their tunnel.
 */
class FlowDiffCommandTest {
  @TempDir Path dir;

  private static FlowRecord flow(String id, int port, FlowTunnel tunnel) {
    return new FlowRecord(
        id,
        "10.0.0.1",
        port,
        "10.0.0.2",
        80,
        6,
        1_000_000L + port,
        2_000_000L + port,
        6,
        4,
        900,
        3000,
        FlagCounts.ZERO,
        true,
        FlowState.CLOSED,
        InvalidReason.NONE,
        CloseReason.FIN,
        ConnSummary.UNKNOWN,
        tunnel,
        List.of());
  }

  private static final FlowTunnel GRE =
      new FlowTunnel(Tunnel.of(TunnelType.GRE, "192.0.2.1", "192.0.2.2"), 0);

  /** An output directory {@code name} whose {@code flows/} holds {@code flows} in one shard. */
  private Path output(String name, FlowRecord... flows) throws IOException {
    Path out = Files.createDirectories(dir.resolve(name).resolve("flows"));
    CsvSink<FlowRecord> sink = RecordFormats.FLOWS.csvSink();
    try (OutputStream file = Files.newOutputStream(out.resolve("flows-00000-of-00001.csv"))) {
      sink.open(Channels.newChannel(file));
      for (FlowRecord f : flows) {
        sink.write(f);
      }
      sink.flush();
    }
    return out.getParent();
  }

  private record Diff(List<CSVRecord> rows, String summary) {}

  private Diff diff(Path a, Path b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    FlowDiffCommand.run(
        List.of(a.toString(), b.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        (input, output, options) -> {
          throw new AssertionError("both sides are outputs; no job to run on " + input);
        });
    List<CSVRecord> rows =
        CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .build()
            .parse(new java.io.StringReader(out.toString(StandardCharsets.UTF_8)))
            .getRecords();
    return new Diff(rows, err.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void flowsThatDifferOnlyInTheirTunnelTypeAreChangedWithBothTypesShown() throws Exception {
    FlowTunnel vxlan = new FlowTunnel(Tunnel.of(TunnelType.VXLAN, "192.0.2.1", "192.0.2.2"), 0);
    Path a = output("a", flow("x", 1000, GRE), flow("y", 1001, FlowTunnel.NONE));
    Path b = output("b", flow("x", 1000, vxlan), flow("y", 1001, FlowTunnel.NONE));

    Diff d = diff(a, b);

    assertThat(d.rows(), hasSize(1));
    CSVRecord changed = d.rows().get(0);
    assertThat(changed.get("change"), equalTo("changed"));
    assertThat(changed.get("initiator_port"), equalTo("1000"));
    assertThat(changed.get("a_tunnel_type"), equalTo("gre"));
    assertThat(changed.get("b_tunnel_type"), equalTo("vxlan"));
    assertThat(changed.get("a_tunnel_src_ip"), equalTo("192.0.2.1"));
    assertThat(changed.get("b_tunnel_dst_ip"), equalTo("192.0.2.2"));
    assertThat(changed.get("a_packets"), equalTo(changed.get("b_packets")));
    assertThat(
        d.summary(),
        equalTo(
            "flowbeam diff: 2 flows in A, 2 in B: 1 the same, 1 changed, 0 only in A, 0 only in"
                + " B"));
  }

  @Test
  void packetsOutsideTheTunnelAreADifferenceToo() throws Exception {
    Path a = output("a", flow("x", 1000, GRE));
    Path b = output("b", flow("x", 1000, new FlowTunnel(GRE.tunnel(), 2)));
    CSVRecord changed = diff(a, b).rows().get(0);
    assertThat(changed.get("a_tunnel_other_packets"), equalTo("0"));
    assertThat(changed.get("b_tunnel_other_packets"), equalTo("2"));
  }

  @Test
  void outputsWithTheSameFlowsAndTunnelsHaveNoDifference() throws Exception {
    Path a = output("a", flow("x", 1000, GRE), flow("y", 1001, FlowTunnel.NONE));
    Path b = output("b", flow("y", 1001, FlowTunnel.NONE), flow("x", 1000, GRE));
    Diff d = diff(a, b);
    assertThat(d.rows(), hasSize(0));
    assertThat(d.summary(), containsString("2 the same, 0 changed, 0 only in A, 0 only in B"));
  }

  @Test
  void theDiffsColumnsEndWithBothSidesTunnelColumns() {
    List<String> columns = FlowDiffCommand.COLUMNS;
    assertThat(
        columns.subList(columns.size() - 8, columns.size()),
        contains(
            "a_tunnel_type",
            "b_tunnel_type",
            "a_tunnel_src_ip",
            "b_tunnel_src_ip",
            "a_tunnel_dst_ip",
            "b_tunnel_dst_ip",
            "a_tunnel_other_packets",
            "b_tunnel_other_packets"));
  }

  @Test
  void aFlowsCsvWithoutTheTunnelColumnsIsRefusedInOneLineNamingTheFileAndColumn() throws Exception {
    Path a = output("a", flow("x", 1000, GRE));
    Path old = Files.createDirectories(dir.resolve("old/flows")).resolve("f.csv");
    Files.writeString(
        old,
        "initiator_ip,initiator_port,responder_ip,responder_port,protocol,start_us,packets,bytes,"
            + "state,close_reason\n10.0.0.1,1000,10.0.0.2,80,6,1001000,10,3900,closed,fin\n");
    FlowDiffCommand.DiffException e =
        assertThrows(FlowDiffCommand.DiffException.class, () -> diff(a, dir.resolve("old")));
    assertThat(e.getMessage(), containsString(old + ": not a FlowBeam flows CSV"));
    assertThat(e.getMessage(), containsString("(no column tunnel_type)"));
  }

  @Test
  void aMissingSideIsAUsageError() throws Exception {
    Path a = output("a", flow("x", 1000, GRE));
    FlowDiffCommand.DiffException e =
        assertThrows(
            FlowDiffCommand.DiffException.class, () -> diff(a, dir.resolve("no-such-output")));
    assertThat(e.usage(), equalTo(true));
    assertThat(e.getMessage(), containsString("no-such-output: no such output or input"));
  }
}
