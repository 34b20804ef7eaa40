package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.UsageException;

/**
 * The two manifests of an incremental root, as JSON objects ({@link ManifestWriter}'s maps).
 *
 * <p>A <b>run manifest</b> ({@code _flowbeam/runs/RUN/manifest.json}) says what one run read and
 * wrote: its inputs with their fingerprints, the runs it undid, the options that shape its results
 * ({@link SeriesOptions}), the carried state it started from and the one it left, its counts, the
 * partitions it touched and every file it wrote (relative to the root) — the list a later rollback
 * deletes.
 *
 * <p>The <b>root manifest</b> ({@code _manifest.json}) describes the root as a whole: one entry per
 * run in the ledger (inputs, files, counts, partitions), the totals (each count summed over the
 * runs, so counts must be additive), the union of the partitions and the series end.
 */
final class IncrementalManifests {
  static final String FORMAT = "flowbeam-incremental";
  static final int VERSION = 1;

  private IncrementalManifests() {}

  /** The partition of a result file: its directory, e.g. {@code flows/date=2024-05-01/hour=13}. */
  static Optional<String> partitionOf(String resultFile) {
    int slash = resultFile.lastIndexOf('/');
    return slash < 0 ? Optional.empty() : Optional.of(resultFile.substring(0, slash));
  }

  /** The sorted, distinct partitions of {@code files}. */
  static List<String> partitionsOf(List<String> files) {
    TreeSet<String> parts = new TreeSet<>();
    files.forEach(f -> partitionOf(f).ifPresent(parts::add));
    return new ArrayList<>(parts);
  }

  /** The manifest of a run about to be committed. */
  static Map<String, Object> runManifest(
      String runId,
      String started,
      String finished,
      RunPlan plan,
      Optional<String> carriedStateOut,
      Long seriesEndUs,
      Long newestPacketUs,
      Map<String, Long> counts,
      List<String> files,
      SeriesOptions options) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT + "-run");
    m.put("version", VERSION);
    m.put("run", runId);
    m.put("started", started);
    m.put("finished", finished);
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (FileFingerprint f : plan.toRead()) {
      Map<String, Object> in = new LinkedHashMap<>();
      in.put("path", f.path());
      in.put("size", f.size());
      in.put("mtime", f.mtime());
      in.put("head_tail_sha256", f.headTailSha256());
      inputs.add(in);
    }
    m.put("inputs", inputs);
    m.put("undone_runs", plan.undoneRuns());
    m.put("flush_open_flows", plan.flushOpenFlows());
    m.put("carried_state_in", plan.carriedStateIn().orElse(null));
    m.put("carried_state_out", carriedStateOut.orElse(null));
    m.put("newest_packet_us", newestPacketUs);
    m.put("series_end_us", seriesEndUs);
    if (!options.asMap().isEmpty()) {
      m.put("series_options", options.asMap());
    }
    m.put("counts", new LinkedHashMap<>(counts));
    m.put("partitions", partitionsOf(files));
    m.put("files", files);
    return m;
  }

  /** The root manifest's entry for a run, from its run manifest. */
  static Map<String, Object> runEntry(Map<String, Object> runManifest) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("run", runManifest.get("run"));
    e.put("inputs", ((List<?>) runManifest.get("inputs")).size());
    e.put("files", ((List<?>) runManifest.get("files")).size());
    e.put("counts", runManifest.get("counts"));
    e.put("partitions", runManifest.get("partitions"));
    e.put("carried_state", runManifest.get("carried_state_out"));
    return e;
  }

  /**
   * The root manifest for {@code ledger}'s runs, the last of which is {@code newRun}: the entries
   * of the other runs are taken from the current root manifest, or from their run manifests where
   * it lacks them.
   */
  static Map<String, Object> rootManifest(
      RootLayout layout, Ledger ledger, Map<String, Object> newRun) throws IOException {
    Map<String, Map<String, Object>> known = previousEntries(layout);
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Ledger.LedgerRun run : ledger.runs()) {
      if (run.run().equals(newRun.get("run"))) {
        entries.add(runEntry(newRun));
      } else if (known.containsKey(run.run())) {
        entries.add(known.get(run.run()));
      } else {
        entries.add(
            runEntry(
                readRunManifest(layout, run.run())
                    .orElseThrow(
                        () ->
                            new UsageException(
                                "run "
                                    + run.run()
                                    + " is in the ledger but "
                                    + RootLayout.runManifest(run.run())
                                    + " is missing"))));
      }
    }
    Map<String, Long> sums = new LinkedHashMap<>();
    long files = 0;
    long inputs = 0;
    TreeSet<String> partitions = new TreeSet<>();
    for (Map<String, Object> e : entries) {
      ((Map<?, ?>) e.get("counts"))
          .forEach((k, v) -> sums.merge((String) k, ((Number) v).longValue(), Long::sum));
      files += ((Number) e.get("files")).longValue();
      inputs += ((Number) e.get("inputs")).longValue();
      for (Object p : (List<?>) e.get("partitions")) {
        partitions.add((String) p);
      }
    }
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("runs", entries.size());
    totals.put("inputs", inputs);
    totals.put("files", files);
    totals.put("counts", sums);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", VERSION);
    m.put("series_end_us", ledger.seriesEndUs());
    m.put("totals", totals);
    m.put("partitions", new ArrayList<>(partitions));
    m.put("runs", entries);
    return m;
  }

  /**
   * The files {@code runId} wrote, relative to the root: from its run manifest, or, if that is
   * missing, every result file whose name holds the run id (run ids are in every file name).
   */
  static List<String> filesOf(RootLayout layout, String runId) throws IOException {
    Optional<Map<String, Object>> manifest = readRunManifest(layout, runId);
    if (manifest.isPresent()) {
      List<String> files = new ArrayList<>();
      for (Object f : (List<?>) manifest.get().get("files")) {
        files.add((String) f);
      }
      return files;
    }
    List<String> found = new ArrayList<>();
    for (String rel : FileTrees.resultFiles(layout.root())) {
      if (rel.substring(rel.lastIndexOf('/') + 1).contains(runId)) {
        found.add(rel);
      }
    }
    return found;
  }

  /** The run manifest of {@code runId} in the root, if it exists. */
  static Optional<Map<String, Object>> readRunManifest(RootLayout layout, String runId)
      throws IOException {
    Location file = layout.resolve(RootLayout.runManifest(runId));
    try {
      return file.readStringIfPresent().map(ManifestWriter::parse);
    } catch (IllegalArgumentException e) {
      throw new UsageException(file + " is not a run manifest: " + e.getMessage());
    }
  }

  private static Map<String, Map<String, Object>> previousEntries(RootLayout layout)
      throws IOException {
    Map<String, Map<String, Object>> byRun = new LinkedHashMap<>();
    Map<String, Object> root;
    try {
      Optional<String> json = layout.rootManifest().readStringIfPresent();
      if (json.isEmpty()) {
        return byRun; // rebuilt from the run manifests
      }
      root = ManifestWriter.parse(json.get());
    } catch (IllegalArgumentException e) {
      return byRun; // rebuilt from the run manifests
    }
    Object runs = root.get("runs");
    if (runs instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> e && e.get("run") instanceof String id) {
          @SuppressWarnings("unchecked")
          Map<String, Object> entry = (Map<String, Object>) e;
          byRun.put(id, entry);
        }
      }
    }
    return byRun;
  }
}
