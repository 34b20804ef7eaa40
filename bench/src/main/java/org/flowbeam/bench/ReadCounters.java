package org.flowbeam.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Secondary results of a reader benchmark: JMH divides each counter by the measured time, so in
 * throughput mode they read as packets/s, bytes/s and MB/s (10^6 bytes) next to the passes/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ReadCounters {
  /** Packets decoded. */
  public long packets;

  /** File bytes read. */
  public long bytes;

  /** File megabytes (10^6 bytes) read. */
  public double megabytes;

  @Setup(Level.Iteration)
  public void reset() {
    packets = 0;
    bytes = 0;
    megabytes = 0;
  }

  /** Counts one pass over a file. */
  public void add(long packetCount, long fileBytes) {
    packets += packetCount;
    bytes += fileBytes;
    megabytes += fileBytes / 1e6;
  }
}
