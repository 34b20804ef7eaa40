package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every shared capture, the reader does not throw and finds as many IP packets as tshark
 * ({@code ip_packets} in {@code refs/<folder>/<name>.info}).
 *
 * <p>Known, deliberate differences in the fields of matching packets (checked by hand against
 * {@code packets.csv}, not asserted here): an ICMP packet's ports are its type and its counterpart
 * type or code here ({@code IcmpDecodeTest} checks them against tshark), where {@code packets.csv}
 * has 0, or for an error the quoted packet's ports; the first fragment of a fragmented datagram
 * carries ports here (tshark shows them on the reassembled last one); a tunnelled packet is the
 * inner one here, where tshark's fields hold the first IPv4 header's addresses and protocol with
 * the inner ports (see {@code FrameDifferences.asTsharkNamesThem}), and decrypted WireGuard is its
 * outer UDP packet; IPv6 protocol is the upper-layer protocol after extension headers (tshark's
 * {@code ipv6.nxt} is the first next header).
 *
 * <p>The TCP flags of every TCP packet that both decoders see with the same ports and sequence
 * number equal tshark's, all twelve bits ({@code tcp.flags}: AE and the reserved bits as well).
 */
class PcapReferenceTest {
  /**
   * Captures whose count differs by design: tshark counts a frame with an IPv4 ethertype but a bad
   * IP header (version nibble, header length) as a (malformed) IP packet; here it is a rejected
   * record. For these the test checks {@code packets + such rejections == ip_packets}.
   */
  private static final Map<String, String> MALFORMED_IP_COUNTED_BY_TSHARK =
      Map.of(
          "ndpi/fuzz-2006-06-26-2594.pcap", "7 frames with a bad IPv4 header",
          "ndpi/fuzz-2020-02-16-11740.pcap", "11 frames with a bad IPv4 header");

  /**
   * Frames whose TCP header states a length below 20 bytes: tshark reports it as bogus and shows no
   * flags (0 in {@code packets.csv}); FlowBeam still reads the flags byte.
   */
  private static final Map<String, Integer> BOGUS_TCP_HEADER_LENGTH =
      Map.of("ndpi/reasm_crash_anon.pcapng", 1);

  /** Captures with no reference output (pieces of a split pcapng; tshark reads only the first). */
  private static final Map<String, String> NO_REFERENCE =
      Map.of(
          "wireshark/many_interfaces.pcapng.1", "continuation of a split file, no refs",
          "wireshark/many_interfaces.pcapng.2", "continuation of a split file, no refs",
          "wireshark/many_interfaces.pcapng.3", "continuation of a split file, no refs");

  static Stream<String> captures() throws IOException {
    return SharedCaptures.captures().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void countsIpPacketsAsTsharkDoes(String name) throws IOException {
    SharedCaptures.Result r = SharedCaptures.readAll(SharedCaptures.capture(name));
    assertThat(name, r.records, equalTo(r.packets.size() + r.nonIp + r.errors.size()));
    if (NO_REFERENCE.containsKey(name)) {
      return;
    }
    long expected = SharedCaptures.referenceIpPackets(name);
    long got = r.packets.size();
    if (MALFORMED_IP_COUNTED_BY_TSHARK.containsKey(name)) {
      for (RejectedRecord e : r.errors) {
        if (e.reason().startsWith("IPv4 ") || e.reason().startsWith("IPv6 ")) {
          got++;
        }
      }
    }
    assertThat(name, got, equalTo(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void tcpFlagsAreTsharksTwelveBits(String name) throws IOException {
    if (NO_REFERENCE.containsKey(name)) {
      return;
    }
    List<Packet> ours = SharedCaptures.readAll(SharedCaptures.capture(name)).packets;
    List<FrameDifferences.Row> rows =
        FrameDifferences.readRows(SharedCaptures.reference(name, "packets.csv"));
    List<String> differences = new ArrayList<>();
    int j = 0;
    for (Packet p : ours) {
      // Align in file order by time and length, skipping rows FlowBeam rejected (see above).
      int k = j;
      while (k < rows.size()
          && (rows.get(k).timestampMicros() != p.timestampMicros()
              || rows.get(k).length() != p.length())) {
        k++;
      }
      if (k == rows.size()) {
        continue;
      }
      j = k + 1;
      FrameDifferences.Row t = rows.get(k);
      boolean sameTcpHeader =
          p.isTcp()
              && t.protocol() == IpProtocol.TCP
              && t.srcPort() == p.srcPort()
              && t.dstPort() == p.dstPort()
              && t.seq() == p.seq();
      if (sameTcpHeader && t.flags() != p.flags()) {
        differences.add(p + ": tshark's flags " + t.flags());
      }
    }
    if (BOGUS_TCP_HEADER_LENGTH.containsKey(name)) {
      assertThat(name, differences, hasSize(BOGUS_TCP_HEADER_LENGTH.get(name)));
    } else {
      assertThat(name, differences, empty());
    }
  }
}
