package org.flowbeam.pipelines.progress;

import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.flowbeam.io.ReadFiles;

/**
 * What a job is to read, known before it runs: the total size of its input files and how many byte
 * ranges the reading step splits them into ({@link ReadFiles#rangeCount}).
 *
 * <pre>{@code
 * ProgressPlan plan = ProgressPlan.of(List.of("/captures/a.pcap"), 64 << 20);
 * plan.totalBytes(); // the file's size
 * }</pre>
 */
public record ProgressPlan(long totalBytes, long totalRanges) {
  /** The plan of reading {@code files} in ranges of {@code splitSize} bytes. */
  public static ProgressPlan of(List<String> files, long splitSize) throws IOException {
    long bytes = 0;
    long ranges = 0;
    for (String file : files) {
      MatchResult.Metadata m = FileSystems.matchSingleFileSpec(file);
      bytes += m.sizeBytes();
      ranges += ReadFiles.rangeCount(m, splitSize);
    }
    return new ProgressPlan(bytes, ranges);
  }
}
