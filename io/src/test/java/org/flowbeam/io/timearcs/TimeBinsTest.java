package org.flowbeam.io.timearcs;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.List;
import java.util.Random;
import org.flowbeam.io.timearcs.TimeBins.Bin;
import org.junit.jupiter.api.Test;

class TimeBinsTest {
  @Test
  void everyTimestampInExactlyOneBinAndTheNewestInTheLast() {
    Random r = new Random(42);
    for (int round = 0; round < 200; round++) {
      long min = 1_700_000_000_000_000L + r.nextInt(1000);
      long span = 1 + r.nextInt(round < 100 ? 500 : 1_000_000_000);
      long[] ts = new long[2 + r.nextInt(300)];
      for (int i = 0; i < ts.length; i++) {
        ts[i] = min + (long) (r.nextDouble() * span);
      }
      ts[0] = min;
      ts[ts.length - 1] = min + span;
      List<Bin> bins = TimeBins.of(ts, 100);
      assertThat(bins, hasSize(100));
      long total = 0;
      for (int i = 0; i < 100; i++) {
        Bin b = bins.get(i);
        assertThat(b.bin(), equalTo(i));
        if (i > 0) {
          assertThat(b.start(), equalTo(bins.get(i - 1).end()));
        }
        long inside = 0;
        for (long t : ts) {
          boolean in = t >= b.start() && (i == 99 ? t <= b.end() : t < b.end());
          inside += in ? 1 : 0;
        }
        assertThat("bin " + i + " of span " + span, b.count(), equalTo(inside));
        total += b.count();
      }
      assertThat(total, equalTo((long) ts.length));
      assertThat(bins.get(0).start(), equalTo(min));
      assertThat(bins.get(99).end(), equalTo(min + span));
      assertThat(bins.get(99).count() >= 1, equalTo(true));
    }
  }

  @Test
  void boundsAreCeilingsOfTheExactFractions() {
    List<Bin> bins = TimeBins.of(new long[] {0, 3050}, 100);
    assertThat(bins.get(0), equalTo(new Bin(0, 0, 31, 1)));
    assertThat(bins.get(1), equalTo(new Bin(1, 31, 61, 0)));
    assertThat(bins.get(99), equalTo(new Bin(99, 3020, 3050, 1)));
  }

  @Test
  void oneInstantGivesOneBinAndNoTimestampsNone() {
    assertThat(TimeBins.of(new long[] {5, 5, 5}, 100), contains(new Bin(0, 5, 5, 3)));
    assertThat(TimeBins.of(new long[0], 100), empty());
  }
}
