package org.flowbeam.pipelines;

import java.util.function.Function;
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
    if (o.getFilterProtocols() != null) {
      f =
          f.withProtocols(
              parsed("--filterProtocols", o.getFilterProtocols(), FilterArguments::parseProtocols));
    }
    if (o.getFilterAddresses() != null) {
      f =
          f.withAddresses(
              parsed("--filterAddresses", o.getFilterAddresses(), FilterArguments::parseAddresses));
    }
    if (o.getFilterPorts() != null) {
      f = f.withPorts(parsed("--filterPorts", o.getFilterPorts(), PortRanges::parse));
    }
    try {
      f = f.withDedupWindow(o.getDedupWindow());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--dedupWindow: " + e.getMessage() + " (0 keeps duplicates)");
    }
    return f;
  }

  /** {@code parser} applied to the value of {@code option}; its refusal names the option. */
  private static <T> T parsed(String option, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
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
