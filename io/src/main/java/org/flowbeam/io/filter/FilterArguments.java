package org.flowbeam.io.filter;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flowbeam.model.IpProtocol;

/**
 * The text forms of a {@link PacketFilter}'s criteria as a user writes them on the command line:
 * times ({@code --from}, {@code --to}), IP protocols, address blocks and ports. Every parse error
 * is an {@link IllegalArgumentException} whose message names the value and what is expected.
 */
public final class FilterArguments {
  private FilterArguments() {}

  /** IP protocol names accepted beside numbers; {@code icmp} means ICMP and ICMPv6. */
  private static final Map<String, List<Integer>> PROTOCOL_NAMES =
      Map.of(
          "tcp", List.of(IpProtocol.TCP),
          "udp", List.of(IpProtocol.UDP),
          "icmp", List.of(IpProtocol.ICMP, IpProtocol.ICMPV6),
          "icmpv6", List.of(IpProtocol.ICMPV6),
          "gre", List.of(47),
          "esp", List.of(50),
          "ah", List.of(51),
          "sctp", List.of(132));

  /**
   * Parses a time: ISO-8601 with a zone or offset ({@code 2024-05-01T12:00:00Z}, {@code
   * 2024-05-01T14:00:00.25+02:00}), a date and time without one (UTC), a date (its midnight, UTC),
   * or seconds since the epoch with up to six decimals ({@code 1714564800.25}).
   *
   * @return microseconds since the epoch
   */
  public static long parseTimeMicros(String text) {
    String s = text.strip();
    if (s.matches("-?[0-9]{1,12}(\\.[0-9]{1,6})?")) {
      return new BigDecimal(s).movePointRight(6).longValueExact();
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException offsetMissing) {
      try {
        instant = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notDateTime) {
        try {
          instant = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notDate) {
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' is not a time: give ISO-8601 (2024-05-01T12:00:00Z, 2024-05-01) or"
                  + " seconds since the epoch (1714564800.25)");
        }
      }
    }
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  /**
   * Parses comma-separated IP protocols: names ({@code tcp}, {@code udp}, {@code icmp} for ICMP and
   * ICMPv6, {@code icmpv6}, {@code gre}, {@code esp}, {@code ah}, {@code sctp}) or numbers 0 to
   * 255.
   */
  public static List<Integer> parseProtocols(String text) {
    List<Integer> numbers = new ArrayList<>();
    for (String raw : text.split(",", -1)) {
      String item = raw.strip().toLowerCase(Locale.ROOT);
      List<Integer> named = PROTOCOL_NAMES.get(item);
      if (named != null) {
        numbers.addAll(named);
      } else if (item.matches("[0-9]{1,3}") && Integer.parseInt(item) <= 255) {
        numbers.add(Integer.parseInt(item));
      } else {
        throw new IllegalArgumentException(
            "'"
                + raw
                + "' is not an IP protocol: give tcp, udp, icmp, icmpv6, gre, esp, ah, sctp"
                + " or a number from 0 to 255");
      }
    }
    return numbers;
  }

  /** Parses comma-separated addresses and CIDR blocks. */
  public static List<AddressBlock> parseAddresses(String text) {
    List<AddressBlock> blocks = new ArrayList<>();
    for (String raw : text.split(",", -1)) {
      blocks.add(AddressBlock.parse(raw));
    }
    return blocks;
  }
}
