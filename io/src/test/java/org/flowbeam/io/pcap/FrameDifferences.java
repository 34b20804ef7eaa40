package org.flowbeam.io.pcap;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.Tunnel;
import org.flowbeam.testing.TsharkAgreement;

/**
 * Finds, frame by frame, the TCP conversations that FlowBeam's reader and tshark see differently by
 * design, and names the rule for each (the rows of the differences list in {@code
 * src/docs/flow-rules.md}).
 *
 * <p>The capture's packets as the reader gives them (file order) are aligned with tshark's {@code
 * packets.csv} rows (one per IP packet, file order), and each frame is placed in a TCP conversation
 * by each side: FlowBeam's when its packet is TCP, tshark's when its row carries a TCP header
 * (protocol 6 with ports, or TCP flags or a sequence number under another protocol: tshark reports
 * the inner TCP header of a tunnel with the outer IP protocol). Where the two differ:
 *
 * <ul>
 *   <li>{@code tunnel_inner_header}: FlowBeam's packet is not TCP (a tunnel FlowBeam does not look
 *       into, such as WireGuard, which tshark decrypts) while tshark shows the TCP header inside
 *       it: FlowBeam reports such a tunnel by its outer header.
 *   <li>{@code ip_fragment}: either side has a TCP packet without ports (an IPv4 fragment):
 *       FlowBeam puts the ports on the first fragment and the later fragments, with no TCP header,
 *       in a port-0 flow; tshark reassembles the datagram and counts it at its last fragment.
 * </ul>
 *
 * <p>Any other per-frame difference names no rule, so the comparison still reports the conversation
 * as unexplained. Frames are aligned by time and length in file order, skipping tshark rows that
 * FlowBeam rejected; when some FlowBeam packet finds no row there is no evidence at all.
 */
final class FrameDifferences {
  static final String TUNNEL = "tunnel_inner_header";
  static final String FRAGMENT = "ip_fragment";

  private FrameDifferences() {}

  /** One row of tshark's {@code packets.csv}, read leniently (addresses may be empty). */
  record Row(
      long timestampMicros,
      String srcIp,
      String dstIp,
      int srcPort,
      int dstPort,
      int flags,
      long seq,
      int length,
      int protocol) {}

  /**
   * Reads a {@code packets.csv}. Unlike {@code SharedData.packets} it accepts tshark's 12-bit flags
   * and rows without an address (a malformed IP header tshark still counted).
   */
  static List<Row> readRows(Path packetsCsv) throws IOException {
    List<Row> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(packetsCsv)) {
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",", -1);
        out.add(
            new Row(
                Long.parseLong(f[0]),
                address(f[1]),
                address(f[2]),
                Integer.parseInt(f[3]),
                Integer.parseInt(f[4]),
                Integer.parseInt(f[5]),
                Long.parseLong(f[6]),
                Integer.parseInt(f[8]),
                Integer.parseInt(f[9])));
      }
    }
    return out;
  }

  private static String address(String text) {
    return text.isEmpty() ? "" : IpAddresses.format(IpAddresses.parse(text));
  }

  /**
   * The packets as tshark's references name them. The references hold the first occurrence of
   * {@code ip.src}/{@code ip.dst} (else of {@code ipv6.src}/{@code ipv6.dst}) with the innermost
   * TCP/UDP header, so a packet decoded from inside a tunnel is named there by the outermost IPv4
   * header: the tunnel's endpoints when they are IPv4, else the packet's own addresses when it is
   * IPv4 (4in6), else the IPv6 endpoints (6in6). This is exact for frames with at most two IP
   * versions in their header chain, as in every shared capture; ports, flags and lengths are
   * unchanged.
   */
  static List<Packet> asTsharkNamesThem(List<Packet> packets, List<Tunnel> tunnels) {
    List<Packet> out = new ArrayList<>(packets.size());
    for (int i = 0; i < packets.size(); i++) {
      Packet p = packets.get(i);
      Tunnel t = tunnels.get(i);
      if (t != null && (t.outerSrcIp().length == 4 || p.srcIp().length != 4)) {
        p = p.toBuilder().srcIp(t.outerSrcIp()).dstIp(t.outerDstIp()).build();
      }
      out.add(p);
    }
    return out;
  }

  /**
   * Conversation (as {@link TsharkAgreement#conversation}) to rule, for every conversation of
   * either side that holds a frame read differently by design.
   */
  static Map<String, String> find(List<Packet> ours, List<Row> tshark) {
    Map<String, String> rules = new TreeMap<>();
    // Align by time and length, in file order. tshark may have rows FlowBeam rejects (an IP
    // header tshark still counts as a malformed packet); those rows are skipped. Every FlowBeam
    // packet must find its row, else there is no evidence.
    List<Row> aligned = new ArrayList<>(ours.size());
    int j = 0;
    for (Packet f : ours) {
      while (j < tshark.size()
          && (tshark.get(j).timestampMicros() != f.timestampMicros()
              || tshark.get(j).length() != f.length())) {
        j++;
      }
      if (j == tshark.size()) {
        return rules;
      }
      aligned.add(tshark.get(j++));
    }
    for (int i = 0; i < ours.size(); i++) {
      Packet f = ours.get(i);
      Row t = aligned.get(i);
      String fConv = f.isTcp() ? conversation(f) : null;
      String tConv =
          tsharkSawTcp(t)
              ? TsharkAgreement.conversation(t.srcIp(), t.srcPort(), t.dstIp(), t.dstPort())
              : null;
      if (fConv == null ? tConv == null : fConv.equals(tConv)) {
        continue;
      }
      String rule = null;
      if (fConv == null && tConv != null && f.protocol() != IpProtocol.TCP) {
        rule = TUNNEL;
      } else if ((fConv != null && f.srcPort() == 0 && f.dstPort() == 0)
          || (f.isTcp() && t.srcPort() == 0 && t.dstPort() == 0)) {
        rule = FRAGMENT;
      }
      if (rule != null) {
        if (fConv != null) {
          rules.putIfAbsent(fConv, rule);
        }
        if (tConv != null) {
          rules.putIfAbsent(tConv, rule);
        }
      }
    }
    return rules;
  }

  /** Whether tshark's row carries a TCP header (its fields are 0 where tshark saw none). */
  private static boolean tsharkSawTcp(Row t) {
    if (t.protocol() == IpProtocol.TCP) {
      return t.srcPort() != 0 || t.dstPort() != 0;
    }
    return t.flags() != 0 || t.seq() != 0;
  }

  private static String conversation(Packet p) {
    return TsharkAgreement.conversation(
        IpAddresses.format(p.srcIp()), p.srcPort(), IpAddresses.format(p.dstIp()), p.dstPort());
  }
}
