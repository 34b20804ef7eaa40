package org.flowbeam.pipelines.report;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.util.List;
import java.util.function.Function;
import org.flowbeam.pipelines.report.Log2Histogram.Bin;
import org.flowbeam.pipelines.report.PairTotals.Pair;
import org.junit.jupiter.api.Test;

/** The bounded aggregates behind the report, each against numbers worked out by hand. */
class AggregatesTest {
  @Test
  void log2BinsDoubleAndKeepInnerGaps() {
    Log2Histogram h = new Log2Histogram();
    for (long v : new long[] {-5, 0, 1, 5, 7, 8, 1000, Long.MAX_VALUE}) {
      h.add(v);
    }
    List<Bin> bins = h.bins();
    assertThat(bins, hasSize(64));
    assertThat(bins.get(0), equalTo(new Bin(0, 1, 2))); // -5 and 0
    assertThat(bins.get(1), equalTo(new Bin(1, 2, 1)));
    assertThat(bins.get(3), equalTo(new Bin(4, 8, 2))); // 5 and 7
    assertThat(bins.get(4), equalTo(new Bin(8, 16, 1)));
    assertThat(bins.get(10), equalTo(new Bin(512, 1024, 1)));
    assertThat(bins.get(63), equalTo(new Bin(1L << 62, Long.MAX_VALUE, 1)));
    assertThat(new Log2Histogram().bins(), empty());
  }

  @Test
  void topListKeepsTheLargestAndTheFirstOfEqualOnes() {
    TopList<String> top = new TopList<>(3, s -> Long.parseLong(s.substring(1)));
    for (String s : List.of("a5", "b1", "c9", "d5", "e5", "f7")) {
      top.offer(s);
    }
    assertThat(top.largestFirst(), contains("c9", "f7", "a5"));
    assertThat(top.offered(), is(6L));
  }

  @Test
  void pairTotalsAreExactUpToCapacityThenPrunedAndMarked() {
    PairTotals exact = new PairTotals(4);
    exact.add("b", "a", 1, 10);
    exact.add("a", "b", 2, 20);
    exact.add("c", "a", 1, 5);
    assertThat(exact.approximate(), is(false));
    assertThat(
        exact.largest(5), contains(new Pair("a", "b", 2, 3, 30), new Pair("a", "c", 1, 1, 5)));

    PairTotals pruned = new PairTotals(2);
    pruned.add("big", "x", 1, 1000);
    pruned.add("s1", "x", 1, 1);
    pruned.add("s2", "x", 1, 2);
    pruned.add("s3", "x", 1, 3); // four pairs: pruned to the two of most bytes
    assertThat(pruned.approximate(), is(true));
    assertThat(
        pruned.largest(5),
        contains(new Pair("big", "x", 1, 1, 1000), new Pair("s3", "x", 1, 1, 3)));
  }

  @Test
  void pruningKeepsExactlyTheCapacityAmongEqualPairs() {
    PairTotals ties = new PairTotals(2);
    ties.add("a", "x", 1, 5);
    ties.add("b", "x", 1, 5);
    ties.add("c", "x", 1, 5);
    ties.add("d", "x", 1, 1);
    List<Pair> kept = ties.largest(5);
    assertThat(kept, hasSize(2));
    assertThat(kept.stream().allMatch(p -> p.bytes() == 5), is(true));
  }

  @Test
  void rejectedKindsBlankValuesAndStopAtTheirLimits() {
    assertThat(RejectedGroups.kindOf("src_port 70000 out of range"), is("src_port # out of range"));
    assertThat(RejectedGroups.kindOf("bad flags '0xZZ'"), is("bad flags '…'"));

    RejectedGroups g = new RejectedGroups(2, 2, 10);
    g.add("f", 1, "bad a '1'", "r1");
    g.add("f", 2, "bad a '2'", "r2");
    g.add("f", 3, "bad a '3'", "r3");
    g.add("f", 4, "missing b", "0123456789ABCDEF");
    g.add("f", 5, "third kind", "r5");

    RejectedGroups.Summary s = g.summary();
    assertThat(s.count(), is(5L));
    assertThat(s.otherCount(), is(1L));
    assertThat(s.groups().get(0).count(), is(3L));
    assertThat(s.groups().get(0).examples(), hasSize(2));
    assertThat(s.groups().get(1).examples().get(0).raw(), is("0123456789…"));
  }

  @Test
  void aLongCutNeverSplitsASurrogatePair() {
    RejectedGroups g = new RejectedGroups(1, 1, 3);
    g.add("f", 0, "r", "ab\uD83D\uDE00cd");
    assertThat(g.summary().groups().get(0).examples().get(0).raw(), is("ab…"));
  }

  @Test
  void timeSeriesAddsUpBinsIntoAtMostMaxPoints() {
    // 10 bins of 1 s, at most 4 points: 3 bins a point, 4 points.
    TimeSeries s = new TimeSeries(0, 10_000_000, 1_000_000, 4);
    long[] noFlags = new long[8];
    for (int i = 0; i < 10; i++) {
      long[] flags = new long[8];
      flags[1] = i;
      s.add(i * 1_000_000L, 1, 100, i == 9 ? 1 : 0, flags);
    }
    assertThat(s.binsPerPoint(), is(3));
    assertThat(s.pointUs(), is(3_000_000L));
    assertThat(s.packets(), equalTo(new long[] {3, 3, 3, 1}));
    assertThat(s.bytes(), equalTo(new long[] {300, 300, 300, 100}));
    assertThat(s.flowsStarted(), equalTo(new long[] {0, 0, 0, 1}));
    assertThat(s.flags()[1], equalTo(new long[] {0 + 1 + 2, 3 + 4 + 5, 6 + 7 + 8, 9}));
    assertThat(noFlags.length, is(TimeSeries.FLAG_NAMES.size()));
  }

  @Test
  void limitAddsUpTheRestAsOther() {
    var limited =
        ReportReader.limit(
            new java.util.TreeMap<>(java.util.Map.of("a", 5L, "b", 9L, "c", 1L, "d", 5L)), 2);
    assertThat(
        limited.entrySet().stream().map(Function.identity()).map(Object::toString).toList(),
        contains("b=9", "a=5", ReportReader.OTHER + "=6"));
  }
}
