package org.flowbeam.pipelines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.io.sink.ManifestWriter;

/**
 * What the integration tests compare of a FlowBeam output directory written by a child process: the
 * rows of a sharded CSV output as a sorted set (which shard holds a row depends on the runner), the
 * manifest's counts and reconciliation, and the files there are.
 */
final class FlowBeamOutput {
  private final Path dir;

  FlowBeamOutput(Path dir) {
    this.dir = dir;
  }

  /**
   * The header of the CSV shards in subdirectory {@code name} ({@code flows}, {@code ip_stats},
   * ...), then every data row of them, sorted; empty if there is no shard. Fails if two shards'
   * headers differ.
   */
  List<String> sortedCsvRows(String name) throws IOException {
    List<Path> shards;
    Path sub = dir.resolve(name);
    if (!Files.isDirectory(sub)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(sub)) {
      shards = files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
    }
    String header = null;
    List<String> rows = new ArrayList<>();
    for (Path shard : shards) {
      List<String> lines = Files.readAllLines(shard, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        continue;
      }
      if (header == null) {
        header = lines.get(0);
      } else if (!header.equals(lines.get(0))) {
        throw new AssertionError("header of " + shard + " is not " + header + ": " + lines.get(0));
      }
      rows.addAll(lines.subList(1, lines.size()));
    }
    rows.sort(null);
    if (header != null) {
      rows.add(0, header);
    }
    return rows;
  }

  /** The manifest's {@code counts}. */
  @SuppressWarnings("unchecked")
  Map<String, Object> counts() throws IOException {
    return (Map<String, Object>) manifest().get("counts");
  }

  /** The manifest's {@code reconciliation}: each identity and whether it holds. */
  @SuppressWarnings("unchecked")
  Map<String, Object> reconciliation() throws IOException {
    return (Map<String, Object>) manifest().get("reconciliation");
  }

  /** Every file under the output directory, as paths relative to it, sorted. */
  List<String> files() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString())
          .sorted()
          .toList();
    }
  }

  private Map<String, Object> manifest() throws IOException {
    return ManifestWriter.parse(Files.readString(dir.resolve(ManifestWriter.FILE_NAME)));
  }
}
