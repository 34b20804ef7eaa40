package org.flowbeam.pipelines.report;

import java.util.List;
import java.util.Map;

/**
 * What {@code report.html} shows of an output directory, aggregated so that its size does not
 * depend on the run's: the manifest's description, counts and reconciliation; the time bins (at
 * most a few thousand points); the flag mix; the top talkers and pairs; distributions of the flows
 * in powers-of-two bins, their close reasons, states and protocols; the rejected records by kind
 * with a few examples each. Built by {@link ReportReader}, written by {@link ReportHtml}.
 *
 * @param title the output directory's name
 * @param manifest the run's manifest, its list of input files cut to {@link
 *     ReportReader#MAX_INPUT_FILES} (the full count in {@code input_files_total})
 * @param timeBins the time bins, or null if the run wrote none
 * @param flagMix TCP packets per flag type, most first
 * @param talkers the addresses that sent and received most bytes
 * @param pairs the pairs of addresses whose flows carried most bytes
 * @param flows the flows' distributions and breakdowns
 * @param rejected the rejected records by kind
 * @param notes what the report could not show and why (one line each)
 * @param comparison this output's flows compared with another's ({@code flowbeam diff --report}),
 *     or null
 */
public record ReportData(
    String title,
    Map<String, Object> manifest,
    Series timeBins,
    List<FlagCount> flagMix,
    Talkers talkers,
    Pairs pairs,
    Flows flows,
    RejectedGroups.Summary rejected,
    List<String> notes,
    Comparison comparison) {

  /** This report with {@code comparison}. */
  public ReportData withComparison(Comparison comparison) {
    return new ReportData(
        title, manifest, timeBins, flagMix, talkers, pairs, flows, rejected, notes, comparison);
  }

  /**
   * The flows of this output (B) compared with those of another (A), flow by flow: how many are the
   * same, changed, only in A or only in B, and the first differences.
   *
   * @param a what A is (a path)
   * @param differences the first differences, at most {@link #MAX_DIFFERENCES}
   */
  public record Comparison(
      String a,
      long flowsA,
      long flowsB,
      long same,
      long changed,
      long onlyInA,
      long onlyInB,
      List<Difference> differences) {
    /** The most differences the page lists; the diff's CSV has them all. */
    public static final int MAX_DIFFERENCES = 100;
  }

  /** One flow only in A or B, or changed: its conversation and each side's values ({@code -}). */
  public record Difference(
      String change,
      String conversation,
      String packets,
      String bytes,
      String state,
      String closeReason,
      String tunnel) {}

  /** The time bins added up into points {@code pointUs} wide from {@code startUs}. */
  public record Series(
      long startUs,
      long pointUs,
      int binsPerPoint,
      long[] packets,
      long[] bytes,
      long[] flowsStarted,
      Map<String, long[]> flags) {}

  /** One row of {@code flag_stats}. */
  public record FlagCount(String flagType, long count) {}

  /** One row of {@code ip_stats}. */
  public record Talker(
      String ip, long sentPackets, long recvPackets, long sentBytes, long recvBytes) {
    /** Bytes sent and received. */
    public long totalBytes() {
      return sentBytes + recvBytes;
    }
  }

  /** The top talkers of {@code addresses} addresses. */
  public record Talkers(long addresses, List<Talker> top) {}

  /** The top pairs; {@code approximate} if the pair table was pruned ({@link PairTotals}). */
  public record Pairs(boolean approximate, List<PairTotals.Pair> top) {}

  /** Flows, packets and bytes of one IP protocol's flows. */
  public record ProtocolTotals(int protocol, String name, long flows, long packets, long bytes) {}

  /** The flows: totals, distributions and breakdowns (label → flows). */
  public record Flows(
      long count,
      long packets,
      long bytes,
      List<Log2Histogram.Bin> durationUs,
      List<Log2Histogram.Bin> packetsPerFlow,
      List<Log2Histogram.Bin> bytesPerFlow,
      Map<String, Long> closeReasons,
      Map<String, Long> states,
      List<ProtocolTotals> protocols) {}
}
