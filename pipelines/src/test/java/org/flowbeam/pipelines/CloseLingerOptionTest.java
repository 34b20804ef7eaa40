package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.csvRows;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.flowbeam.model.TcpFlags;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --closeLinger}: {@code none} by default (after a FIN/RST close, packets without a new SYN
 * join the closed flow until the idle timeout), or seconds, after which a late packet starts an
 * appendix flow as FlowBeam's former default (2 s) did; recorded in the manifest as given.
 */
class CloseLingerOptionTest {
  @TempDir static Path dir;

  private static FlowBeamOptions parse(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(FlowBeamOptions.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> manifestOptions(FlowBeamOptions o) {
    return (Map<String, Object>)
        FlowBeamPipeline.manifestHead(
                o, new InputFiles(List.of(), List.of(), List.of()), "DirectRunner")
            .get("options");
  }

  @Test
  void noneByDefaultOrSeconds() {
    assertThat(
        FlowBeamPipeline.rules(parse()).closeLingerUs(), equalTo(FlowRules.NO_CLOSE_LINGER_LIMIT));
    assertThat(
        FlowBeamPipeline.rules(parse("--closeLinger=None")).closeLingerUs(),
        equalTo(FlowRules.NO_CLOSE_LINGER_LIMIT));
    assertThat(
        FlowBeamPipeline.rules(parse("--closeLinger=2")).closeLingerUs(),
        equalTo(FlowRules.FORMER_CLOSE_LINGER_US));
    assertThat(
        FlowBeamPipeline.rules(parse("--closeLinger=0.25")).closeLingerUs(), equalTo(250_000L));
    assertThat(FlowBeamPipeline.rules(parse("--closeLinger=0")).closeLingerUs(), equalTo(0L));
  }

  @Test
  void anythingElseIsRefusedByName() {
    for (String bad : new String[] {"-1", "soon", "", "NaN", "1e10"}) {
      UsageException e =
          assertThrows(
              UsageException.class,
              () -> FlowBeamPipeline.validate(parse("--closeLinger=" + bad)),
              bad);
      assertThat(
          e.getMessage(),
          equalTo("--closeLinger must be 'none' or zero or more seconds, got '" + bad + "'"));
    }
  }

  @Test
  void theManifestRecordsNoneOrTheSeconds() {
    assertThat(manifestOptions(parse()), hasEntry("close_linger_s", (Object) "none"));
    assertThat(manifestOptions(parse("--closeLinger=2")), hasEntry("close_linger_s", (Object) 2.0));
  }

  @Test
  void helpShowsTheDefaultAndWhatASetLingerDoes() {
    JobFixtures.Run r = run("--help");
    assertThat(
        r.out(), containsString(String.format("--closeLinger=<String>%n    Default: none%n")));
    assertThat(r.out(), containsString("appendix"));
  }

  /**
   * A connection closed by FIN, then the server's RST 10 s later: one flow by default, two with
   * {@code --closeLinger=2} (the RST alone, invalid and incomplete_no_syn).
   */
  @Test
  void theJobJoinsALateRstUnlessACloseLingerIsSet() {
    Trace t = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_700_000_000_000_000L);
    t.handshake().clientData(100).closeByClient().after(10_000_000).fromServer(TcpFlags.RST, 0);
    Path input = JobFixtures.writeCsv(dir.resolve("late-rst.csv"), t.packets());

    Path byDefault = dir.resolve("out-default");
    JobFixtures.Run r = run("--runner=DirectRunner", "--input=" + input, "--output=" + byDefault);
    assertThat(r.err(), r.exitCode(), equalTo(0));
    // ...,packets,...,state,invalid_reason,close_reason (see FlowBeamJobTest)
    assertThat(
        csvRows(byDefault, "flows").stream().map(CloseLingerOptionTest::packetsAndOutcome).toList(),
        containsInAnyOrder("9 closed,,fin"));

    Path withLinger = dir.resolve("out-linger");
    r =
        run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + withLinger,
            "--closeLinger=2");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    assertThat(
        csvRows(withLinger, "flows").stream()
            .map(CloseLingerOptionTest::packetsAndOutcome)
            .toList(),
        containsInAnyOrder("8 closed,,fin", "1 invalid,incomplete_no_syn,rst"));
    @SuppressWarnings("unchecked")
    Map<String, Object> options =
        (Map<String, Object>) JobFixtures.manifest(withLinger).get("options");
    assertThat(options, hasEntry("close_linger_s", (Object) 2.0));
  }

  private static String packetsAndOutcome(String flowRow) {
    String[] c = flowRow.split(",", -1);
    return c[9] + " " + c[24] + "," + c[25] + "," + c[26];
  }
}
