package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

import org.junit.jupiter.api.Test;

/** The index of pcapng section states: lookup, spacing and the bound on interfaces held. */
class PcapngCheckpointsTest {
  private static PcapngCheckpoints.State at(long offset, PcapngInterface last) {
    return new PcapngCheckpoints.State(offset, false, true, last, 65535, 7);
  }

  @Test
  void floorIsTheLastStateAtOrBeforeTheOffset() {
    PcapngCheckpoints c = new PcapngCheckpoints(1000, 100);
    assertThat(c.floor(500), nullValue());
    PcapngCheckpoints.State a = at(100, null);
    PcapngCheckpoints.State b = at(400, null);
    c.offer(b);
    c.offer(a);
    assertThat(c.floor(99), nullValue());
    assertThat(c.floor(100), sameInstance(a));
    assertThat(c.floor(399), sameInstance(a));
    assertThat(c.floor(1 << 20), sameInstance(b));
  }

  @Test
  void statesCloserThanTheSpacingAreNotRecorded() {
    PcapngCheckpoints c = new PcapngCheckpoints(1000, 100);
    c.offer(at(200, null));
    c.offer(at(101, null)); // 99 below
    c.offer(at(299, null)); // 99 above
    assertThat(c.size(), equalTo(1));
    c.offer(at(300, null));
    c.offer(at(100, null));
    assertThat(c.size(), equalTo(3));
  }

  @Test
  void spacingGrowsWithTheFileSoStatesStayBounded() {
    long size = 100L << 30;
    PcapngCheckpoints c = new PcapngCheckpoints(size);
    assertThat(c.spacing(), equalTo(size / PcapngCheckpoints.MAX_STATES));
    assertThat(new PcapngCheckpoints(1000).spacing(), equalTo(PcapngCheckpoints.MIN_SPACING));
  }

  @Test
  void interfaceTablesAreHeldWithinTheBudget() {
    PcapngCheckpoints c = new PcapngCheckpoints(100, 1);
    PcapngInterface big = null;
    for (int i = 0; i < PcapngCheckpoints.MAX_INTERFACES_HELD / 2 + 1; i++) {
      big = new PcapngInterface(big, 1, 65535, false, 6, 0);
    }
    c.offer(at(10, big));
    c.offer(at(20, big)); // the same table: not charged again
    assertThat(c.size(), equalTo(2));
    PcapngInterface other = new PcapngInterface(big.previous(), 1, 65535, false, 9, 0);
    c.offer(at(30, other)); // a second table of the same size would pass the budget
    assertThat(c.size(), equalTo(2));
    assertThat(c.floor(30).lastInterface(), sameInstance(big));
  }

  @Test
  void theSharedIndexIsPerKey() {
    PcapngCheckpoints a = PcapngCheckpoints.forFile("scope\nfile-a\n10\n0", 10);
    assertThat(PcapngCheckpoints.forFile("scope\nfile-a\n10\n0", 10), sameInstance(a));
    assertThat(PcapngCheckpoints.forFile("other\nfile-a\n10\n0", 10) == a, equalTo(false));
  }
}
