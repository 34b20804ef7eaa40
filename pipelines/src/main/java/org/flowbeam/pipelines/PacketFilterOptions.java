package org.flowbeam.pipelines;

import org.flowbeam.io.filter.FilterArguments;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.io.filter.PortRanges;

/**
 * The {@link PacketFilter} of the options {@code --from}, {@code --to}, {@code --filterAddresses},
 * {@code --filterPorts} and {@code --filterProtocols}; a bad value is a {@link UsageException}
 * naming the option and the value.
 */
final class PacketFilterOptions {
  private PacketFilterOptions() {}

  /** The filter the options give; {@link PacketFilter#all()} if none is set. */
  static PacketFilter filter(FlowBeamOptions o) {
    long from = o.getFrom() == null ? Long.MIN_VALUE : time("--from", o.getFrom());
    long to = o.getTo() == null ? Long.MAX_VALUE : time("--to", o.getTo());
    PacketFilter f = PacketFilter.all();
    if (from != Long.MIN_VALUE || to != Long.MAX_VALUE) {
      if (from >= to) {
        throw new UsageException(
            "--from (" + o.getFrom() + ") must be before --to (" + o.getTo() + ")");
      }
      f = f.withTimeRange(from, to);
    }
    try {
      if (o.getFilterProtocols() != null) {
        f = f.withProtocols(FilterArguments.parseProtocols(o.getFilterProtocols()));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--filterProtocols: " + e.getMessage());
    }
    try {
      if (o.getFilterAddresses() != null) {
        f = f.withAddresses(FilterArguments.parseAddresses(o.getFilterAddresses()));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--filterAddresses: " + e.getMessage());
    }
    try {
      if (o.getFilterPorts() != null) {
        f = f.withPorts(PortRanges.parse(o.getFilterPorts()));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--filterPorts: " + e.getMessage());
    }
    try {
      f = f.withDedupWindow(o.getDedupWindow());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--dedupWindow: " + e.getMessage() + " (0 keeps duplicates)");
    }
    return f;
  }

  private static long time(String option, String value) {
    try {
      return FilterArguments.parseTimeMicros(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    } catch (ArithmeticException e) {
      throw new UsageException(option + ": '" + value + "' is out of the range of capture times");
    }
  }
}
