package org.flowbeam.io.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.flowbeam.io.filter.PacketFilter.Reason;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.junit.jupiter.api.Test;

class PacketFilterTest {
  private static Packet tcp(long us, String src, int sport, String dst, int dport) {
    return Packet.builder()
        .timestampMicros(us)
        .src(src, sport)
        .dst(dst, dport)
        .protocol(IpProtocol.TCP)
        .length(60)
        .build();
  }

  private static Packet icmpEcho(long us, String src, String dst) {
    return Packet.builder()
        .timestampMicros(us)
        .src(src, 0)
        .dst(dst, 0)
        .protocol(IpProtocol.ICMP)
        .icmp(8, 0)
        .length(84)
        .build();
  }

  @Test
  void theDefaultFilterKeepsEveryPacket() {
    PacketFilter all = PacketFilter.all();
    assertThat(all.keepsAll(), is(true));
    assertThat(all.rejects(tcp(Long.MIN_VALUE + 1, "10.0.0.1", 1, "10.0.0.2", 2)), nullValue());
    assertThat(all.rejects(icmpEcho(0, "2001:db8::1", "2001:db8::2")), nullValue());
  }

  @Test
  void theTimeRangeIncludesItsStartAndExcludesItsEnd() {
    PacketFilter f = PacketFilter.all().withTimeRange(1_000, 2_000);
    assertThat(f.rejects(tcp(999, "10.0.0.1", 1, "10.0.0.2", 2)), equalTo(Reason.TIME));
    assertThat(f.rejects(tcp(1_000, "10.0.0.1", 1, "10.0.0.2", 2)), nullValue());
    assertThat(f.rejects(tcp(1_999, "10.0.0.1", 1, "10.0.0.2", 2)), nullValue());
    assertThat(f.rejects(tcp(2_000, "10.0.0.1", 1, "10.0.0.2", 2)), equalTo(Reason.TIME));
    assertThrows(IllegalArgumentException.class, () -> PacketFilter.all().withTimeRange(5, 5));
  }

  @Test
  void anAddressBlockKeepsPacketsFromOrToIt() {
    PacketFilter f =
        PacketFilter.all().withAddresses(FilterArguments.parseAddresses("192.168.0.0/16,::1"));
    assertThat(f.rejects(tcp(0, "192.168.4.5", 1, "8.8.8.8", 53)), nullValue());
    assertThat(f.rejects(tcp(0, "8.8.8.8", 53, "192.168.255.255", 1)), nullValue());
    assertThat(f.rejects(tcp(0, "192.169.0.1", 1, "8.8.8.8", 53)), equalTo(Reason.ADDRESS));
    assertThat(f.rejects(tcp(0, "::1", 1, "::2", 2)), nullValue());
    assertThat(f.rejects(tcp(0, "::2", 1, "::3", 2)), equalTo(Reason.ADDRESS));
  }

  @Test
  void portsKeepTcpAndUdpPacketsWithEitherPortInTheSetAndNoOtherProtocol() {
    PacketFilter f = PacketFilter.all().withPorts(PortRanges.parse("80,8000-8099"));
    assertThat(f.rejects(tcp(0, "10.0.0.1", 40000, "10.0.0.2", 80)), nullValue());
    assertThat(f.rejects(tcp(0, "10.0.0.2", 8099, "10.0.0.1", 40000)), nullValue());
    assertThat(f.rejects(tcp(0, "10.0.0.2", 8100, "10.0.0.1", 40000)), equalTo(Reason.PORT));
    // ICMP type 8 code 0 is stored in the port fields; it has no ports to match.
    PacketFilter zero = PacketFilter.all().withPorts(PortRanges.parse("0-8"));
    assertThat(zero.rejects(icmpEcho(0, "10.0.0.1", "10.0.0.2")), equalTo(Reason.PORT));
  }

  @Test
  void protocolsByNameAndNumberAndIcmpCoversIcmpv6() {
    PacketFilter f = PacketFilter.all().withProtocols(FilterArguments.parseProtocols("icmp,47"));
    assertThat(f.rejects(icmpEcho(0, "10.0.0.1", "10.0.0.2")), nullValue());
    Packet icmpv6 =
        Packet.builder()
            .timestampMicros(0)
            .src("fe80::1", 0)
            .dst("fe80::2", 0)
            .protocol(IpProtocol.ICMPV6)
            .icmp(128, 0)
            .length(64)
            .build();
    assertThat(f.rejects(icmpv6), nullValue());
    assertThat(f.rejects(tcp(0, "10.0.0.1", 1, "10.0.0.2", 2)), equalTo(Reason.PROTOCOL));
  }

  @Test
  void aPacketFailingSeveralCriteriaCountsUnderTheFirstInReasonOrder() {
    PacketFilter f =
        PacketFilter.all()
            .withTimeRange(0, 10)
            .withProtocols(List.of(IpProtocol.UDP))
            .withAddresses(List.of(AddressBlock.parse("172.16.0.0/12")))
            .withPorts(PortRanges.parse("53"));
    assertThat(f.keepsAll(), is(false));
    assertThat(f.rejects(tcp(20, "10.0.0.1", 1, "10.0.0.2", 2)), equalTo(Reason.TIME));
    assertThat(f.rejects(tcp(5, "10.0.0.1", 1, "10.0.0.2", 2)), equalTo(Reason.PROTOCOL));
  }

  @Test
  void blocksClearHostBitsAndRefuseBadText() {
    assertThat(AddressBlock.parse("10.1.2.3/8").toString(), equalTo("10.0.0.0/8"));
    assertThat(AddressBlock.parse("10.1.2.3").toString(), equalTo("10.1.2.3/32"));
    assertThat(AddressBlock.parse("2001:db8::1/32").toString(), equalTo("2001:db8::/32"));
    assertThat(AddressBlock.parse("0.0.0.0/0").contains(new byte[] {1, 2, 3, 4}), is(true));
    assertThat(AddressBlock.parse("0.0.0.0/0").contains(new byte[16]), is(false));
    assertThat(AddressBlock.parse("10.0.0.0/9").contains(new byte[] {10, 127, 0, 1}), is(true));
    assertThat(
        AddressBlock.parse("10.0.0.0/9").contains(new byte[] {10, (byte) 128, 0, 1}), is(false));
    for (String bad : List.of("10.0.0.0/33", "::/129", "10.0.0/8", "host", "10.0.0.0/x", "")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> AddressBlock.parse(bad));
      assertThat(e.getMessage(), containsString("'" + bad + "'"));
    }
  }

  @Test
  void portListsRefuseWhatIsNotAPortOrRange() {
    assertThat(PortRanges.parse("53, 80-81").contains(81), is(true));
    assertThat(PortRanges.parse("53, 80-81").contains(82), is(false));
    for (String bad : List.of("65536", "90-80", "http", "", "1,,2", "-5")) {
      assertThrows(IllegalArgumentException.class, () -> PortRanges.parse(bad), bad);
    }
  }

  @Test
  void timesInIso8601AndEpochSeconds() {
    long may1 = 1_714_521_600_000_000L; // 2024-05-01T00:00:00Z, date -d 2024-05-01Z +%s
    assertThat(FilterArguments.parseTimeMicros("2024-05-01"), equalTo(may1));
    assertThat(FilterArguments.parseTimeMicros("2024-05-01T00:00:00Z"), equalTo(may1));
    assertThat(FilterArguments.parseTimeMicros("2024-05-01T02:00:00+02:00"), equalTo(may1));
    assertThat(FilterArguments.parseTimeMicros("2024-05-01T00:00:00.000250"), equalTo(may1 + 250));
    assertThat(FilterArguments.parseTimeMicros("1714521600"), equalTo(may1));
    assertThat(FilterArguments.parseTimeMicros("1714521600.5"), equalTo(may1 + 500_000));
    for (String bad : List.of("yesterday", "2024-13-01", "1714521600.1234567", "")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> FilterArguments.parseTimeMicros(bad), bad);
      assertThat(e.getMessage(), containsString("is not a time"));
    }
  }

  @Test
  void protocolNamesAndNumbers() {
    assertThat(
        FilterArguments.parseProtocols("TCP, udp,icmp,132"), equalTo(List.of(6, 17, 1, 58, 132)));
    assertThrows(IllegalArgumentException.class, () -> FilterArguments.parseProtocols("256"));
    assertThrows(IllegalArgumentException.class, () -> FilterArguments.parseProtocols("quic"));
  }
}
