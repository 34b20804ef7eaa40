package org.flowbeam.io.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;

/**
 * Names, frame by frame, the UDP conversations that FlowBeam's reader and tshark see differently by
 * design, from {@code UdpConversationAgreementTest/udp-frames-apart.csv}: the UDP frames tshark
 * sees inside a tunnel, and the IP fragments of UDP datagrams (see {@code
 * make-udp-frames-apart.sh}).
 *
 * <ul>
 *   <li>{@code tunnel}: tshark sees more than one IP (or UDP) header in the frame and counts it in
 *       the conversation of each UDP header, the outer and the inner; FlowBeam counts it once, in
 *       the flow of the packet it reads: the inner one where it decodes the tunnel (GTP-U, L2TP,
 *       ...; {@code src/docs/encapsulations.md}), the outer one where it does not (CAPWAP, a
 *       WireGuard tunnel that tshark decrypts).
 *   <li>{@code ip_fragment}: the frame is an IP fragment of a UDP datagram: FlowBeam puts the ports
 *       on the first fragment and the later fragments, with no UDP header, in a port-0 flow; tshark
 *       reassembles the datagram and counts it at its last fragment (that frame's length), or, when
 *       it cannot, counts the fragments in no UDP conversation.
 * </ul>
 *
 * <p>A conversation is named by the rule of a frame that either side counts in it: tshark's
 * conversations of a frame are found by the frame's UDP ports and addresses, FlowBeam's by its
 * packet at the frame's time and length.
 */
final class UdpFrameDifferences {
  static final String TUNNEL = "tunnel";
  static final String FRAGMENT = "ip_fragment";

  private UdpFrameDifferences() {}

  /** One frame of the fixture: its time, length, addresses, UDP ports and whether a fragment. */
  record Frame(
      long timestampMicros,
      int length,
      Set<String> addresses,
      List<int[]> ports,
      int ipHeaders,
      boolean fragment) {}

  /** The fixture's frames by capture. */
  static Map<String, List<Frame>> load() throws IOException {
    Map<String, List<Frame>> out = new LinkedHashMap<>();
    try (InputStream in =
        UdpFrameDifferences.class.getResourceAsStream(
            "/UdpConversationAgreementTest/udp-frames-apart.csv")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        Set<String> addresses = new TreeSet<>();
        int ipHeaders = 0;
        for (int i = 3; i <= 6; i++) {
          for (String a : occurrences(f[i])) {
            addresses.add(IpAddresses.format(IpAddresses.parse(a)));
          }
        }
        ipHeaders = occurrences(f[3]).size() + occurrences(f[5]).size();
        List<String> src = occurrences(f[7]);
        List<String> dst = occurrences(f[8]);
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < Math.min(src.size(), dst.size()); i++) {
          ports.add(new int[] {Integer.parseInt(src.get(i)), Integer.parseInt(dst.get(i))});
        }
        boolean fragment =
            occurrences(f[9]).contains("1")
                || occurrences(f[10]).stream().anyMatch(o -> !o.equals("0"))
                || !occurrences(f[11]).isEmpty();
        out.computeIfAbsent(f[0], k -> new ArrayList<>())
            .add(
                new Frame(
                    TsharkUdpConversations.micros(f[1]),
                    Integer.parseInt(f[2]),
                    addresses,
                    ports,
                    ipHeaders,
                    fragment));
      }
    }
    return out;
  }

  private static List<String> occurrences(String field) {
    return field.isEmpty() ? List.of() : List.of(field.split("\\|"));
  }

  /**
   * Conversation (as {@code pair}) to rule, for every conversation of either side that holds a
   * frame of {@code frames}.
   *
   * @param pairs tshark's conversations of the capture, as pairs
   */
  static Map<String, String> find(
      List<Packet> ours, List<Frame> frames, Set<String> pairs, PairNamer pair) {
    Map<String, List<Packet>> byFrame = new HashMap<>();
    for (Packet p : ours) {
      byFrame
          .computeIfAbsent(p.timestampMicros() + "/" + p.length(), k -> new ArrayList<>())
          .add(p);
    }
    Map<String, String> rules = new TreeMap<>();
    for (Frame f : frames) {
      String rule =
          f.fragment() ? FRAGMENT : f.ipHeaders() > 1 || f.ports().size() > 1 ? TUNNEL : null;
      if (rule == null) {
        continue;
      }
      for (int[] p : f.ports()) {
        for (String a : f.addresses()) {
          for (String b : f.addresses()) {
            String candidate = pair.of(a, p[0], b, p[1]);
            if (pairs.contains(candidate)) {
              rules.putIfAbsent(candidate, rule);
            }
          }
        }
      }
      for (Packet p : byFrame.getOrDefault(f.timestampMicros() + "/" + f.length(), List.of())) {
        if (p.protocol() == IpProtocol.UDP) {
          rules.putIfAbsent(pair.of(p.srcIpText(), p.srcPort(), p.dstIpText(), p.dstPort()), rule);
        }
      }
    }
    return rules;
  }

  /** How the comparison names an unordered endpoint pair. */
  interface PairNamer {
    String of(String ip1, int port1, String ip2, int port2);
  }
}
