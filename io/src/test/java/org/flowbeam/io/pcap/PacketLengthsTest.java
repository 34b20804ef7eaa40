package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Test;

/**
 * Each decoded packet's IP length and transport payload length (what Zeek's conn.log counts) equal
 * tshark's ({@code PacketLengthsTest/lengths.csv}, made by {@code make-lengths.sh}: {@code ip.len}
 * or 40 + {@code ipv6.plen}; {@code tcp.len}, {@code udp.length} - 8, or the ICMP message less its
 * header) on every IP frame of the bundled loopback capture (TCP) and of three shared captures with
 * UDP, ICMP and IPv6 (skipped where {@code ../shared} is absent).
 */
class PacketLengthsTest {
  @Test
  void lengthsAgreeWithTsharkOnTheBundledCapture() throws IOException {
    check("samples/loopback-5k.pcap", Samples.loopbackPcap());
  }

  @Test
  void lengthsAgreeWithTsharkOnSharedUdpIcmpAndIpv6Captures() throws IOException {
    for (String name : List.of("ndpi/http_ipv6.pcap", "dpkt/dns_icmp.pcap", "ndpi/tftp.pcap")) {
      check(name, SharedCaptures.capture(name));
    }
  }

  private static void check(String name, Path file) throws IOException {
    List<String> expected = reference().get(name);
    List<String> actual = new ArrayList<>();
    for (Packet p : SharedCaptures.readAll(file).packets) {
      actual.add(p.ipLength() + "," + p.payloadLength());
    }
    assertThat(name, actual, equalTo(expected));
  }

  private static Map<String, List<String>> reference() throws IOException {
    Map<String, List<String>> byCapture = new LinkedHashMap<>();
    try (InputStream in =
        PacketLengthsTest.class.getResourceAsStream("/PacketLengthsTest/lengths.csv")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(",", 2);
        byCapture.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f[1]);
      }
    }
    return byCapture;
  }
}
