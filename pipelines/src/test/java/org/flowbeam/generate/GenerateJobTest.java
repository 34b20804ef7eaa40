package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.flowbeam.pipelines.FlowBeamMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real job, in process on the Direct Runner, on a generated CSV: its flow output equals the
 * ground truth, with and without an elephant. Small (a few thousand packets) because the Direct
 * Runner is slow.
 */
class GenerateJobTest {
  private static final String[] TRUTH_COLUMNS = TruthWriter.HEADER.split(",");

  @TempDir Path dir;

  @Test
  void flowBeamJobFindsTheTruthFlows() throws IOException {
    assertJobFindsTheTruth(
        GeneratedTrafficTruthTest.denseConfig(2_000).seed(8).connectionsPerSecond(1).build());
  }

  /** An elephant of 1,000 packets, split by an idle gap into two flows, through the real job. */
  @Test
  void flowBeamJobFindsTheElephantsOfTheTruth() throws IOException {
    assertJobFindsTheTruth(
        GeneratedTrafficTruthTest.denseConfig(2_000)
            .seed(8)
            .connectionsPerSecond(1)
            .elephants(new ElephantPlan(1, 1_000, ElephantPlan.End.FIN, 1))
            .build());
  }

  private void assertJobFindsTheTruth(GeneratorConfig config) throws IOException {
    Path csv = dir.resolve("job.csv");
    GeneratedFiles.generate(config, OutputFormat.CSV, csv);
    Path out = dir.resolve("out");
    GenerateMainTest.Run r = runJob("--runner=DirectRunner", "--input=" + csv, "--output=" + out);
    assertThat(r.err(), r.exitCode(), is(0));
    List<String> expected = GeneratedFiles.truthRows(csv).stream().sorted().toList();
    assertThat(flowRows(out.resolve("flows")), equalTo(expected));
  }

  private static GenerateMainTest.Run runJob(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        FlowBeamMain.run(
            args,
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8));
    return new GenerateMainTest.Run(
        code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** The flow CSV shards' rows, projected on the truth columns, sorted. */
  private static List<String> flowRows(Path flowsDir) throws IOException {
    List<String> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(flowsDir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int[] index = new int[TRUTH_COLUMNS.length];
        for (int i = 0; i < index.length; i++) {
          index[i] = header.indexOf(TRUTH_COLUMNS[i]);
          assertThat(TRUTH_COLUMNS[i] + " in " + header, index[i] >= 0, is(true));
        }
        for (String line : lines.subList(1, lines.size())) {
          String[] v = line.split(",", -1);
          StringBuilder sb = new StringBuilder();
          for (int i : index) {
            sb.append(sb.length() == 0 ? "" : ",").append(v[i]);
          }
          rows.add(sb.toString());
        }
      }
    }
    rows.sort(null);
    return rows;
  }
}
