package org.flowbeam.pipelines.progress;

import java.util.OptionalLong;

/**
 * What a {@link ProgressSource} knows of a job at one moment. A count it cannot know yet is {@link
 * #UNKNOWN}.
 *
 * @param processingStartNanos when the job began processing its input ({@link System#nanoTime()}),
 *     empty while it is starting (translation, cluster start, deployment)
 * @param bytes input bytes read
 * @param bytesEstimated whether {@code bytes} is an estimate (from ranges read, on a cluster)
 * @param readDone whether the whole input has been read
 * @param records records (packets, rows, frames) read
 * @param packets packets read
 * @param flowPackets flow-protocol packets read: what the keyed flow stage is to take
 * @param assembledPackets flow-protocol packets the keyed flow stage took
 * @param flows flows the keyed flow stage ended
 */
public record ProgressSnapshot(
    OptionalLong processingStartNanos,
    long bytes,
    boolean bytesEstimated,
    boolean readDone,
    long records,
    long packets,
    long flowPackets,
    long assembledPackets,
    long flows) {
  /** A count not known (yet). */
  public static final long UNKNOWN = -1;

  /** A job not yet processing, of which nothing is known. */
  public static final ProgressSnapshot NOT_STARTED =
      new ProgressSnapshot(
          OptionalLong.empty(), 0, false, false, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

  /** Whether the job has begun processing its input. */
  public boolean started() {
    return processingStartNanos.isPresent();
  }
}
