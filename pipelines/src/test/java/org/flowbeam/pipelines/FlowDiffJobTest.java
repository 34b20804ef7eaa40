package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.counts;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.flowbeam.pipelines.diff.FlowDiffCommand;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowbeam diff} on real job outputs, and on inputs it runs through the job itself. */
class FlowDiffJobTest {
  @TempDir Path dir;

  @Test
  void aRunAgainstItsFirstRecordsGivesTheFlowsTheCutEndsOrLeavesOut() throws IOException {
    String sample = Samples.loopbackPcap().toString();
    Path whole = dir.resolve("whole");
    Path part = dir.resolve("part");
    assertThat(run("--input=" + sample, "--output=" + whole).exitCode(), is(0));
    assertThat(run("--input=" + sample, "--output=" + part, "--maxRecords=2500").exitCode(), is(0));
    Path diffCsv = dir.resolve("diff.csv");
    JobFixtures.Run r = run("diff", whole.toString(), part.toString(), "--output=" + diffCsv);
    assertThat(r.err(), r.exitCode(), is(0));
    List<String> lines = Files.readAllLines(diffCsv);
    assertThat(lines.get(0), equalTo(String.join(",", FlowDiffCommand.COLUMNS)));
    long onlyA = lines.stream().filter(l -> l.startsWith("only_a,")).count();
    long onlyB = lines.stream().filter(l -> l.startsWith("only_b,")).count();
    long changed = lines.stream().filter(l -> l.startsWith("changed,")).count();
    // The cut run's flows are a prefix: none is new; at most the flows open at the cut changed.
    assertThat(onlyB, equalTo(0L));
    long flowsWhole = number(counts(whole), "flows");
    long flowsPart = number(counts(part), "flows");
    assertThat(onlyA, equalTo(flowsWhole - flowsPart));
    assertThat(r.err(), containsString("only in A"));
    assertThat(
        r.err(),
        containsString(
            String.format(
                "%,d the same, %,d changed, %,d only in A, 0 only in B",
                flowsPart - changed, changed, onlyA)));
  }

  @Test
  void twoInputsAreRunThroughTheJobFirstAndTheSameInputGivesNoDifference() {
    String sample = Samples.loopbackCsv().toString();
    JobFixtures.Run r = run("diff", sample, sample);
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(r.out().strip(), equalTo(String.join(",", FlowDiffCommand.COLUMNS)));
    assertThat(r.err(), containsString("0 changed, 0 only in A, 0 only in B"));
  }

  @Test
  void badArgumentsAreOneLine() {
    JobFixtures.Run one = run("diff", dir.toString());
    assertThat(one.exitCode(), equalTo(FlowBeamMain.EXIT_USAGE));
    assertThat(one.err(), containsString("give two outputs or inputs"));
    JobFixtures.Run notOutput = run("diff", dir.toString(), dir.toString());
    assertThat(notOutput.exitCode(), equalTo(FlowBeamMain.EXIT_USAGE));
    assertThat(notOutput.err(), containsString("not a FlowBeam output"));
    assertThat(notOutput.err().strip().lines().count(), equalTo(1L));
  }
}
