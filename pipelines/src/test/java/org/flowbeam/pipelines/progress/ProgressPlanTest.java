package org.flowbeam.pipelines.progress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan of a job's input: its files' sizes and the ranges the reading step splits them into. */
class ProgressPlanTest {
  @TempDir Path dir;

  @Test
  void totalBytesAndRangesOfPlainAndCompressedFiles() throws IOException {
    Path plain = dir.resolve("a.pcap");
    Files.write(plain, new byte[10 * 1024 + 100]); // 1 KiB ranges: 10, the last 1,124 bytes
    Path gz = dir.resolve("b.pcap.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(new byte[50_000]);
    }
    ProgressPlan plan = ProgressPlan.of(List.of(plain.toString(), gz.toString()), 1024);
    assertThat(plan, equalTo(new ProgressPlan(10 * 1024 + 100 + Files.size(gz), 10 + 1)));
  }
}
