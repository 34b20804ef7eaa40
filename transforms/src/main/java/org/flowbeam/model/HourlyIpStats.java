package org.flowbeam.model;

import java.io.Serializable;

/**
 * The traffic of one address in one hour of packet time: {@code stats} counts the packets whose
 * time lies in {@code [hourStartUs, hourStartUs + HOUR_US)}, and its first and last times lie in
 * that hour. The hour start (µs since the epoch, UTC) is what a sink partitions on ({@code
 * date=YYYY-MM-DD/hour=HH}); summed over the hours, the counts are those of the address's {@link
 * IpStats}.
 */
public record HourlyIpStats(long hourStartUs, IpStats stats) implements Serializable {
  /** One hour in µs. */
  public static final long HOUR_US = 3_600_000_000L;

  /** The start of the UTC hour holding {@code timeUs} (µs since the epoch). */
  public static long hourStartUs(long timeUs) {
    return Math.floorDiv(timeUs, HOUR_US) * HOUR_US;
  }
}
