package org.flowbeam.pipelines.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rejected records grouped by the kind of their reason, with the first few of each as examples. A
 * reason names the value it refused ({@code bad src_port '80x'}, {@code src_port 70000 out of
 * range}), so reasons are grouped with quoted values and numbers blanked ({@code bad src_port '…'},
 * {@code src_port # out of range}). At most {@code maxGroups} kinds are kept; the records of any
 * further kind count as {@link Summary#otherCount()}. Example texts are cut to {@code
 * maxExampleChars}, so the summary's size is bounded whatever the input holds.
 *
 * <pre>{@code
 * RejectedGroups groups = new RejectedGroups(20, 3, 400);
 * groups.add("a.csv", 120, "bad src_port '80x'", "1,10.0.0.1,...");
 * groups.summary();
 * }</pre>
 */
public final class RejectedGroups {
  /** One rejected record as the report shows it. */
  public record Example(String file, long offset, String reason, String raw) {}

  /** The records of one kind of reason. */
  public record Group(String kind, long count, List<Example> examples) {}

  /** All groups, most records first, and the count of the records of kinds past the limit. */
  public record Summary(long count, List<Group> groups, long otherCount) {}

  private static final Pattern QUOTED = Pattern.compile("'[^']*'");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private final int maxGroups;
  private final int examplesPerGroup;
  private final int maxExampleChars;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private long count;
  private long otherCount;

  /**
   * Keeps up to {@code maxGroups} kinds with {@code examplesPerGroup} examples each, their texts
   * cut to {@code maxExampleChars}.
   */
  public RejectedGroups(int maxGroups, int examplesPerGroup, int maxExampleChars) {
    this.maxGroups = maxGroups;
    this.examplesPerGroup = examplesPerGroup;
    this.maxExampleChars = maxExampleChars;
  }

  /** The kind of {@code reason}: quoted values and numbers blanked, cut to the example length. */
  static String kindOf(String reason) {
    String kind = QUOTED.matcher(reason).replaceAll("'…'");
    return NUMBER.matcher(kind).replaceAll("#");
  }

  /** Counts one rejected record. */
  public void add(String file, long offset, String reason, String raw) {
    count++;
    String kind = cut(kindOf(reason));
    Group g = groups.get(kind);
    if (g == null) {
      if (groups.size() >= maxGroups) {
        otherCount++;
        return;
      }
      g = new Group(kind, 0, new ArrayList<>());
    }
    List<Example> examples = g.examples();
    if (examples.size() < examplesPerGroup) {
      examples.add(new Example(cut(file), offset, cut(reason), cut(raw)));
    }
    groups.put(kind, new Group(kind, g.count() + 1, examples));
  }

  private String cut(String s) {
    if (s.length() <= maxExampleChars) {
      return s;
    }
    int end =
        Character.isHighSurrogate(s.charAt(maxExampleChars - 1))
            ? maxExampleChars - 1
            : maxExampleChars;
    return s.substring(0, end) + "…";
  }

  /** The groups, most records first (ties in the order first seen). */
  public Summary summary() {
    List<Group> sorted = new ArrayList<>();
    for (Group g : groups.values()) {
      sorted.add(new Group(g.kind(), g.count(), List.copyOf(g.examples())));
    }
    sorted.sort(Comparator.comparingLong(Group::count).reversed());
    return new Summary(count, sorted, otherCount);
  }
}
