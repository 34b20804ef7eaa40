package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.flowbeam.io.sink.ManifestWriter;
import org.flowbeam.pipelines.UsageException;

/**
 * The options that shape a series' results, kept the same from run to run.
 *
 * <p>Every run records them in its run manifest ({@code series_options}: option name to value, as
 * JSON). A run whose options differ from those of the last run in the ledger is refused in one line
 * naming each difference, because its hours would not be comparable with the ones before: flows
 * decapsulated in one hour and not in the next, Community IDs under two seeds, a filter that holds
 * for half a day. Once a run has ended the series ({@code --flushOpenFlows}), nothing is carried
 * into the next run, and its options may change; the change is then announced in one line.
 *
 * <p>A root written before options were recorded has nothing to compare with; its next run records
 * them.
 */
public final class SeriesOptions {
  private final Map<String, Object> values;

  private SeriesOptions(Map<String, Object> values) {
    this.values = values;
  }

  /**
   * The options {@code values} (command-line option name without {@code --}, to its value), in the
   * form they take in a run manifest, so that a recorded value compares equal to a new one.
   */
  public static SeriesOptions of(Map<String, ?> values) {
    return new SeriesOptions(ManifestWriter.parse(ManifestWriter.toJson(values)));
  }

  /** No options: nothing is recorded and nothing is checked (a series run by a test's job). */
  public static SeriesOptions none() {
    return new SeriesOptions(Map.of());
  }

  /** The options as recorded in a run manifest. */
  Map<String, Object> asMap() {
    return new LinkedHashMap<>(values);
  }

  /**
   * Refuses these options if they differ from those of {@code base}'s last run, unless that run
   * ended its series.
   *
   * @throws UsageException naming each option that differs, its value in the series and now
   */
  void checkAgainst(RootLayout layout, Ledger base, Consumer<String> notices) throws IOException {
    Optional<String> last = base.lastRunId();
    if (last.isEmpty() || values.isEmpty()) {
      return;
    }
    Optional<Map<String, Object>> manifest =
        IncrementalManifests.readRunManifest(layout, last.get());
    if (manifest.isEmpty() || !(manifest.get().get("series_options") instanceof Map<?, ?> before)) {
      return; // written before options were recorded
    }
    List<String> changes = differences(before);
    if (changes.isEmpty()) {
      return;
    }
    if (Boolean.TRUE.equals(manifest.get().get("flush_open_flows"))) {
      notices.accept(
          "flowbeam: options change after run "
              + last.get()
              + " ended the series: "
              + String.join(", ", changes));
      return;
    }
    throw new UsageException(
        "this series was run with other options (last run "
            + last.get()
            + "): "
            + String.join(", ", changes)
            + "; end the series with --flushOpenFlows under its options before changing them,"
            + " or write to another --output");
  }

  /** {@code --name=before -> now} for each option whose value is not the same. */
  private List<String> differences(Map<?, ?> before) {
    TreeSet<String> names = new TreeSet<>(values.keySet());
    before.keySet().forEach(k -> names.add(String.valueOf(k)));
    List<String> changes = new ArrayList<>();
    for (String name : names) {
      Object was = before.get(name);
      Object now = values.get(name);
      if (!Objects.equals(was, now)) {
        changes.add("--" + name + "=" + spelled(was) + " -> " + spelled(now));
      }
    }
    return changes;
  }

  private static String spelled(Object value) {
    if (value == null) {
      return "(unset)";
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(SeriesOptions::spelled).toList());
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString(); // 60, not 60.0
    }
    return String.valueOf(value);
  }
}
