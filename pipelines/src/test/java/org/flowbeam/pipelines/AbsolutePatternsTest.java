package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Input patterns reach a Flink cluster's TaskManagers as absolute paths, whatever their working
 * directory.
 */
class AbsolutePatternsTest {
  private static final String CWD = Path.of("").toAbsolutePath().toString();

  @Test
  void relativePathsAndGlobsBecomeAbsolute() {
    assertThat(
        FlowBeamMain.absolutePatterns("src/samples/a.csv, data/*.csv.gz"),
        equalTo(CWD + "/src/samples/a.csv," + CWD + "/data/*.csv.gz"));
  }

  @Test
  void absolutePathsAndSchemesAreKept() {
    assertThat(
        FlowBeamMain.absolutePatterns("/data/x.csv,gs://bucket/y-*.csv,,"),
        equalTo("/data/x.csv,gs://bucket/y-*.csv"));
  }
}
