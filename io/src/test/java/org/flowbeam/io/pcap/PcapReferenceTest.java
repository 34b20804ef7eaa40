package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.model.RejectedRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every shared capture, the reader does not throw and finds as many IP packets as tshark
 * ({@code ip_packets} in {@code refs/<folder>/<name>.info}).
 *
 * <p>Known, deliberate differences in the fields of matching packets (checked by hand against
 * {@code packets.csv}, not asserted here): ICMP errors carry no ports here (tshark shows the quoted
 * packet's ports); the first fragment of a fragmented datagram carries ports here (tshark shows
 * them on the reassembled last one); tunnels (4in6, 6in6, IP-in-IP, decrypted WireGuard) are
 * reported by their outer header here (tshark's fields show the inner one); IPv6 protocol is the
 * upper-layer protocol after extension headers (tshark's {@code ipv6.nxt} is the first next
 * header); flags are the 8-bit flags byte (tshark's {@code tcp.flags} has 12 bits).
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
}
