package org.flowbeam.io.timearcs;

import org.flowbeam.model.FlowState;

/**
 * The words the TimeArcs layout uses for how a flow ended: those of the TimeArcs loader, which the
 * browser viewer counts, colours and filters by. FlowBeam's own outputs keep FlowBeam's words
 * ({@code close_reason} {@code fin}, {@code rst}, {@code idle_timeout}, ...); only the layout
 * speaks these.
 *
 * <table>
 *   <caption>A flow's state and close type in the layout</caption>
 *   <tr><th>FlowBeam state</th><th>{@code state}</th><th>{@code closeType}</th>
 *       <th>the viewer shows it as</th></tr>
 *   <tr><td>{@link FlowState#CLOSED} (handshake, then FIN both ways)</td><td>{@code closed}</td>
 *       <td>{@code graceful}</td><td>a graceful close</td></tr>
 *   <tr><td>{@link FlowState#ABORTED} (handshake, then RST)</td><td>{@code aborted}</td>
 *       <td>{@code abortive}</td><td>an abortive (RST) close</td></tr>
 *   <tr><td>{@link FlowState#INVALID} (no complete handshake)</td><td>{@code invalid}</td>
 *       <td>{@code invalid}</td><td>invalid, by its {@code invalidReason}</td></tr>
 *   <tr><td>{@link FlowState#ONGOING} (handshake, open at a timeout or the end)</td>
 *       <td>{@code ongoing}</td><td>{@code open}</td><td>an open flow</td></tr>
 * </table>
 *
 * <p>The close type follows the state, as in the loader: a flow that never completed its handshake
 * is {@code invalid} however it ended (an RST during the handshake, a FIN of a flow seen from the
 * middle), and an established flow that a timeout split, or that the data ended, is {@code open}.
 *
 * <pre>{@code
 * ViewerVocabulary.closeType(flow.state()); // "graceful" for a flow closed by FIN
 * }</pre>
 */
public final class ViewerVocabulary {
  public static final String GRACEFUL = "graceful";
  public static final String ABORTIVE = "abortive";
  public static final String INVALID = "invalid";
  public static final String OPEN = "open";

  private ViewerVocabulary() {}

  /** The layout's {@code closeType} of a flow in {@code state}. */
  public static String closeType(FlowState state) {
    switch (state) {
      case CLOSED:
        return GRACEFUL;
      case ABORTED:
        return ABORTIVE;
      case INVALID:
        return INVALID;
      case ONGOING:
        return OPEN;
      default:
        throw new IllegalArgumentException("no close type for " + state);
    }
  }

  /**
   * The layout's {@code state}: FlowBeam's final states are named as the loader names its own
   * ({@code closed}, {@code aborted}, {@code invalid}, {@code ongoing}).
   */
  public static String state(FlowState state) {
    return state.label();
  }
}
