package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.flowbeam.testing.SharedData;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flows' tunnel columns ({@code tunnel_type, tunnel_src_ip, tunnel_dst_ip,
 * tunnel_other_packets}) through the whole job, against tshark: on the captures of encapsulations
 * that {@code EncapsulationTest} decodes frame by frame (built with python3-scapy, and the shared
 * captures that hold a tunnel), each flow's tunnel is what tshark's fixture of that capture says of
 * the flow's first frame — the type named by the protocol after the outermost IP header (and UDP),
 * the outermost IP header's addresses turned to read from the initiator's side — and a flow whose
 * frames tshark sees outside any tunnel, or that FlowBeam reads by the outer header, has the
 * columns empty. Without decapsulation, from a plain capture and from packet CSV they are empty.
 */
class TunnelColumnsJobTest {
  @TempDir Path dir;

  private static final Path FIXTURES = Path.of("../io/src/test/resources/EncapsulationTest");

  private static final List<String> TUNNEL_COLUMNS =
      List.of("tunnel_type", "tunnel_src_ip", "tunnel_dst_ip", "tunnel_other_packets");

  /**
   * A minute of GTP-U traffic (12 TCP connections, two of them handed over to another eNodeB
   * halfway, and DNS outside the tunnel; {@code make_series.py} beside it), also cut into the runs
   * of {@code IncrementalJobTest}.
   */
  static final Capture SERIES =
      new Capture(
          Path.of("src/test/resources/TunnelColumnsJobTest/gtp-series.pcap"),
          Path.of("src/test/resources/TunnelColumnsJobTest/gtp-series.tshark.csv"));

  /** A capture and tshark's fixture of it. */
  record Capture(Path pcap, Path tshark) {
    static Capture built(String name) {
      return new Capture(FIXTURES.resolve(name + ".pcap"), FIXTURES.resolve(name + ".tshark.csv"));
    }

    static Capture shared(String path) {
      return new Capture(
          SharedData.root().resolve("captures").resolve(path),
          FIXTURES.resolve("shared").resolve(path + ".tshark.csv"));
    }

    @Override
    public String toString() {
      return pcap.getFileName().toString();
    }
  }

  static Stream<Arguments> captures() {
    List<Capture> all =
        List.of(
            Capture.built("gtp"),
            Capture.built("gre"),
            Capture.built("vxlan"),
            Capture.built("teredo"),
            Capture.built("ayiya"),
            Capture.built("geneve"),
            Capture.built("l2tp"),
            Capture.built("gre_udp"),
            Capture.built("ipip"),
            Capture.shared("ndpi/ipv6_in_gtp.pcap"),
            Capture.shared("ndpi/4in6tunnel.pcap"),
            Capture.shared("ndpi/6in6tunnel.pcap"),
            Capture.shared("wireshark/ipoipoip.pcap"),
            SERIES);
    Set<String> onFlink =
        Set.of("gtp.pcap", "gre.pcap", "vxlan.pcap", "teredo.pcap", "gtp-series.pcap");
    List<Arguments> args = new ArrayList<>();
    for (Capture c : all) {
      args.add(Arguments.of("DirectRunner", c));
      if (onFlink.contains(c.toString())) {
        args.add(Arguments.of("FlinkRunner", c));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("captures")
  void eachFlowCarriesTheTunnelTsharkSeesItsFirstFrameIn(String runner, Capture capture) {
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run("--runner=" + runner, "--input=" + capture.pcap(), "--output=" + out);
    assertThat(r.err(), r.exitCode(), is(0));
    List<Map<String, String>> flows = flows(out);
    assertThat(flows, not(empty()));
    List<Frame> frames = Frame.read(capture.tshark());
    int tunnelled = 0;
    for (Map<String, String> f : flows) {
      String want = expectedTunnel(f, frames);
      String got =
          f.get("tunnel_type")
              + " "
              + f.get("tunnel_src_ip")
              + ">"
              + f.get("tunnel_dst_ip")
              + " "
              + f.get("tunnel_other_packets");
      assertThat(describe(f), got, equalTo(want));
      tunnelled += f.get("tunnel_type").isEmpty() ? 0 : 1;
    }
    assertThat("flows in a tunnel", tunnelled > 0, is(true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void withoutDecapsulationEveryTunnelColumnIsEmpty(String runner) {
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=" + runner,
            "--input=" + FIXTURES.resolve("gtp.pcap"),
            "--output=" + out,
            "--decapsulate=false");
    assertThat(r.err(), r.exitCode(), is(0));
    assertAllEmpty(flows(out));
  }

  @Test
  void aPlainCaptureAndPacketCsvHaveEveryTunnelColumnEmpty() {
    Path plain = dir.resolve("plain");
    JobFixtures.Run r =
        JobFixtures.run(
            "--input=" + SharedData.root().resolve("captures").resolve("dpkt").resolve("http.pcap"),
            "--output=" + plain);
    assertThat(r.err(), r.exitCode(), is(0));
    assertAllEmpty(flows(plain));

    Path csv =
        JobFixtures.writeCsv(
            dir.resolve("packets.csv"),
            Trace.between("10.0.0.1", 40000, "10.0.0.2", 80)
                .at(1_000_000)
                .handshake()
                .clientData(10)
                .packets());
    Path fromCsv = dir.resolve("csv");
    r = JobFixtures.run("--input=" + csv, "--output=" + fromCsv);
    assertThat(r.err(), r.exitCode(), is(0));
    assertAllEmpty(flows(fromCsv));
  }

  private static void assertAllEmpty(List<Map<String, String>> flows) {
    assertThat(flows, not(empty()));
    for (Map<String, String> f : flows) {
      assertThat(
          describe(f),
          TUNNEL_COLUMNS.stream().map(f::get).toList(),
          equalTo(List.of("", "", "", "0")));
    }
  }

  private static String describe(Map<String, String> f) {
    return f.get("initiator_ip")
        + ":"
        + f.get("initiator_port")
        + " > "
        + f.get("responder_ip")
        + ":"
        + f.get("responder_port")
        + " proto "
        + f.get("protocol");
  }

  /**
   * What the columns must say of flow {@code f}: the tunnel of the first frame whose innermost
   * 5-tuple (tshark's) is the flow's, turned to read from the initiator's side, and how many of the
   * frames of that 5-tuple came otherwise (another tunnel or endpoints, or none). If no frame's
   * innermost 5-tuple is the flow's, FlowBeam read the flow's frames by their outer header (a
   * tunnel it falls back from): a frame whose outer 5-tuple is the flow's must exist, and the
   * columns are empty.
   */
  private static String expectedTunnel(Map<String, String> f, List<Frame> frames) {
    String a = f.get("initiator_ip") + ":" + f.get("initiator_port");
    String b = f.get("responder_ip") + ":" + f.get("responder_port");
    String protocol = f.get("protocol");
    List<Frame> mine = frames.stream().filter(fr -> fr.innerMatches(protocol, a, b)).toList();
    if (mine.isEmpty()) {
      if (frames.stream().anyMatch(fr -> fr.outerMatches(protocol, a, b))) {
        return " > 0";
      }
      throw new AssertionError("tshark has no frame of the flow " + a + " > " + b + "/" + protocol);
    }
    Frame first = mine.get(0);
    long other = mine.stream().filter(fr -> !fr.sameTunnelAs(first)).count();
    if (first.tunnelType() == null) {
      return " > " + other;
    }
    boolean fromInitiator = first.innerSrc().equals(a);
    return first.tunnelType()
        + " "
        + (fromInitiator
            ? first.outerSrcIp() + ">" + first.outerDstIp()
            : first.outerDstIp() + ">" + first.outerSrcIp())
        + " "
        + other;
  }

  /**
   * One frame of a tshark fixture ({@code -E occurrence=a}: every occurrence, ';'-separated): the
   * 5-tuple of its innermost and of its outermost IP layer (protocol null where no TCP or UDP
   * header follows the layer; endpoints "address:port"), the outermost layer's addresses, and the
   * tunnel after it (null with one IP layer).
   */
  private record Frame(
      String innerProtocol,
      String innerSrc,
      String innerDst,
      String outerProtocol,
      String outerSrc,
      String outerDst,
      String outerSrcIp,
      String outerDstIp,
      String tunnelType) {

    static List<Frame> read(Path csv) {
      try {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",", -1);
        List<Frame> frames = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
          String[] cells = line.split(",", -1);
          Map<String, List<String>> fields = new HashMap<>();
          for (int i = 0; i < header.length; i++) {
            fields.put(
                header[i], cells[i].isEmpty() ? List.of() : Arrays.asList(cells[i].split(";", -1)));
          }
          frames.add(of(fields));
        }
        return frames;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Frame of(Map<String, List<String>> fields) {
      List<String> layers = Arrays.asList(fields.get("frame.protocols").get(0).split(":"));
      int first = -1;
      int last = -1;
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i).equals("ip") || layers.get(i).equals("ipv6")) {
          first = first < 0 ? i : first;
          last = i;
        }
      }
      if (first < 0) {
        return new Frame(null, null, null, null, null, null, null, null, null);
      }
      String[] inner = layer(fields, layers, last, false);
      String[] outer = layer(fields, layers, first, true);
      return new Frame(
          inner[0],
          inner[1] + ":" + inner[3],
          inner[2] + ":" + inner[4],
          outer[0],
          outer[1] + ":" + outer[3],
          outer[2] + ":" + outer[4],
          outer[1],
          outer[2],
          first == last ? null : tunnelType(layers, first));
    }

    /**
     * The protocol number, addresses and ports of the IP layer at {@code at}: its family's first
     * (outermost) or last (innermost) occurrence, and of the TCP or UDP header right after it.
     */
    private static String[] layer(
        Map<String, List<String>> fields, List<String> layers, int at, boolean outermost) {
      String family = layers.get(at);
      String src = pick(fields.get(family + ".src"), outermost);
      String dst = pick(fields.get(family + ".dst"), outermost);
      String transport = at + 1 < layers.size() ? layers.get(at + 1) : "";
      // A TCP or UDP header cut before its ports: FlowBeam keys the packet with ports 0.
      String srcPort =
          Objects.requireNonNullElse(pick(fields.get(transport + ".srcport"), outermost), "0");
      String dstPort =
          Objects.requireNonNullElse(pick(fields.get(transport + ".dstport"), outermost), "0");
      boolean whole = src != null && dst != null;
      if (!whole || (!transport.equals("tcp") && !transport.equals("udp"))) {
        // No 5-tuple: no flow of FlowBeam's can match it.
        return new String[] {null, src, dst, null, null};
      }
      return new String[] {transport.equals("tcp") ? "6" : "17", src, dst, srcPort, dstPort};
    }

    /** The first or last occurrence; null if tshark gave none (a header cut by the snaplen). */
    private static String pick(List<String> values, boolean first) {
      return values == null || values.isEmpty() ? null : values.get(first ? 0 : values.size() - 1);
    }

    /** FlowBeam's name of the tunnel after the outermost IP layer at {@code ip}. */
    private static String tunnelType(List<String> layers, int ip) {
      String next = layers.get(ip + 1);
      String after = ip + 2 < layers.size() ? layers.get(ip + 2) : "";
      return switch (next) {
        case "ip", "ipv6" -> "ip_in_ip";
        case "gre" -> after.equals("erspan") ? "erspan" : after.equals("ppp") ? "pptp" : "gre";
        case "udp" ->
            switch (after) {
              case "gtp" -> "gtp_u";
              case "vxlan", "geneve", "teredo", "ayiya", "l2tp", "gre" -> after;
              default -> throw new AssertionError("no tunnel named for " + layers);
            };
        default -> throw new AssertionError("no tunnel named for " + layers);
      };
    }

    /**
     * Whether this frame of a flow came through {@code first}'s tunnel (or, like it, through none):
     * the same type, and the same outer addresses, swapped if it went the other way.
     */
    boolean sameTunnelAs(Frame first) {
      if (tunnelType == null || first.tunnelType == null) {
        return tunnelType == null && first.tunnelType == null;
      }
      boolean sameWay = innerSrc.equals(first.innerSrc);
      return tunnelType.equals(first.tunnelType)
          && (sameWay
              ? outerSrcIp.equals(first.outerSrcIp) && outerDstIp.equals(first.outerDstIp)
              : outerSrcIp.equals(first.outerDstIp) && outerDstIp.equals(first.outerSrcIp));
    }

    boolean innerMatches(String protocol, String a, String b) {
      return matches(innerProtocol, innerSrc, innerDst, protocol, a, b);
    }

    boolean outerMatches(String protocol, String a, String b) {
      return matches(outerProtocol, outerSrc, outerDst, protocol, a, b);
    }

    private static boolean matches(
        String p, String src, String dst, String protocol, String a, String b) {
      return protocol.equals(p)
          && ((a.equals(src) && b.equals(dst)) || (a.equals(dst) && b.equals(src)));
    }
  }

  /** Every flows CSV row as column name to value. */
  private static List<Map<String, String>> flows(Path out) {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(out.resolve("flows"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertThat(
            header.subList(header.size() - TUNNEL_COLUMNS.size(), header.size()),
            equalTo(TUNNEL_COLUMNS));
        for (String line : lines.subList(1, lines.size())) {
          String[] cells = line.split(",", -1);
          Map<String, String> row = new HashMap<>();
          for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), cells[i]);
          }
          rows.add(row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
