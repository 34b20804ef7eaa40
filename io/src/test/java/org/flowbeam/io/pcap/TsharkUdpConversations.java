package org.flowbeam.io.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowbeam.model.IpAddresses;

/**
 * tshark's UDP conversation tables ({@code tshark -q -z conv,udp}) of the shared captures, as
 * {@code UdpConversationAgreementTest/conv-udp.txt} holds them (see {@code make-conv-udp.sh}
 * there).
 *
 * <p>tshark prints a byte count of 10,000 or more in kB (and of 10,000,000 or more in MB), rounded
 * down ({@code 17 kB} is 17,000 to 17,999 bytes); {@link Bytes} keeps that range. A conversation's
 * {@code a} endpoint is the source of its first frame; its duration is printed to 0.1 ms.
 */
final class TsharkUdpConversations {
  private TsharkUdpConversations() {}

  /** A byte count as tshark printed it: between {@code min} and {@code max}. */
  record Bytes(long min, long max) {
    boolean holds(long bytes) {
      return bytes >= min && bytes <= max;
    }

    static Bytes of(String number, String unit) {
      long n = Long.parseLong(number);
      switch (unit) {
        case "bytes":
          return new Bytes(n, n);
        case "kB":
          return new Bytes(n * 1_000, n * 1_000 + 999);
        case "MB":
          return new Bytes(n * 1_000_000, n * 1_000_000 + 999_999);
        default:
          throw new IllegalArgumentException("unit " + unit);
      }
    }

    @Override
    public String toString() {
      return min == max ? Long.toString(min) : min + ".." + max;
    }
  }

  /**
   * One row of tshark's table: frames and bytes from {@code a} to {@code b} and back, and the
   * duration in seconds (to 0.1 ms).
   */
  record Conversation(
      String aIp,
      int aPort,
      String bIp,
      int bPort,
      long framesAtoB,
      Bytes bytesAtoB,
      long framesBtoA,
      Bytes bytesBtoA,
      double durationS) {}

  private static final Pattern ROW =
      Pattern.compile(
          "^(\\S+):(\\d+)\\s+<->\\s+(\\S+):(\\d+)\\s+(\\d+) (\\d+) (bytes|kB|MB)\\s+(\\d+) (\\d+)"
              + " (bytes|kB|MB)\\s+\\d+ \\d+ (?:bytes|kB|MB)\\s+[\\d.]+\\s+([\\d.]+)\\s*$");

  /** Every capture's conversations, by capture name ({@code folder/name}), in file order. */
  static Map<String, List<Conversation>> load() throws IOException {
    Map<String, List<Conversation>> out = new LinkedHashMap<>();
    try (InputStream in =
        TsharkUdpConversations.class.getResourceAsStream(
            "/UdpConversationAgreementTest/conv-udp.txt")) {
      List<Conversation> current = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        if (line.startsWith("## ")) {
          current = new ArrayList<>();
          out.put(line.substring(3).trim(), current);
          continue;
        }
        if (!line.contains("<->")) {
          continue;
        }
        Matcher m = ROW.matcher(line);
        if (!m.matches()) {
          throw new IllegalStateException("not a tshark conversation row: " + line);
        }
        // tshark's columns: "<-" (frames, bytes from b to a), then "->" (from a to b).
        current.add(
            new Conversation(
                canonical(m.group(1)),
                Integer.parseInt(m.group(2)),
                canonical(m.group(3)),
                Integer.parseInt(m.group(4)),
                Long.parseLong(m.group(8)),
                Bytes.of(m.group(9), m.group(10)),
                Long.parseLong(m.group(5)),
                Bytes.of(m.group(6), m.group(7)),
                Double.parseDouble(m.group(11))));
      }
    }
    return out;
  }

  /** tshark's {@code frame.time_epoch} (decimal seconds) in µs, rounded down as the reader does. */
  static long micros(String epochSeconds) {
    return new java.math.BigDecimal(epochSeconds)
        .movePointRight(6)
        .setScale(0, java.math.RoundingMode.FLOOR)
        .longValueExact();
  }

  private static String canonical(String address) {
    return IpAddresses.format(IpAddresses.parse(address));
  }
}
