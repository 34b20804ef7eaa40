package org.flowbeam.generate;

import java.util.function.LongSupplier;

/**
 * Spaces the elephants' packets in time so that they run through the background traffic from its
 * start to (nearly) its end, whatever the background's packet rate.
 *
 * <p>The background's rate is not known in advance (it depends on the mix, the arrival rate and the
 * sizes drawn), so the pacer measures it: the background packets written so far over the time they
 * took give the time its remaining packets will take, and an elephant spreads its remaining packets
 * over that time, finishing when the background has written about {@value #FINISH_AT} of its
 * packets. Measured afresh at every packet, the pace follows the background's bursts and lulls.
 * Alone (no background) or over fewer than {@value #MIN_BACKGROUND_TO_FOLLOW} background packets,
 * an elephant sends at {@link #NOMINAL_GAP_US}. Gaps stay between {@link #MIN_GAP_US} (about 1
 * Gbit/s of full segments) and {@link #MAX_GAP_US}, far below the idle timeout.
 *
 * <p>Everything is computed from the generated data, so a seed still gives the same bytes.
 */
final class ElephantPacer {
  /** An elephant alone: a packet every 80 µs on average, ~12,500 packets/s, ~100 Mbit/s. */
  static final long NOMINAL_GAP_US = 80;

  static final long MIN_GAP_US = 10;
  static final long MAX_GAP_US = 1_000_000;

  /** Background packets measured before its rate is trusted. */
  private static final long WARM_UP_PACKETS = 1_000;

  /** A smaller background is not followed: it is over within seconds at any usual rate. */
  static final long MIN_BACKGROUND_TO_FOLLOW = 10 * WARM_UP_PACKETS;

  /** The elephants aim to finish when the background has written this fraction of its packets. */
  static final double FINISH_AT = 0.98;

  private final long startUs;
  private final long backgroundBudget;
  private final LongSupplier backgroundPackets;

  /**
   * @param startUs when the background starts
   * @param backgroundBudget the background's packets in the whole run
   * @param backgroundPackets the background's packets written so far
   */
  ElephantPacer(long startUs, long backgroundBudget, LongSupplier backgroundPackets) {
    this.startUs = startUs;
    this.backgroundBudget = backgroundBudget;
    this.backgroundPackets = backgroundPackets;
  }

  /**
   * The mean gap before an elephant's next packet at {@code nowUs}, with {@code packetsLeft}
   * packets still to send.
   */
  long meanGapUs(long nowUs, long packetsLeft) {
    long done = backgroundPackets.getAsLong();
    if (backgroundBudget < MIN_BACKGROUND_TO_FOLLOW || done < WARM_UP_PACKETS) {
      return NOMINAL_GAP_US;
    }
    double usPerBackgroundPacket = (double) Math.max(1, nowUs - startUs) / done;
    double timeLeftUs = (FINISH_AT * backgroundBudget - done) * usPerBackgroundPacket;
    double gap = timeLeftUs / Math.max(1, packetsLeft);
    return (long) Math.min(MAX_GAP_US, Math.max(MIN_GAP_US, gap));
  }
}
