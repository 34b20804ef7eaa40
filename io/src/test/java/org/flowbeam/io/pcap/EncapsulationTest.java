package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.model.IcmpMessages;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every encapsulation {@link FrameDecoder} looks through, on frames built with scapy ({@code
 * src/test/resources/EncapsulationTest/make_captures.py}: one capture per kind, with nested, cut
 * and not-decodable variants), against what tshark 4.0 sees in each frame ({@code NAME.tshark.csv},
 * written by the same script with the command it records; tshark is not needed to run this test).
 *
 * <p>tshark's fields hold every occurrence of each field, outermost first, and {@code
 * frame.protocols} the chain of layers. From them the test takes, per frame, the innermost IP
 * header tshark decoded whole (both addresses): FlowBeam's packet must carry its addresses, its
 * protocol, the ports and TCP flags of the TCP/UDP header right after it, and, when it is not the
 * outermost IP header, {@link CaptureReader#tunnel()} must name the outermost tunnel (by the layer
 * after the outermost IP header) and the outermost header's addresses. A frame with no whole IP
 * header is a non-IP frame. With decapsulation off, FlowBeam's packet is the outermost IP header
 * instead, and no frame has a tunnel.
 */
class EncapsulationTest {
  /**
   * Frames FlowBeam reads differently from tshark by design, with the reason its error record
   * gives.
   */
  private static final Map<String, String> REFUSED =
      Map.of("ipip.pcap#6", "more than 8 nested tunnels: refused");

  static Path resources() {
    try {
      return Paths.get(EncapsulationTest.class.getResource("/EncapsulationTest").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<String> captures() throws IOException {
    try (Stream<Path> s = Files.list(resources())) {
      return s
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".pcap"))
          .sorted()
          .toList()
          .stream();
    }
  }

  /** What one frame reads as: a packet (with its tunnel), a non-IP frame or an error. */
  private record Frame(Packet packet, Tunnel tunnel, String nonIpType, String error) {}

  private static List<Frame> read(Path file, boolean decapsulate) throws IOException {
    List<Frame> out = new ArrayList<>();
    try (CaptureReader r =
        CaptureReader.open(
            file.toString(),
            FileChannel.open(file, StandardOpenOption.READ),
            0,
            CaptureInput.DEFAULT_BUFFER,
            null,
            decapsulate)) {
      while (r.advance()) {
        switch (r.kind()) {
          case PACKET:
            out.add(new Frame(r.packet(), r.tunnel(), null, null));
            break;
          case NON_IP:
            out.add(new Frame(null, null, r.nonIpType(), null));
            break;
          default:
            out.add(new Frame(null, null, null, r.error().reason()));
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void innermostPacketIsTsharks(String name) throws IOException {
    List<Frame> frames = read(resources().resolve(name), true);
    List<TsharkFrame> expected = TsharkFrame.read(resources().resolve(csvOf(name)));
    assertThat(name, differences(name, frames, expected), empty());
  }

  /** The shared captures that hold encapsulations (see {@code shared/make_fixtures.sh}). */
  static Stream<String> sharedCaptures() {
    return Stream.of(
        "dpkt/nb6-http.pcap",
        "ndpi/4in6tunnel.pcap",
        "ndpi/6in6tunnel.pcap",
        "ndpi/ipv6_in_gtp.pcap",
        "ndpi/gtp_false_positive.pcapng",
        "ndpi/BGP_redist.pcap",
        "wireshark/ipoipoip.pcap");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sharedCaptures")
  void innermostPacketIsTsharksOnSharedCaptures(String name) throws IOException {
    List<Frame> frames = read(SharedCaptures.capture(name), true);
    List<TsharkFrame> expected =
        TsharkFrame.read(resources().resolve("shared").resolve(name + ".tshark.csv"));
    assertThat(name, differences(name, frames, expected), empty());
  }

  private static List<String> differences(
      String name, List<Frame> frames, List<TsharkFrame> expected) {
    List<String> differences = new ArrayList<>();
    if (frames.size() != expected.size()) {
      differences.add(frames.size() + " frames, tshark " + expected.size());
      return differences;
    }
    for (int i = 0; i < frames.size(); i++) {
      String where = name + "#" + (i + 1);
      Frame f = frames.get(i);
      TsharkFrame t = expected.get(i);
      if (REFUSED.containsKey(where)) {
        if (f.error() == null || !f.error().contains(REFUSED.get(where))) {
          differences.add(where + ": expected refusal, got " + describe(f));
        }
        continue;
      }
      int inner = t.innermostWholeLayer();
      String got = describe(f);
      String want = inner < 0 ? "non-IP" : t.describe(inner);
      String tunnel = inner > 0 ? t.describeTunnel() : "no tunnel";
      String gotTunnel = f.tunnel() == null ? "no tunnel" : f.tunnel().toString();
      if (!got.equals(want) || (f.packet() != null && !gotTunnel.equals(tunnel))) {
        differences.add(
            where
                + ": tshark "
                + want
                + " ("
                + tunnel
                + "), FlowBeam "
                + got
                + " ("
                + gotTunnel
                + ")");
      }
    }
    return differences;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void withoutDecapsulationThePacketIsTheOuterOne(String name) throws IOException {
    List<Frame> frames = read(resources().resolve(name), false);
    List<TsharkFrame> expected = TsharkFrame.read(resources().resolve(csvOf(name)));
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      TsharkFrame t = expected.get(i);
      String want = t.layers.isEmpty() || !t.isWhole(0) ? "non-IP" : t.describe(0);
      if (!describe(f).equals(want) || f.tunnel() != null) {
        differences.add(name + "#" + (i + 1) + ": tshark " + want + ", FlowBeam " + describe(f));
      }
    }
    assertThat(name, differences, empty());
  }

  @Test
  void nonIpFramesAreNamed() throws IOException {
    List<Frame> wifi = read(resources().resolve("ieee802_11.pcap"), true);
    assertThat(wifi.get(3).nonIpType(), equalTo("IEEE802_11_MANAGEMENT"));
    assertThat(wifi.get(4).nonIpType(), equalTo("IEEE802_11_PROTECTED"));
    assertThat(wifi.get(5).nonIpType(), equalTo("IEEE802_11_NO_DATA"));
    assertThat(wifi.get(6).nonIpType(), equalTo("ARP"));
    List<Frame> nflog = read(resources().resolve("nflog.pcap"), true);
    assertThat(nflog.get(2).nonIpType(), equalTo("NFLOG"));
  }

  @Test
  void aTunnelThatCannotBeDecodedLeavesTheOuterPacket() throws IOException {
    // GTP-U echo request (no packet inside), inner IPv4 header cut: the outer UDP packets.
    List<Frame> gtp = read(resources().resolve("gtp.pcap"), true);
    for (int i : new int[] {5, 6}) {
      Packet p = gtp.get(i).packet();
      assertThat(IpAddresses.format(p.srcIp()), equalTo("192.0.2.1"));
      assertThat(p.protocol(), equalTo(IpProtocol.UDP));
      assertThat(p.dstPort(), equalTo(2152));
      assertThat(gtp.get(i).tunnel(), nullValue());
    }
    // Ten nested IP-in-IP tunnels: one error record naming the bound.
    assertThat(
        read(resources().resolve("ipip.pcap"), true).get(5).error(),
        containsString("nested tunnels"));
  }

  private static String csvOf(String pcap) {
    return pcap.substring(0, pcap.length() - ".pcap".length()) + ".tshark.csv";
  }

  private static String describe(Frame f) {
    if (f.error() != null) {
      return "error " + f.error();
    }
    if (f.packet() == null) {
      return "non-IP";
    }
    Packet p = f.packet();
    // The fixtures hold TCP and UDP ports only: an ICMP packet's ports (its type and its
    // counterpart type or code) are checked against tshark by IcmpDecodeTest.
    boolean icmp = IcmpMessages.isIcmp(p.protocol());
    return describe(
        IpAddresses.format(p.srcIp()),
        IpAddresses.format(p.dstIp()),
        p.protocol(),
        icmp ? 0 : p.srcPort(),
        icmp ? 0 : p.dstPort(),
        p.flags());
  }

  static String describe(String src, String dst, int protocol, int sport, int dport, int flags) {
    return src + ":" + sport + " > " + dst + ":" + dport + " proto " + protocol + " flags " + flags;
  }

  /** One row of a {@code NAME.tshark.csv}: every occurrence of each field, outermost first. */
  static final class TsharkFrame {
    /** The frame's IP layers in order: "ip" or "ipv6". */
    final List<String> layers = new ArrayList<>();

    /** Per IP layer, the index of its occurrence among the layers of its version. */
    final List<Integer> occurrence = new ArrayList<>();

    /** Per IP layer, what its chain says comes next (tcp, udp, gre, ip...), or "". */
    final List<String> next = new ArrayList<>();

    /** Per IP layer, that next layer's occurrence among its kind (for tcp and udp fields). */
    final List<Integer> nextOccurrence = new ArrayList<>();

    final Map<String, String[]> fields = new java.util.HashMap<>();

    static List<TsharkFrame> read(Path csv) throws IOException {
      List<String> lines = Files.readAllLines(csv);
      String[] header = lines.get(0).split(",", -1);
      List<TsharkFrame> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] values = line.split(",", -1);
        TsharkFrame f = new TsharkFrame();
        for (int i = 0; i < header.length; i++) {
          f.fields.put(header[i], values[i].isEmpty() ? new String[0] : values[i].split(";"));
        }
        f.layersOf(f.fields.get("frame.protocols")[0].split(":"));
        out.add(f);
      }
      return out;
    }

    private void layersOf(String[] chain) {
      Map<String, Integer> seen = new java.util.HashMap<>();
      for (int i = 0; i < chain.length; i++) {
        String c = chain[i];
        if (c.equals("icmp") || c.equals("icmpv6")) {
          break; // what follows is a quoted packet
        }
        int n = seen.merge(c, 1, Integer::sum) - 1;
        if (c.equals("ip") || c.equals("ipv6")) {
          layers.add(c);
          occurrence.add(n);
          String after = i + 1 < chain.length ? chain[i + 1] : "";
          next.add(after);
          nextOccurrence.add(seen.getOrDefault(after, 0));
        }
      }
    }

    private String field(String name, int occurrence) {
      String[] v = fields.get(name);
      return occurrence < v.length ? v[occurrence] : null;
    }

    boolean isWhole(int layer) {
      String v = layers.get(layer);
      int k = occurrence.get(layer);
      return field(v + ".src", k) != null && field(v + ".dst", k) != null;
    }

    /** The innermost IP layer whose addresses tshark decoded, or -1. */
    int innermostWholeLayer() {
      for (int i = layers.size() - 1; i >= 0; i--) {
        if (isWhole(i)) {
          return i;
        }
      }
      return -1;
    }

    String describe(int layer) {
      String v = layers.get(layer);
      int k = occurrence.get(layer);
      int protocol = Integer.parseInt(field(v.equals("ip") ? "ip.proto" : "ipv6.nxt", k));
      String transport = next.get(layer);
      int sport = 0;
      int dport = 0;
      int flags = 0;
      if (protocol == IpProtocol.TCP && transport.equals("tcp")) {
        int j = nextOccurrence.get(layer);
        sport = number(field("tcp.srcport", j));
        dport = number(field("tcp.dstport", j));
        String f = field("tcp.flags", j);
        flags = f == null ? 0 : Integer.decode(f);
      } else if (protocol == IpProtocol.UDP && transport.equals("udp")) {
        int j = nextOccurrence.get(layer);
        sport = number(field("udp.srcport", j));
        dport = number(field("udp.dstport", j));
      }
      return EncapsulationTest.describe(
          IpAddresses.format(IpAddresses.parse(field(v + ".src", k))),
          IpAddresses.format(IpAddresses.parse(field(v + ".dst", k))),
          protocol,
          sport,
          dport,
          flags);
    }

    private static int number(String s) {
      return s == null ? 0 : Integer.parseInt(s);
    }

    /** The outermost tunnel as {@link Tunnel#toString()} writes it. */
    String describeTunnel() {
      String[] chain = fields.get("frame.protocols")[0].split(":");
      int first = java.util.Arrays.asList(chain).indexOf(layers.get(0));
      String type;
      String a = chain[first + 1];
      String b = first + 2 < chain.length ? chain[first + 2] : "";
      String c = first + 3 < chain.length ? chain[first + 3] : "";
      if (a.equals("ip") || a.equals("ipv6")) {
        type = "ip_in_ip";
      } else if (a.equals("gre")) {
        type = b.equals("erspan") ? "erspan" : b.equals("ppp") ? "pptp" : "gre";
      } else if (a.equals("udp")) {
        type = b.equals("gtp") ? "gtp_u" : b.equals("gre") && c.equals("erspan") ? "erspan" : b;
      } else {
        type = a;
      }
      String v = layers.get(0);
      return type
          + " "
          + IpAddresses.format(IpAddresses.parse(field(v + ".src", 0)))
          + " > "
          + IpAddresses.format(IpAddresses.parse(field(v + ".dst", 0)));
    }
  }
}
