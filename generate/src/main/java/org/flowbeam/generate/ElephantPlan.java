package org.flowbeam.generate;

/**
 * The elephant connections of a generated dataset: a few TCP connections of many packets each
 * (millions, up to billions) that run through the background traffic from its start, each one flow
 * in the ground truth (or one per idle gap more). {@link ElephantConnection} makes their packets;
 * {@link #NONE}, the default, makes none.
 *
 * <pre>{@code
 * ElephantPlan one = new ElephantPlan(1, 100_000_000, ElephantPlan.End.FIN, 0);
 * ElephantPlan heavy = ElephantPlan.sharing(5, 0.9, 5_000_000, ElephantPlan.End.FIN, 0);
 * }</pre>
 *
 * @param count how many elephants, 0 to {@value #MAX_COUNT}
 * @param packetsEach the exact packets of each elephant, handshake and close included
 * @param end how each elephant ends
 * @param idleGaps pauses longer than the idle timeout inside each elephant (0 by default): each one
 *     splits the elephant into one more flow, as FlowBeam's idle timeout does
 */
public record ElephantPlan(int count, long packetsEach, End end, int idleGaps) {
  /** Most elephants: their client ports are {@link #FIRST_CLIENT_PORT} onwards. */
  public static final int MAX_COUNT = 1_000;

  /** Most idle gaps inside one elephant. */
  public static final int MAX_IDLE_GAPS = 1_000;

  /**
   * The first elephant's client port; the others follow. Above the background's ephemeral ports
   * ({@link Hosts#EPHEMERAL_HIGH}), so no background connection ever uses an elephant's 5-tuple.
   */
  static final int FIRST_CLIENT_PORT = Hosts.EPHEMERAL_HIGH + 1;

  /** No elephants. */
  public static final ElephantPlan NONE = new ElephantPlan(0, 0, End.FIN, 0);

  /** How an elephant ends. */
  public enum End {
    /** FIN from the client, FIN from the server, last ACK: state {@code closed}, reason fin. */
    FIN(3),
    /** RST from the client: {@code aborted}, rst. */
    RST(1),
    /** No close: the flow is still open at the end (or ends by the idle timeout). */
    OPEN(0);

    final int packets;

    End(int packets) {
      this.packets = packets;
    }

    /** The end named {@code fin}, {@code rst} or {@code open}. */
    public static End named(String name) {
      for (End e : values()) {
        if (e.name().equalsIgnoreCase(name)) {
          return e;
        }
      }
      throw new IllegalArgumentException(
          "--elephantEnd must be fin, rst or open, got '" + name + "'");
    }
  }

  public ElephantPlan {
    if (end == null) {
      throw new IllegalArgumentException("an elephant end is required");
    }
    if (count < 0 || count > MAX_COUNT) {
      throw new IllegalArgumentException("--elephants must be 0.." + MAX_COUNT + ", got " + count);
    }
    if (idleGaps < 0 || idleGaps > MAX_IDLE_GAPS) {
      throw new IllegalArgumentException(
          "--elephantIdleGaps must be 0.." + MAX_IDLE_GAPS + ", got " + idleGaps);
    }
    long min = minPackets(end, idleGaps);
    if (count > 0 && packetsEach < min) {
      throw new IllegalArgumentException(
          "an elephant needs at least "
              + min
              + " packets (handshake, request, data, idle gaps, close), got "
              + packetsEach);
    }
    if (count > 0 && packetsEach > Long.MAX_VALUE / count) {
      throw new IllegalArgumentException("--elephantPackets too large: " + packetsEach);
    }
  }

  /**
   * Elephants that together hold {@code share} of {@code totalPackets}: each gets an equal part,
   * rounded down.
   */
  public static ElephantPlan sharing(
      int count, double share, long totalPackets, End end, int idleGaps) {
    if (!(share > 0 && share < 1)) {
      throw new IllegalArgumentException("--elephantShare must be in (0, 1), got " + share);
    }
    if (count < 1) {
      throw new IllegalArgumentException("--elephantShare needs --elephants >= 1");
    }
    return new ElephantPlan(count, (long) (share * totalPackets / count), end, idleGaps);
  }

  /** The fewest packets an elephant can have. */
  static long minPackets(End end, int idleGaps) {
    return ElephantConnection.HANDSHAKE_AND_REQUEST + 1 + idleGaps + end.packets;
  }

  /** All elephants' packets. */
  public long totalPackets() {
    return count * packetsEach;
  }
}
