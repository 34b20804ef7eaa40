package org.flowbeam.io.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.stream.Stream;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PacketCsvRowParserTest {
  private static final String TIMEARCS =
      "timestamp,src_ip,dst_ip,src_port,dst_port,flags,seq_num,ack_num,length,protocol";
  private static final String TSHARK =
      "frame.time_epoch,ip.src,ipv6.src,ip.dst,ipv6.dst,tcp.srcport,tcp.dstport,ip.proto,"
          + "tcp.flags,tcp.seq_raw,tcp.ack_raw,frame.len";
  private static final IpMap IPS = IpMap.of(Map.of(1, "172.28.185.51", 2, "60.203.52.184"));

  private static Packet parse(String header, String row) throws RejectedRowException {
    return new PacketCsvRowParser(CsvColumns.fromHeader("f.csv", header), IPS).parse(row, 99);
  }

  private static String reason(String header, String row) {
    return assertThrows(RejectedRowException.class, () -> parse(header, row)).reason();
  }

  @Test
  void timeArcsRow() throws Exception {
    Packet p =
        parse(
            TIMEARCS,
            "1356038392886550,172.16.100.10,172.16.100.241,389,47210,18,1213862645,1454841027,74,6");
    assertThat(
        p,
        equalTo(
            Packet.builder()
                .timestampMicros(1356038392886550L)
                .src("172.16.100.10", 389)
                .dst("172.16.100.241", 47210)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .seq(1213862645L)
                .ack(1454841027L)
                .length(74)
                .protocol(IpProtocol.TCP)
                .sourceOffset(99)
                .build()));
  }

  @Test
  void columnOrderIsFreeAndExtraColumnsAreIgnored() throws Exception {
    Packet p =
        parse(
            "length,flag_type,protocol,ack_num,seq_num,flags,dst_port,src_port,dst_ip,src_ip,timestamp",
            "74,SYN+ACK,6,1454841027,1213862645,18,47210,389,172.16.100.241,172.16.100.10,"
                + "1356038392886550");
    assertThat(p.srcIpText(), equalTo("172.16.100.10"));
    assertThat(p.dstPort(), equalTo(47210));
    assertThat(p.flags(), equalTo(18));
    assertThat(p.timestampMicros(), equalTo(1356038392886550L));
  }

  @Test
  void headerNamesAreTrimmedCaseInsensitiveAndMayHaveABom() throws Exception {
    Packet p = parse("\uFEFF Timestamp ,SRC_IP,\"dst_ip\",Length", "5,1.1.1.1,2.2.2.2,60");
    assertThat(p.timestampMicros(), equalTo(5L));
    assertThat(p.length(), equalTo(60));
  }

  @Test
  void absentOptionalColumnsDefault() throws Exception {
    Packet p = parse("timestamp,src_ip,dst_ip,length", "5,1.1.1.1,2.2.2.2,60");
    assertThat(p.srcPort(), equalTo(0));
    assertThat(p.flags(), equalTo(0));
    assertThat(p.seq(), equalTo(0L));
    assertThat(p.protocol(), equalTo(IpProtocol.TCP));
  }

  @Test
  void emptyTcpFieldsAreZero() throws Exception {
    Packet p = parse(TIMEARCS, "5,1.1.1.1,2.2.2.2,,,,,,60,17");
    assertThat(p.srcPort(), equalTo(0));
    assertThat(p.seq(), equalTo(0L));
    assertThat(p.protocol(), equalTo(IpProtocol.UDP));
  }

  @Test
  void tsharkIpv4Row() throws Exception {
    Packet p =
        parse(
            TSHARK, "1356038392.886550123,10.0.0.1,,10.0.0.2,,40000,80,6,0x0012,4294967295,1,1514");
    assertThat(p.timestampMicros(), equalTo(1356038392886550L));
    assertThat(p.flags(), equalTo(0x12));
    assertThat(p.seq(), equalTo(4294967295L));
    assertThat(p.length(), equalTo(1514));
    assertThat(p.protocol(), equalTo(6));
  }

  @Test
  void tsharkIpv6RowWithEmptyIpFields() throws Exception {
    Packet p = parse(TSHARK, "1.5,,2001:db8::1,,2001:db8::2,443,50000,,0x0011,7,8,86");
    assertThat(p.srcIpText(), equalTo("2001:db8::1"));
    assertThat(p.dstIpText(), equalTo("2001:db8::2"));
    assertThat(p.timestampMicros(), equalTo(1_500_000L));
    assertThat("TCP inferred from the TCP fields", p.protocol(), equalTo(IpProtocol.TCP));
  }

  private static final String TSHARK_UDP_ICMP =
      "frame.time_epoch,ip.src,ipv6.src,ip.dst,ipv6.dst,ip.proto,tcp.srcport,udp.srcport,"
          + "tcp.dstport,udp.dstport,icmp.type,icmp.code,icmp.ident,icmpv6.type,icmpv6.code,"
          + "icmpv6.echo.identifier,frame.len";

  @Test
  void tsharkUdpPortsAreTheUdpColumns() throws Exception {
    Packet p = parse(TSHARK_UDP_ICMP, "1.5,10.0.0.1,,10.0.0.2,,17,,5353,,53,,,,,,,80");
    assertThat(p.protocol(), equalTo(IpProtocol.UDP));
    assertThat(p.srcPort() + ">" + p.dstPort(), equalTo("5353>53"));
    // An IPv6 row leaves ip.proto empty: its UDP ports say UDP.
    Packet v6 = parse(TSHARK_UDP_ICMP, "1.5,,2001:db8::1,,2001:db8::2,,,5353,,53,,,,,,,80");
    assertThat(v6.protocol(), equalTo(IpProtocol.UDP));
  }

  @Test
  void tsharkIcmpRowsGetTheTypeAndCounterpartOrCodeAsPorts() throws Exception {
    Packet echo = parse(TSHARK_UDP_ICMP, "1.5,10.0.0.1,,10.0.0.2,,1,,,,,8,0,4660,,,,98");
    assertThat(echo.srcPort() + ">" + echo.dstPort(), equalTo("8>0"));
    assertThat(echo.icmpIdentifier(), equalTo(4660));
    // An error: tshark's address, protocol and port fields also list the quoted header's; the
    // first address and protocol, and the ICMP type and code, count.
    Packet unreachable =
        parse(
            TSHARK_UDP_ICMP,
            "1.5,\"10.0.0.2,10.0.0.1\",,\"10.0.0.1,10.0.0.2\",,\"1,17\",,5353,,53,3,3,,,,,118");
    assertThat(unreachable.srcIpText(), equalTo("10.0.0.2"));
    assertThat(unreachable.protocol(), equalTo(IpProtocol.ICMP));
    assertThat(unreachable.srcPort() + ">" + unreachable.dstPort(), equalTo("3>3"));
    // ICMPv6 leaves ip.proto empty: its type column says ICMPv6.
    Packet reply = parse(TSHARK_UDP_ICMP, "1.5,,2001:db8::2,,2001:db8::1,,,,,,,,,129,0,66,118");
    assertThat(reply.protocol(), equalTo(IpProtocol.ICMPV6));
    assertThat(reply.srcPort() + ">" + reply.dstPort(), equalTo("129>128"));
    assertThat(reply.icmpIdentifier(), equalTo(66));
  }

  @Test
  void anIcmpRowWithoutTypeKeepsItsPorts() throws Exception {
    // The TimeArcs export has no ICMP columns (tshark's shows an error's quoted ports).
    Packet p = parse(TIMEARCS, "5,192.168.1.1,192.168.1.34,54067,5351,0,0,0,82,1");
    assertThat(p.srcPort() + ">" + p.dstPort(), equalTo("54067>5351"));
    Packet typed =
        parse(TIMEARCS + ",icmp_type,icmp_code", "5,10.0.0.1,10.0.0.2,0,0,0,0,0,98,1,13,0");
    assertThat(typed.srcPort() + ">" + typed.dstPort(), equalTo("13>14"));
  }

  @Test
  void anIcmpTypeOutOfRangeIsRejected() {
    assertThat(
        reason(TIMEARCS + ",icmp_type", "5,10.0.0.1,10.0.0.2,0,0,0,0,0,98,1,256"),
        containsString("icmp_type 256 outside 0..255"));
  }

  @Test
  void tsharkNonTcpIpv6RowHasUnknownProtocol() throws Exception {
    Packet p = parse(TSHARK, "1.5,,2001:db8::1,,2001:db8::2,,,,,,,86");
    assertThat(p.protocol(), equalTo(PacketCsvRowParser.UNKNOWN_PROTOCOL));
  }

  @Test
  void tsharkMultiOccurrenceFieldsTakeTheFirst() throws Exception {
    Packet p = parse(TSHARK, "1,\"10.0.0.1,10.0.0.9\",,\"10.0.0.2,10.0.0.8\",,,,\"1,6\",,,,70");
    assertThat(p.srcIpText(), equalTo("10.0.0.1"));
    assertThat(p.dstIpText(), equalTo("10.0.0.2"));
    assertThat(p.protocol(), equalTo(IpProtocol.ICMP));
  }

  @Test
  void tsharkFlagsKeepAllTwelveBits() throws Exception {
    // tshark 4.0 exports AE+ACK as 0x0110 and SYN+ACK with the three reserved bits as 0x0e12.
    assertThat(
        parse(TSHARK, "1,10.0.0.1,,10.0.0.2,,1,2,6,0x0110,0,0,60").flags(),
        equalTo(TcpFlags.AE | TcpFlags.ACK));
    assertThat(
        parse(TSHARK, "1,10.0.0.1,,10.0.0.2,,1,2,6,0x0e12,0,0,60").flags(),
        equalTo(0x800 | 0x400 | 0x200 | TcpFlags.SYN | TcpFlags.ACK));
    assertThat(parse(TSHARK, "1,10.0.0.1,,10.0.0.2,,1,2,6,0x0fff,0,0,60").flags(), equalTo(4095));
  }

  @Test
  void timeArcsFlagsAcceptTwelveBitsInDecimalAndHex() throws Exception {
    assertThat(parse(TIMEARCS, "1,1.1.1.1,2.2.2.2,1,2,272,0,0,60,6").flags(), equalTo(0x110));
    assertThat(parse(TIMEARCS, "1,1.1.1.1,2.2.2.2,1,2,0x110,0,0,60,6").flags(), equalTo(272));
    assertThat(parse(TIMEARCS, "1,1.1.1.1,2.2.2.2,1,2,2048,0,0,60,6").flags(), equalTo(0x800));
    assertThat(parse(TIMEARCS, "1,1.1.1.1,2.2.2.2,1,2,4095,0,0,60,6").flags(), equalTo(0xfff));
  }

  @Test
  void rowsWithoutAddressesAreFramesWithoutAnIpPacket() throws Exception {
    // tshark's export of an ARP frame: every IP and TCP field empty.
    assertThat(parse(TSHARK, "1700000000.5,,,,,,,,,,,60"), equalTo(null));
    // TimeArcs rows: the other fields are not read.
    assertThat(parse(TIMEARCS, "1,,,,,,,,,"), equalTo(null));
    assertThat(parse(TIMEARCS, "1,,,1,2,999999,x,,-5,6"), equalTo(null));
    // The timestamp still decides whether it is a record at all.
    assertThat(reason(TIMEARCS, ",,,1,2,0,0,0,60,6"), equalTo("missing timestamp"));
    assertThat(reason(TSHARK, "x,,,,,,,,,,,60"), equalTo("bad frame.time_epoch 'x'"));
    assertThat(reason(TIMEARCS, "1,,"), equalTo("row has 3 fields, header has 10"));
  }

  @Test
  void fractionalEpochIsExactAndRoundsDown() throws Exception {
    assertThat(parse(TSHARK, "0.000001,1.1.1.1,,2.2.2.2,,,,6,,,,1").timestampMicros(), equalTo(1L));
    assertThat(
        parse(TSHARK, "1700000000.999999999,1.1.1.1,,2.2.2.2,,,,6,,,,1").timestampMicros(),
        equalTo(1_700_000_000_999_999L));
    assertThat(
        parse(TSHARK, "-0.0000005,1.1.1.1,,2.2.2.2,,,,6,,,,1").timestampMicros(), equalTo(-1L));
    assertThat(
        parse(TSHARK, "7,1.1.1.1,,2.2.2.2,,,,6,,,,1").timestampMicros(), equalTo(7_000_000L));
  }

  @Test
  void decimalAndHexFlags() throws Exception {
    assertThat(parse(TIMEARCS, "1,1.1.1.1,2.2.2.2,1,2,0x12,0,0,60,6").flags(), equalTo(0x12));
    assertThat(parse(TIMEARCS, "1,1.1.1.1,2.2.2.2,1,2,255,0,0,60,6").flags(), equalTo(255));
  }

  @Test
  void quotedFieldsAreAllowed() throws Exception {
    Packet p = parse(TIMEARCS, "\"1\",\"1.1.1.1\",2.2.2.2,\"1\",2,0,0,0,\"60\",6");
    assertThat(p.length(), equalTo(60));
  }

  @Test
  void integerIdsResolveThroughTheIpMap() throws Exception {
    Packet p = parse(TIMEARCS, "1,1,2,1,2,0,0,0,60,6");
    assertThat(p.srcIpText(), equalTo("172.28.185.51"));
    assertThat(p.dstIpText(), equalTo("60.203.52.184"));
  }

  @Test
  void negativeTimestampsAreKept() throws Exception {
    assertThat(
        parse(TIMEARCS, "-1500,1.1.1.1,2.2.2.2,1,2,0,0,0,60,6").timestampMicros(), equalTo(-1500L));
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,60", "row has 9 fields, header has 10"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,60,6,7", "row has 11 fields, header has 10"),
        Arguments.of(",1.1.1.1,2.2.2.2,1,2,0,0,0,60,6", "missing timestamp"),
        Arguments.of("1.5,1.1.1.1,2.2.2.2,1,2,0,0,0,60,6", "bad timestamp '1.5'"),
        Arguments.of("x,1.1.1.1,2.2.2.2,1,2,0,0,0,60,6", "bad timestamp 'x'"),
        Arguments.of(
            "9223372036854775807,1.1.1.1,2.2.2.2,1,2,0,0,0,60,6",
            "outside Beam's event-time range"),
        Arguments.of("1,,2.2.2.2,1,2,0,0,0,60,6", "missing src_ip"),
        Arguments.of("1,1.1.1.1,,1,2,0,0,0,60,6", "missing dst_ip"),
        Arguments.of("1,1.1.1,2.2.2.2,1,2,0,0,0,60,6", "src_ip: bad IPv4 address '1.1.1'"),
        Arguments.of("1,1.1.1.1,host.example,1,2,0,0,0,60,6", "dst_ip: bad IPv4 address"),
        Arguments.of("1,1.1.1.1,::1,1,2,0,0,0,60,6", "mixed IPv4/IPv6 address pair"),
        Arguments.of("1,77,2.2.2.2,1,2,0,0,0,60,6", "unmapped address id 77 in src_ip"),
        Arguments.of(
            "1,1.1.1.1,99999999999999,1,2,0,0,0,60,6", "unmapped address id 99999999999999"),
        Arguments.of("1,1.1.1.1,2.2.2.2,65536,2,0,0,0,60,6", "src_port 65536 outside 0..65535"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,-2,0,0,0,60,6", "dst_port -2 outside 0..65535"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,http,0,0,0,60,6", "bad dst_port 'http'"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,4096,0,0,60,6", "flags 4096 outside 0..4095"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0x1000,0,0,60,6", "flags 0x1000 outside 0..4095"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,-1,0,0,60,6", "flags -1 outside 0..4095"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0xzz,0,0,60,6", "bad flags '0xzz'"),
        Arguments.of(
            "1,1.1.1.1,2.2.2.2,1,2,0,4294967296,0,60,6",
            "seq_num 4294967296 outside 0..4294967295"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,-1,60,6", "ack_num -1 outside 0..4294967295"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,-60,6", "length -60 outside 0..2147483647"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,,6", "missing length"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,60,256", "protocol 256 outside 0..255"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,60,\"6", "unterminated quoted field"),
        Arguments.of("1,1.1.1.1,2.2.2.2,1,2,0,0,0,60\r6,6", "carriage return"));
  }

  @ParameterizedTest
  @MethodSource("rejections")
  void rejectsWithAReason(String row, String expected) {
    assertThat(reason(TIMEARCS, row), containsString(expected));
  }

  @Test
  void idWithoutAnIpMapIsRejected() {
    RejectedRowException e =
        assertThrows(
            RejectedRowException.class,
            () ->
                new PacketCsvRowParser(CsvColumns.fromHeader("f", TIMEARCS), IpMap.empty())
                    .parse("1,1,2,1,2,0,0,0,60,6", 0));
    assertThat(e.reason(), containsString("address id 1 but no IP map was given"));
  }

  @Test
  void tsharkRejections() {
    assertThat(
        reason(TSHARK, "1e9,10.0.0.1,,10.0.0.2,,1,2,6,0x10,0,0,60"),
        equalTo("bad frame.time_epoch '1e9'"));
    assertThat(
        reason(TSHARK, "1,10.0.0.1,,10.0.0.2,,1,2,6,0x1000,0,0,60"),
        equalTo("tcp.flags 0x1000 outside 0..4095"));
    assertThat(
        reason(TSHARK, "99999999999999999999,10.0.0.1,,10.0.0.2,,1,2,6,0x10,0,0,60"),
        containsString("out of range"));
  }

  @Test
  void fastSplitAgreesWithCommonsCsv() throws Exception {
    for (String row : new String[] {"a,b,,c", ",", "", "x", "1,2,3,", " a , b "}) {
      String[] fast = PacketCsvRowParser.split(row);
      String[] slow =
          org.apache.commons.csv.CSVParser.parse(
                  row + "\n", org.apache.commons.csv.CSVFormat.DEFAULT)
              .getRecords()
              .stream()
              .findFirst()
              .map(r -> r.values())
              .orElse(new String[] {""});
      assertThat(row, fast, equalTo(slow));
    }
  }
}
