package org.flowbeam.pipelines.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.flowbeam.io.sink.RecordFormats;

/**
 * A flow of a flows CSV as {@link FlowDiff} matches and compares it: the conversation and start it
 * is matched by, and its values of the {@link #COMPARED} columns. The column names are those of
 * {@link RecordFormats#FLOWS}, the one definition of the flows rows; the tunnel columns are its
 * {@link RecordFormats#FLOW_TUNNEL_COLUMNS}.
 *
 * @param initiatorIp the initiator's address
 * @param protocol IP protocol number
 * @param startUs first packet, microseconds since the epoch
 * @param values the flow's values of {@link #COMPARED}, in that order, as the CSV holds them
 */
public record FlowRow(
    String initiatorIp,
    int initiatorPort,
    String responderIp,
    int responderPort,
    int protocol,
    long startUs,
    List<String> values) {

  /** The columns a flow is matched by: its conversation and its start. */
  public static final List<String> MATCHED =
      List.of(
          "initiator_ip",
          "initiator_port",
          "responder_ip",
          "responder_port",
          "protocol",
          "start_us");

  /**
   * The columns two matched flows are compared by: the flow's size, how it ended and the tunnel it
   * came through. Not its times or ids: two captures of the same traffic are taken at other times.
   */
  public static final List<String> COMPARED = compared();

  /** Compared columns holding a count, checked to be a number when read. */
  private static final List<String> NUMBERS = List.of("packets", "bytes", "tunnel_other_packets");

  /**
   * Compared columns on the initiator's side and their counterparts on the responder's: when the
   * two sides took opposite endpoints as the initiator (a capture begun mid-connection), each is
   * compared with the other side's counterpart.
   */
  private static final Map<String, String> COUNTERPART =
      Map.of("tunnel_src_ip", "tunnel_dst_ip", "tunnel_dst_ip", "tunnel_src_ip");

  public FlowRow {
    values = List.copyOf(values);
    if (values.size() != COMPARED.size()) {
      throw new IllegalArgumentException(
          values.size() + " values for the " + COMPARED.size() + " compared columns");
    }
  }

  private static List<String> compared() {
    List<String> c = new ArrayList<>(List.of("packets", "bytes", "state", "close_reason"));
    c.addAll(RecordFormats.FLOW_TUNNEL_COLUMNS);
    return List.copyOf(c);
  }

  /**
   * The flow of a CSV row whose value of a column is {@code column.apply(name)}.
   *
   * @throws NumberFormatException if a port, the protocol, the start or a count is not a number
   */
  static FlowRow of(UnaryOperator<String> column) {
    List<String> values = new ArrayList<>(COMPARED.size());
    for (String c : COMPARED) {
      String v = column.apply(c);
      if (NUMBERS.contains(c)) {
        Long.parseLong(v);
      }
      values.add(v);
    }
    return new FlowRow(
        column.apply("initiator_ip"),
        Integer.parseInt(column.apply("initiator_port")),
        column.apply("responder_ip"),
        Integer.parseInt(column.apply("responder_port")),
        Integer.parseInt(column.apply("protocol")),
        Long.parseLong(column.apply("start_us")),
        values);
  }

  /** This flow's value of the compared column {@code name}. */
  public String value(String name) {
    int i = COMPARED.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(name + " is not a compared column");
    }
    return values.get(i);
  }

  /** The two endpoints, in a fixed order whichever initiated, and the protocol. */
  String conversation() {
    String x = initiatorIp + " " + initiatorPort;
    String y = responderIp + " " + responderPort;
    return protocol + " " + (x.compareTo(y) <= 0 ? x + " " + y : y + " " + x);
  }

  /** The compared columns whose values differ between this flow and {@code o}, in order. */
  List<String> differingColumns(FlowRow o) {
    boolean reversed = !(initiatorIp.equals(o.initiatorIp) && initiatorPort == o.initiatorPort);
    List<String> differing = new ArrayList<>();
    for (String c : COMPARED) {
      String counterpart = reversed ? COUNTERPART.getOrDefault(c, c) : c;
      if (!value(c).equals(o.value(counterpart))) {
        differing.add(c);
      }
    }
    return differing;
  }

  /** True if {@code o} has the same values of every compared column. */
  boolean sameAs(FlowRow o) {
    return differingColumns(o).isEmpty();
  }
}
