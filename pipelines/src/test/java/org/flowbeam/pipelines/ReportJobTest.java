package org.flowbeam.pipelines;

import static org.flowbeam.pipelines.JobFixtures.number;
import static org.flowbeam.pipelines.JobFixtures.run;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.pipelines.report.ReportData;
import org.flowbeam.pipelines.report.ReportHtml;
import org.flowbeam.pipelines.report.ReportReader;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run writes {@code report.html} into its output, and the report's numbers, read from the sharded
 * outputs, agree with the manifest's counts, which the job computes on its own.
 */
class ReportJobTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void aRunWritesAReportThatAgreesWithItsManifest(String runner) throws Exception {
    Path input = tmp.resolve("in.csv");
    try (Stream<String> lines = Files.lines(Samples.loopbackCsv())) {
      Files.write(input, lines.limit(61).toList());
    }
    Files.writeString(
        input,
        "1795406839000000,127.0.0.1,not-an-address,1,2,2,0,0,60,6\n",
        java.nio.file.StandardOpenOption.APPEND);
    Path out = tmp.resolve("out");

    JobFixtures.Run r = run("--runner=" + runner, "--input=" + input, "--output=" + out);

    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(Files.isRegularFile(out.resolve(ReportHtml.FILE_NAME)), is(true));
    Map<String, Object> counts = JobFixtures.counts(out);
    ReportData data = ReportReader.read(out);
    assertThat(data.flows().count(), is(number(counts, "flows")));
    assertThat(data.flows().packets(), is(number(counts, "packets_in_flows")));
    assertThat(sum(data.timeBins().packets()), is(number(counts, "packets")));
    assertThat(data.rejected().count(), is(number(counts, "rejected")));
    assertThat(data.rejected().count(), is(1L));
    assertThat(data.talkers().addresses(), is(number(counts, "ip_addresses")));
    assertThat(
        data.flagMix().stream().mapToLong(ReportData.FlagCount::count).sum(),
        is(number(counts, "tcp_packets")));
  }

  @Test
  void reportFalseWritesNone() throws Exception {
    Path input = tmp.resolve("in.csv");
    try (Stream<String> lines = Files.lines(Samples.loopbackCsv())) {
      Files.write(input, lines.limit(6).toList());
    }
    Path out = tmp.resolve("out");

    JobFixtures.Run r =
        run("--runner=DirectRunner", "--input=" + input, "--output=" + out, "--report=false");

    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(Files.exists(out.resolve("manifest.json")), is(true));
    assertThat(Files.exists(out.resolve(ReportHtml.FILE_NAME)), is(false));
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }
}
