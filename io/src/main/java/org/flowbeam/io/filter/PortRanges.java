package org.flowbeam.io.filter;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A set of TCP/UDP ports given as a list of ports and inclusive ranges: {@code 53,80,8000-8099}.
 *
 * <pre>{@code
 * PortRanges.parse("80,443,8000-8099").contains(8080); // true
 * }</pre>
 */
public final class PortRanges implements Serializable {
  private static final long serialVersionUID = 1L;

  private final BitSet ports;
  private final String text;

  private PortRanges(BitSet ports, String text) {
    this.ports = ports;
    this.text = text;
  }

  /**
   * Parses comma-separated ports ({@code 0} to {@code 65535}) and ranges {@code LOW-HIGH}.
   *
   * @throws IllegalArgumentException naming the item that is not a port or range
   */
  public static PortRanges parse(String text) {
    BitSet set = new BitSet(65536);
    List<String> items = new ArrayList<>();
    for (String raw : text.split(",", -1)) {
      String item = raw.strip();
      if (!item.matches("[0-9]{1,5}(-[0-9]{1,5})?")) {
        throw new IllegalArgumentException(
            "'" + raw + "' is not a port (0 to 65535) or a range of ports LOW-HIGH");
      }
      int dash = item.indexOf('-');
      int low = Integer.parseInt(dash < 0 ? item : item.substring(0, dash));
      int high = dash < 0 ? low : Integer.parseInt(item.substring(dash + 1));
      if (high > 65535 || low > high) {
        throw new IllegalArgumentException(
            "'" + raw + "' is not a port (0 to 65535) or a range of ports LOW-HIGH");
      }
      set.set(low, high + 1);
      items.add(item);
    }
    return new PortRanges(set, String.join(",", items));
  }

  /** True if {@code port} is in the set. */
  public boolean contains(int port) {
    return port >= 0 && port <= 65535 && ports.get(port);
  }

  @Override
  public String toString() {
    return text;
  }
}
