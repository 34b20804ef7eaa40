package org.flowbeam.io.coders;

import org.apache.beam.sdk.testing.CoderProperties;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.IpStats;
import org.flowbeam.model.TimeBin;
import org.junit.jupiter.api.Test;

class StatsCodersTest {
  @Test
  void ipStatsRoundTrips() throws Exception {
    IpStats s = new IpStats("2001:db8::1", 1, 2, 3, 4, -5, Long.MAX_VALUE);
    CoderProperties.coderDecodeEncodeEqual(IpStatsCoder.of(), s);
    CoderProperties.coderSerializable(IpStatsCoder.of());
    CoderProperties.coderDeterministic(
        IpStatsCoder.of(), s, new IpStats("2001:db8::1", 1, 2, 3, 4, -5, Long.MAX_VALUE));
  }

  @Test
  void timeBinRoundTrips() throws Exception {
    TimeBin b = new TimeBin(10, 20, 3, 400, new FlagCounts(1, 2, 3, 4, 5, 6, 7, 8), 9);
    CoderProperties.coderDecodeEncodeEqual(TimeBinCoder.of(), b);
    CoderProperties.coderSerializable(TimeBinCoder.of());
  }
}
