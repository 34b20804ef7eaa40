package org.flowbeam.generate;

/**
 * What kinds of traffic the generator starts, as relative weights per new conversation, and a few
 * knobs of their shape. {@link #realistic()} is the default; {@link #dense()} packs every feature
 * into small outputs (tests, quick looks at edge cases).
 *
 * @param web HTTP(S) request/response connections to ports 80/443
 * @param ssh long-lived interactive sessions to port 22 (up to {@code sshMaxRounds} exchanges,
 *     think times up to 60 s)
 * @param bulk one large download (1 MB to {@code bulkMaxBytes})
 * @param idle database-pool connections that sit idle well past the idle timeout once or twice
 * @param other mail, database, RDP, MQTT and other service connections
 * @param refused a SYN answered by RST-ACK (a closed port)
 * @param unanswered a SYN with retransmissions and no answer, often retried from the same port with
 *     a new ISN
 * @param udp DNS and NTP exchanges (UDP flows)
 * @param scan a SYN scan of one host: a burst of half-open probes from one source port
 * @param reuseProbability chance that a closed web/other connection is followed, 10 ms to 10 s
 *     later, by a new connection on the same 5-tuple (new ISN)
 * @param bulkMaxBytes largest bulk download
 * @param sshMaxRounds most exchanges in an SSH session
 */
public record TrafficMix(
    double web,
    double ssh,
    double bulk,
    double idle,
    double other,
    double refused,
    double unanswered,
    double udp,
    double scan,
    double reuseProbability,
    long bulkMaxBytes,
    int sshMaxRounds) {

  public TrafficMix {
    double[] w = {web, ssh, bulk, idle, other, refused, unanswered, udp, scan};
    double sum = 0;
    for (double v : w) {
      if (v < 0 || Double.isNaN(v)) {
        throw new IllegalArgumentException("traffic weights must be >= 0");
      }
      sum += v;
    }
    if (sum <= 0) {
      throw new IllegalArgumentException("at least one traffic weight must be positive");
    }
    if (bulkMaxBytes < 1_000_000 || sshMaxRounds < 20) {
      throw new IllegalArgumentException("bulkMaxBytes >= 1 MB and sshMaxRounds >= 20 required");
    }
  }

  /** Mostly web and DNS, a few long sessions and downloads, rare scans. */
  public static TrafficMix realistic() {
    return new TrafficMix(50, 3, 1, 2, 10, 2, 1, 30, 0.3, 0.05, 50_000_000, 800);
  }

  /** Every feature often: idle gaps, reuse, scans, refusals; small downloads. */
  public static TrafficMix dense() {
    return new TrafficMix(30, 3, 1, 15, 10, 5, 6, 10, 2, 0.3, 1_000_000, 60);
  }

  double[] weights() {
    return new double[] {web, ssh, bulk, idle, other, refused, unanswered, udp, scan};
  }
}
