package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flowbeam.io.sink.RecordFormat;
import org.flowbeam.io.sink.RecordFormats;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.IcmpMessages;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.TcpFlowAssembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FlowBeam's Community IDs are tshark's. The oracle is {@code resources/CommunityIdAgreementTest/
 * NAME.cid.csv}: tshark 4.0's {@code communityid} of every IP packet of six shared captures (and of
 * the ICMP packets of two more), with the default seed and with seed {@value #SEED} (tshark's
 * {@code communityid.seed} preference), written once by {@code make-refs.py} beside it (the exact
 * tshark command is in that script; CI has no tshark).
 *
 * <p>Each packet's tuple hashed by {@link CommunityId} gives tshark's id for TCP, UDP, SCTP, ICMP
 * and ICMPv6 (request/reply and one-way types, errors quoting a packet) and port-less protocols,
 * over IPv4 and IPv6 (this needs only the references). And every flow FlowBeam assembles from the
 * captures (plain-Java {@link CaptureReader} and {@link TcpFlowAssembler}, as {@link
 * CaptureFlowAgreementTest} does) writes in its {@code community_id} column tshark's id of each of
 * its packets, with either seed; every TCP packet tshark hashed is in such a flow.
 */
class CommunityIdAgreementTest {
  /** The seed of the references' second id column. */
  static final int SEED = 4321;

  /** The shared captures (under {@code captures/}) whose reference holds all their packets. */
  static final List<String> WHOLE_CAPTURES =
      List.of(
          "wireshark/communityid.pcap.gz",
          "tcp-edge/base_usage_3_streams.pcap",
          "ndpi/http_ipv6.pcap",
          "dpkt/http.pcap",
          "dpkt/dns_icmp.pcap",
          "drill/data-1.pcap");

  /** Captures whose reference holds only their ICMP packets (the one-way types). */
  static final List<String> ICMP_ONLY_CAPTURES =
      List.of("ndpi/nintendo.pcap", "ndpi/whatsapp_login_call.pcap");

  /** One packet as tshark saw it: its outer tuple and its Community IDs. */
  record TsharkPacket(
      long frame,
      long timeUs,
      String src,
      String dst,
      int protocol,
      int srcPort,
      int dstPort,
      String id,
      String seededId) {

    /** The key a FlowBeam packet is matched by: time, protocol and directed tuple. */
    String key() {
      return key(
          timeUs, protocol, IpAddresses.parse(src), srcPort, IpAddresses.parse(dst), dstPort);
    }

    static String key(long timeUs, int protocol, byte[] src, int srcPort, byte[] dst, int dstPort) {
      return timeUs
          + " "
          + protocol
          + " "
          + IpAddresses.format(src)
          + " "
          + srcPort
          + " "
          + IpAddresses.format(dst)
          + " "
          + dstPort;
    }
  }

  static Stream<String> captures() {
    return Stream.concat(WHOLE_CAPTURES.stream(), ICMP_ONLY_CAPTURES.stream());
  }

  static Stream<String> wholeCaptures() {
    return WHOLE_CAPTURES.stream();
  }

  /** The reference of a capture: tshark's packets, in frame order. */
  static List<TsharkPacket> reference(String capture) throws IOException {
    String base = capture.substring(capture.lastIndexOf('/') + 1).replaceFirst("\\.gz$", "");
    String resource = "/CommunityIdAgreementTest/" + base + ".cid.csv";
    String text;
    try (InputStream in = CommunityIdAgreementTest.class.getResourceAsStream(resource)) {
      assertThat("no reference " + resource, in != null);
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    String[] lines = text.split("\n");
    List<String> header = List.of(lines[0].split(","));
    assertThat(
        header,
        equalTo(
            List.of(
                "frame",
                "time_us",
                "src_ip",
                "dst_ip",
                "protocol",
                "src_port",
                "dst_port",
                "community_id",
                "community_id_seed_" + SEED)));
    List<TsharkPacket> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      rows.add(
          new TsharkPacket(
              Long.parseLong(f[0]),
              Long.parseLong(f[1]),
              f[2],
              f[3],
              Integer.parseInt(f[4]),
              f[5].isEmpty() ? 0 : Integer.parseInt(f[5]),
              f[6].isEmpty() ? 0 : Integer.parseInt(f[6]),
              f[7],
              f[8]));
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void everyPacketsTupleHashesToTsharksId(String capture) throws IOException {
    CommunityId seeded = CommunityId.withSeed(SEED);
    List<String> mismatches = new ArrayList<>();
    List<TsharkPacket> rows = reference(capture);
    for (TsharkPacket r : rows) {
      byte[] src = IpAddresses.parse(r.src());
      byte[] dst = IpAddresses.parse(r.dst());
      String ours = CommunityId.DEFAULT.of(r.protocol(), src, dst, r.srcPort(), r.dstPort());
      String oursSeeded = seeded.of(r.protocol(), src, dst, r.srcPort(), r.dstPort());
      if (!ours.equals(r.id()) || !oursSeeded.equals(r.seededId())) {
        mismatches.add(r + " -> " + ours + " " + oursSeeded);
      }
    }
    assertThat(rows.size(), greaterThan(0));
    assertThat(capture + ": " + mismatches, mismatches, equalTo(List.of()));
  }

  /** The references hold every case the hash distinguishes, over both IP versions. */
  @Test
  void theReferencesCoverEveryKindOfTuple() throws IOException {
    Set<String> kinds = new TreeSet<>();
    for (String capture : captures().toList()) {
      for (TsharkPacket r : reference(capture)) {
        kinds.add(r.protocol() + (r.src().contains(":") ? "/v6" : "/v4"));
        if (r.protocol() == IpProtocol.ICMP || r.protocol() == IpProtocol.ICMPV6) {
          kinds.add(r.protocol() + " type " + r.srcPort());
        }
      }
    }
    assertThat(
        kinds,
        hasItems(
            "6/v4",
            "6/v6",
            "17/v4",
            "17/v6",
            "132/v4",
            "1/v4",
            "58/v6",
            "46/v4",
            "2/v4",
            // ICMP echo request and reply, unreachable, time exceeded; ICMPv6 echo request and
            // reply, unreachable, neighbour solicitation and advertisement, MLDv2 report (one-way)
            "1 type 8",
            "1 type 0",
            "1 type 3",
            "1 type 11",
            "58 type 128",
            "58 type 129",
            "58 type 1",
            "58 type 135",
            "58 type 136",
            "58 type 143"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wholeCaptures")
  void everyFlowWritesTsharksIdOfItsPackets(String capture) throws IOException {
    Map<String, TsharkPacket> byKey = new HashMap<>();
    long tcpRows = 0;
    for (TsharkPacket r : reference(capture)) {
      byKey.put(r.key(), r);
      tcpRows += r.protocol() == IpProtocol.TCP ? 1 : 0;
    }
    SharedCaptures.Result read = SharedCaptures.readAll(SharedCaptures.capture(capture));
    List<FlowRecord> flows =
        TcpFlowAssembler.assemble(read.packets, FlowRules.defaults().withRetainPackets(true));
    RecordFormat<FlowRecord> plain = RecordFormats.flows(CommunityId.DEFAULT);
    RecordFormat<FlowRecord> seeded = RecordFormats.flows(CommunityId.withSeed(SEED));
    int column = plain.columns().indexOf("community_id");

    List<String> mismatches = new ArrayList<>();
    long matched = 0;
    for (FlowRecord flow : flows) {
      Object id = plain.values(flow).get(column);
      Object seededId = seeded.values(flow).get(column);
      for (Packet p : flow.packets()) {
        TsharkPacket t =
            byKey.get(
                TsharkPacket.key(
                    p.timestampMicros(),
                    p.protocol(),
                    p.srcIp(),
                    p.srcPort(),
                    p.dstIp(),
                    p.dstPort()));
        if (t == null) {
          mismatches.add(flow.flowId() + ": no tshark row for " + p);
        } else if (!t.id().equals(id) || !t.seededId().equals(seededId)) {
          mismatches.add(flow.flowId() + " " + id + " " + seededId + ": tshark " + t);
        } else {
          matched++;
        }
      }
    }
    assertThat(capture + ": " + mismatches, mismatches, equalTo(List.of()));
    assertThat(capture + ": TCP packets in flows", matched, equalTo(tcpRows));
  }

  /**
   * Every UDP and ICMP flow FlowBeam assembles from the captures ({@link FlowAssembler}) writes in
   * its {@code community_id} column tshark's id of each of its packets, with either seed: its ports
   * (an ICMP flow's: the initiator's type and the counterpart type or code, as Zeek's conn.log) are
   * the tuple Community ID hashes. A packet's flow is the latest of its key's flows that started by
   * then; an ICMP packet is matched to tshark's row by time, protocol and addresses (tshark's ports
   * of an ICMP row are its type and code).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void everyUdpAndIcmpFlowWritesTsharksIdOfItsPackets(String capture) throws IOException {
    Map<String, TsharkPacket> byKey = new HashMap<>();
    for (TsharkPacket r : reference(capture)) {
      byKey.put(
          datagramKey(r.timeUs(), r.protocol(), r.src(), r.srcPort(), r.dst(), r.dstPort()), r);
    }
    boolean icmpOnly = ICMP_ONLY_CAPTURES.contains(capture);
    FlowRules rules =
        FlowRules.defaults()
            .withProtocols(
                icmpOnly ? Set.of(FlowProtocol.ICMP) : Set.of(FlowProtocol.UDP, FlowProtocol.ICMP));
    Map<FlowKey, List<Packet>> byFlowKey = new TreeMap<>();
    for (Packet p : SharedCaptures.readAll(SharedCaptures.capture(capture)).packets) {
      if (rules.makesFlows(p.protocol())) {
        byFlowKey.computeIfAbsent(FlowKey.of(p), k -> new ArrayList<>()).add(p);
      }
    }
    RecordFormat<FlowRecord> plain = RecordFormats.flows(CommunityId.DEFAULT);
    RecordFormat<FlowRecord> seeded = RecordFormats.flows(CommunityId.withSeed(SEED));
    int column = plain.columns().indexOf("community_id");
    List<String> mismatches = new ArrayList<>();
    long matched = 0;
    for (List<Packet> packets : byFlowKey.values()) {
      List<FlowRecord> flows = FlowAssembler.assemble(packets, rules);
      for (Packet p : packets) {
        FlowRecord flow = null;
        for (FlowRecord f : flows) {
          if (f.startUs() <= p.timestampMicros()) {
            flow = f;
          }
        }
        TsharkPacket t =
            byKey.get(
                datagramKey(
                    p.timestampMicros(),
                    p.protocol(),
                    p.srcIpText(),
                    p.srcPort(),
                    p.dstIpText(),
                    p.dstPort()));
        Object id = plain.values(flow).get(column);
        Object seededId = seeded.values(flow).get(column);
        if (t == null) {
          mismatches.add(flow.flowId() + ": no tshark row for " + p);
        } else if (!t.id().equals(id) || !t.seededId().equals(seededId)) {
          mismatches.add(flow.flowId() + " " + id + " " + seededId + ": tshark " + t);
        } else {
          matched++;
        }
      }
    }
    assertThat(capture + ": " + mismatches, mismatches, equalTo(List.of()));
    assertThat(capture + ": UDP and ICMP packets matched", matched, greaterThan(0L));
  }

  /** A UDP packet by its directed tuple; an ICMP one by time, protocol and addresses. */
  private static String datagramKey(
      long timeUs, int protocol, String src, int srcPort, String dst, int dstPort) {
    boolean icmp = IcmpMessages.isIcmp(protocol);
    return TsharkPacket.key(
        timeUs,
        protocol,
        IpAddresses.parse(src),
        icmp ? 0 : srcPort,
        IpAddresses.parse(dst),
        icmp ? 0 : dstPort);
  }
}
