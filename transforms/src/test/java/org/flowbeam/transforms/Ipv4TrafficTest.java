package org.flowbeam.transforms;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.sameInstance;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.flowbeam.model.IpStats;
import org.junit.jupiter.api.Test;

class Ipv4TrafficTest {
  @Test
  void everyAddressKeepsItsOwnTrafficThroughGrowth() {
    Ipv4Traffic table = new Ipv4Traffic();
    Map<Integer, IpTraffic> reference = new HashMap<>();
    Random random = new Random(7);
    for (int n = 0; n < 50_000; n++) {
      // Few distinct high bits and many low ones, as in real address plans, plus 0 and -1.
      int address = n % 1000 == 0 ? (n % 2000 == 0 ? 0 : -1) : 0x0a000000 | random.nextInt(20_000);
      IpTraffic t = table.of(address);
      IpTraffic expected = reference.computeIfAbsent(address, k -> t);
      assertThat(t, sameInstance(expected));
      t.addSent(1, n);
    }
    Map<Integer, IpStats> seen = new HashMap<>();
    table.forEach((address, t) -> seen.put(address, t.toIpStats("")));
    assertThat(seen.size(), equalTo(reference.size()));
    reference.forEach((address, t) -> assertThat(seen.get(address), equalTo(t.toIpStats(""))));
  }
}
