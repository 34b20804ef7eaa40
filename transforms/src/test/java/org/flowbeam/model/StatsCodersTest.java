package org.flowbeam.model;

import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class StatsCodersTest {
  @Test
  void ipStatsRoundTrips() throws Exception {
    IpStats s = new IpStats("2001:db8::1", 1, 2, 3, 4, -5, Long.MAX_VALUE);
    CoderProperties.coderDecodeEncodeEqual(StatsCoders.ipStats(), s);
    CoderProperties.coderSerializable(StatsCoders.ipStats());
    CoderProperties.coderDeterministic(
        StatsCoders.ipStats(), s, new IpStats("2001:db8::1", 1, 2, 3, 4, -5, Long.MAX_VALUE));
  }

  @Test
  void hourlyIpStatsRoundTrips() throws Exception {
    HourlyIpStats s =
        new HourlyIpStats(
            HourlyIpStats.HOUR_US * 475_000, new IpStats("10.0.0.1", 1, 2, 3, 4, 5, 6));
    CoderProperties.coderDecodeEncodeEqual(StatsCoders.hourlyIpStats(), s);
    CoderProperties.coderSerializable(StatsCoders.hourlyIpStats());
  }

  @Test
  void flagCountsRoundTrip() throws Exception {
    FlagCounts c = new FlagCounts(0, 1, 127, 128, Long.MAX_VALUE, 5, 6, 7);
    CoderProperties.coderDecodeEncodeEqual(FlagCounts.coder(), c);
    CoderProperties.coderSerializable(FlagCounts.coder());
  }

  @Test
  void timeBinRoundTrips() throws Exception {
    TimeBin b = new TimeBin(10, 20, 3, 400, new FlagCounts(1, 2, 3, 4, 5, 6, 7, 8), 9);
    CoderProperties.coderDecodeEncodeEqual(StatsCoders.timeBin(), b);
    CoderProperties.coderSerializable(StatsCoders.timeBin());
  }
}
