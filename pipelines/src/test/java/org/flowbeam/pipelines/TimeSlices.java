package org.flowbeam.pipelines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a packet CSV file into consecutive slices by rows, the header repeated in each, as a system
 * that exports packet CSV every hour would have written it (captures: {@code
 * org.flowbeam.testing.TimeSlicedPcap}).
 */
final class TimeSlices {
  private TimeSlices() {}

  /** Writes {@code n} CSV slices of {@code csv} into {@code dir} as {@code prefix-<i>.csv}. */
  static List<Path> csv(Path csv, int n, Path dir, String prefix) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String header = lines.get(0);
    List<String> rows = lines.subList(1, lines.size());
    List<Path> slices = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> slice = new ArrayList<>();
      slice.add(header);
      slice.addAll(rows.subList(rows.size() * i / n, rows.size() * (i + 1) / n));
      slices.add(Files.write(dir.resolve(String.format("%s-%02d.csv", prefix, i)), slice));
    }
    return slices;
  }
}
