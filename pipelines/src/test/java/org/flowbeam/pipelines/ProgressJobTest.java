package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.counts;
import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.Samples;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress lines of whole runs through the command line: standard error is not a terminal here,
 * so progress comes as plain lines, every 50 ms. Every line's numbers are sane (never more than the
 * input or the final counts, never going back), the last line has the run's exact counts (its
 * manifest's), on the Direct Runner, on Flink embedded and for an {@code --incremental} run; {@code
 * --quiet} prints none; the summary tells start-up from processing.
 */
class ProgressJobTest {
  /**
   * A plain progress line; groups: phase, percent, bytes read, of, unit, records, packets, flows.
   */
  private static final Pattern LINE =
      Pattern.compile(
          "flowbeam: (starting|reading|assembling flows|writing|done)(?: (\\d+)%)?,"
              + " \\d+:\\d\\d elapsed(?:, ~\\d+:\\d\\d left)?"
              + "(?:, ([\\d.]+) of ([\\d.]+) (B|kB|MB) read)?"
              + "(?:, ([\\d,]+) records)?(?:, ([\\d,]+) packets)?(?:, [\\d,]+ packets/s)?"
              + "(?:, ([\\d,]+) flows)?");

  @TempDir static Path dir;
  static Path input;

  /** 17 rows: a closed connection (10 packets), a reset one (4), three rows that are rejected. */
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

  /** What one progress line says. */
  private record Progress(
      String phase, int percent, double read, double of, long records, long packets, long flows) {}

  /** The progress lines of {@code err}, each checked to be one. */
  private static List<Progress> progressLines(String err) {
    List<Progress> lines = new ArrayList<>();
    for (String line : err.split("\n")) {
      if (!line.contains(" elapsed")) {
        continue;
      }
      assertThat(line, matchesPattern(LINE));
      Matcher m = LINE.matcher(line);
      m.matches();
      lines.add(
          new Progress(
              m.group(1),
              m.group(2) == null ? -1 : Integer.parseInt(m.group(2)),
              m.group(3) == null ? 0 : Double.parseDouble(m.group(3)),
              m.group(4) == null ? 0 : Double.parseDouble(m.group(4)),
              count(m.group(6)),
              count(m.group(7)),
              count(m.group(8))));
    }
    return lines;
  }

  private static long count(String n) {
    return n == null ? -1 : Long.parseLong(n.replace(",", ""));
  }

  /**
   * Checks every line against the run's final counts and the one before it, and that the last line,
   * "done", has those counts and the whole input read.
   */
  private static void assertSane(List<Progress> lines, long records, long packets, long flows) {
    assertThat("progress lines", lines.size(), greaterThanOrEqualTo(2));
    Progress previous = null;
    for (Progress p : lines) {
      assertThat(p.toString(), p.percent(), lessThanOrEqualTo(100));
      assertThat(p.toString(), p.read(), lessThanOrEqualTo(p.of()));
      assertThat(p.toString(), p.records(), lessThanOrEqualTo(records));
      assertThat(p.toString(), p.packets(), lessThanOrEqualTo(packets));
      assertThat(p.toString(), p.flows(), lessThanOrEqualTo(flows));
      if (previous != null) {
        assertThat(p.toString(), p.read(), greaterThanOrEqualTo(previous.read()));
        assertThat(p.toString(), p.records(), greaterThanOrEqualTo(previous.records()));
        assertThat(p.toString(), p.flows(), greaterThanOrEqualTo(previous.flows()));
      }
      previous = p;
    }
    Progress last = lines.get(lines.size() - 1);
    assertThat(last.phase(), equalTo("done"));
    assertThat(last.read(), equalTo(last.of()));
    assertThat(
        List.of(last.records(), last.packets(), last.flows()),
        equalTo(List.of(records, packets, flows)));
  }

  @Test
  void theDirectRunnerPrintsSaneProgressLinesAndASplitSummary() {
    Path out = dir.resolve("out-direct");
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + out,
            "--progressSeconds=0.05");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    assertSane(progressLines(r.err()), 17, 14, 2);
    assertThat(
        r.out(),
        matchesPattern(
            "(?s)flowbeam: 14 packets, 3 rejected, 2 flows in [\\d.]+ s \\([\\d,]+ packets/s,"
                + " DirectRunner; start-up [\\d.]+ s, processing [\\d.]+ s: [\\d,]+ packets/s\\)"
                + " -> .*\n"));
  }

  @Test
  void quietPrintsNoProgress() {
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + dir.resolve("out-quiet"),
            "--progressSeconds=0.05",
            "--quiet");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    assertThat(r.err(), not(containsString("elapsed")));
    assertThat(r.out(), containsString("14 packets, 3 rejected, 2 flows in "));
  }

  @Test
  @SuppressWarnings("unchecked")
  void anIncrementalRunPrintsProgressToo() throws IOException {
    Path root = dir.resolve("root");
    JobFixtures.Run r =
        run(
            "--runner=DirectRunner",
            "--incremental",
            "--input=" + input,
            "--output=" + root,
            "--progressSeconds=0.05");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    // The flows the run wrote; those it carries to the next run are not counted.
    Map<String, Object> totals =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ManifestWriter.parse(Files.readString(root.resolve("_manifest.json")))
                        .get("totals"))
                .get("counts");
    assertSane(progressLines(r.err()), 17, 14, number(totals, "flows"));
    assertThat(
        r.out(),
        matchesPattern("(?s).* in [\\d.]+ s \\(start-up [\\d.]+ s, processing [\\d.]+ s\\) -> .*"));
  }

  @Test
  void flinkEmbeddedPrintsSaneProgressLines() {
    Path out = dir.resolve("out-flink");
    JobFixtures.Run r =
        run(
            "--runner=FlinkRunner",
            "--flinkMaster=[local]",
            "--parallelism=2",
            "--input=" + Samples.loopbackPcap(),
            "--output=" + out,
            "--progressSeconds=0.2");
    assertThat(r.err(), r.exitCode(), equalTo(0));
    Map<String, Object> counts = counts(out);
    assertSane(
        progressLines(r.err()),
        number(counts, "records_read"),
        number(counts, "packets"),
        number(counts, "flows"));
    assertThat(r.out(), containsString("FlinkRunner; start-up "));
  }
}
