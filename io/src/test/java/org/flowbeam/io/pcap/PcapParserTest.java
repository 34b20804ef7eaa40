package org.flowbeam.io.pcap;

import static org.flowbeam.io.pcap.CaptureBytes.concat;
import static org.flowbeam.io.pcap.CaptureBytes.ethernet;
import static org.flowbeam.io.pcap.CaptureBytes.ipv4Tcp;
import static org.flowbeam.io.pcap.CaptureBytes.ipv6Udp;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built captures: each link type, header variant, byte order and corruption. */
class PcapParserTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
  private static final byte[] SYN = ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 80, TcpFlags.SYN);

  @TempDir Path dir;

  private SharedCaptures.Result read(byte[] capture) throws IOException {
    Path f = Files.createTempFile(dir, "cap", ".bin");
    Files.write(f, capture);
    return SharedCaptures.readAll(f);
  }

  private Packet onlyPacket(byte[] capture) throws IOException {
    SharedCaptures.Result r = read(capture);
    assertThat(r.errors, empty());
    assertThat(r.packets, hasSize(1));
    return r.packets.get(0);
  }

  @Test
  void detectsFormatsFromMagic() {
    assertThat(
        CaptureFormat.detect(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1}),
        equalTo(CaptureFormat.PCAP));
    assertThat(
        CaptureFormat.detect(new byte[] {(byte) 0xa1, (byte) 0xb2, 0x3c, 0x4d}),
        equalTo(CaptureFormat.PCAP));
    assertThat(
        CaptureFormat.detect(new byte[] {0x0a, 0x0d, 0x0d, 0x0a}), equalTo(CaptureFormat.PCAPNG));
    assertThat(
        CaptureFormat.detect(new byte[] {0x1f, (byte) 0x8b, 8, 0}), equalTo(CaptureFormat.GZIP));
    assertThat(CaptureFormat.detect("time".getBytes()), equalTo(CaptureFormat.UNKNOWN));
  }

  @Test
  void readsEthernetInBothByteOrdersAndNanoseconds() throws IOException {
    for (ByteOrder order : new ByteOrder[] {LE, BE}) {
      Packet p =
          onlyPacket(
              CaptureBytes.pcap(order, true, 65535, 1)
                  .record(1_700_000_000L, 123_456_789L, ethernet(0x0800, SYN))
                  .bytes());
      assertThat(p.timestampMicros(), equalTo(1_700_000_000_123_456L));
      assertThat(p.srcIpText() + ":" + p.srcPort(), equalTo("10.0.0.1:40000"));
      assertThat(p.dstIpText() + ":" + p.dstPort(), equalTo("10.0.0.2:80"));
      assertThat(p.flags(), equalTo(TcpFlags.SYN));
      assertThat(p.seq(), equalTo(1000L));
      assertThat(p.ack(), equalTo(2000L));
      assertThat(p.sourceOffset(), equalTo(24L));
    }
  }

  @Test
  void readsVlanAndQinqTags() throws IOException {
    for (int[] tags : new int[][] {{0x8100}, {0x88a8, 0x8100}, {0x9100, 0x8100}}) {
      Packet p =
          onlyPacket(
              CaptureBytes.pcap(LE, false, 65535, 1)
                  .record(1, 2, ethernet(0x0800, SYN, tags))
                  .bytes());
      assertThat(p.dstPort(), equalTo(80));
    }
  }

  @Test
  void readsRawSllSll2LoopbackAndPpp() throws IOException {
    byte[] sll = concat(new byte[] {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00}, SYN);
    byte[] sll2 =
        concat(new byte[] {0x08, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0}, SYN);
    byte[] nullLe = concat(new byte[] {2, 0, 0, 0}, SYN);
    byte[] nullBe = concat(new byte[] {0, 0, 0, 2}, SYN);
    byte[] loop6 = concat(new byte[] {0, 0, 0, 30}, ipv6Udp("::1", "::2", 5, 6));
    byte[] ppp = concat(new byte[] {(byte) 0xff, 0x03, 0x00, 0x21}, SYN);
    Object[][] cases = {
      {101, SYN},
      {12, SYN},
      {14, SYN},
      {228, SYN},
      {113, sll},
      {276, sll2},
      {0, nullLe},
      {0, nullBe},
      {108, nullBe},
      {9, ppp}
    };
    for (Object[] c : cases) {
      Packet p =
          onlyPacket(
              CaptureBytes.pcap(LE, false, 65535, (Integer) c[0])
                  .record(1, 2, (byte[]) c[1])
                  .bytes());
      assertThat("link type " + c[0], p.srcPort(), equalTo(40000));
    }
    Packet v6 = onlyPacket(CaptureBytes.pcap(LE, false, 65535, 108).record(1, 2, loop6).bytes());
    assertThat(v6.srcIpText(), equalTo("::1"));
    Packet raw6 =
        onlyPacket(
            CaptureBytes.pcap(LE, false, 65535, 229)
                .record(1, 2, ipv6Udp("::1", "::2", 5, 6))
                .bytes());
    assertThat(raw6.dstPort(), equalTo(6));
  }

  @Test
  void ipv4OptionsAndFragments() throws IOException {
    Packet opts =
        onlyPacket(
            CaptureBytes.pcap(LE, false, 65535, 101)
                .record(1, 2, ipv4Tcp("1.1.1.1", "2.2.2.2", 1, 2, TcpFlags.ACK, 3, 0))
                .bytes());
    assertThat(opts.srcPort(), equalTo(1));
    assertThat(opts.flags(), equalTo(TcpFlags.ACK));
    // More-fragments set, offset 0: the first fragment carries the ports.
    Packet first =
        onlyPacket(
            CaptureBytes.pcap(LE, false, 65535, 101)
                .record(1, 2, ipv4Tcp("1.1.1.1", "2.2.2.2", 1, 2, TcpFlags.ACK, 0, 0x2000))
                .bytes());
    assertThat(first.srcPort(), equalTo(1));
    // Offset 185 (x 8 bytes): a later fragment has no transport header.
    Packet later =
        onlyPacket(
            CaptureBytes.pcap(LE, false, 65535, 101)
                .record(1, 2, ipv4Tcp("1.1.1.1", "2.2.2.2", 1, 2, TcpFlags.ACK, 0, 185))
                .bytes());
    assertThat(later.srcPort(), equalTo(0));
    assertThat(later.protocol(), equalTo(IpProtocol.TCP));
  }

  @Test
  void walksIpv6ExtensionHeaders() throws IOException {
    Packet p =
        onlyPacket(
            CaptureBytes.pcap(LE, false, 65535, 1)
                .record(
                    1,
                    2,
                    ethernet(0x86dd, ipv6Udp("2001:db8::1", "2001:db8::2", 53, 5353, 0, 60, 43)))
                .bytes());
    assertThat(p.protocol(), equalTo(IpProtocol.UDP));
    assertThat(p.srcPort(), equalTo(53));
    assertThat(p.dstPort(), equalTo(5353));
  }

  @Test
  void truncatedTransportHeaderStillGivesAPacketWithWireLength() throws IOException {
    byte[] frame = ethernet(0x0800, SYN);
    byte[] cut = java.util.Arrays.copyOf(frame, 14 + 20 + 6); // ports and half the seq number
    Packet p =
        onlyPacket(CaptureBytes.pcap(LE, false, 40, 1).record(1, 2, cut.length, 1514, cut).bytes());
    assertThat(p.length(), equalTo(1514));
    assertThat(p.dstPort(), equalTo(80));
    assertThat(p.seq(), equalTo(0L));
    assertThat(p.flags(), equalTo(0));
  }

  @Test
  void ipHeaderCutIsAnErrorAndArpIsCountedNotEmitted() throws IOException {
    byte[] arp = ethernet(0x0806, new byte[28]);
    byte[] cut = java.util.Arrays.copyOf(ethernet(0x0800, SYN), 14 + 10);
    SharedCaptures.Result r =
        read(
            CaptureBytes.pcap(LE, false, 65535, 1)
                .record(1, 0, arp)
                .record(2, 0, cut.length, 60, cut)
                .record(3, 0, ethernet(0x0800, SYN))
                .bytes());
    assertThat(r.records, equalTo(3L));
    assertThat(r.nonIp, equalTo(1L));
    assertThat(r.errors, hasSize(1));
    assertThat(r.errors.get(0).reason(), containsString("IPv4 header cut"));
    assertThat(r.packets, hasSize(1));
  }

  @Test
  void hugeCaplenIsAnErrorNotAnAllocationAndReadingResumes() throws IOException {
    CaptureBytes b = CaptureBytes.pcap(LE, false, 65535, 1).record(1, 0, ethernet(0x0800, SYN));
    b.u32(2).u32(0).u32(0xfffffff0).u32(0xfffffff0); // a 4 GB captured length
    for (int i = 0; i < 6; i++) {
      b.record(3 + i, 0, ethernet(0x0800, SYN));
    }
    SharedCaptures.Result r = read(b.bytes());
    assertThat(r.errors, hasSize(1));
    assertThat(r.errors.get(0).reason(), containsString("exceeds"));
    assertThat(r.packets, hasSize(7));
    assertThat(r.records, equalTo(8L));
  }

  @Test
  void truncatedFinalRecordIsAnError() throws IOException {
    byte[] full =
        CaptureBytes.pcap(LE, false, 65535, 1)
            .record(1, 0, ethernet(0x0800, SYN))
            .record(2, 0, ethernet(0x0800, SYN))
            .bytes();
    SharedCaptures.Result r = read(java.util.Arrays.copyOf(full, full.length - 10));
    assertThat(r.packets, hasSize(1));
    assertThat(r.errors, hasSize(1));
    assertThat(r.errors.get(0).reason(), containsString("truncated final record"));
  }

  @Test
  void pcapngWithTwoInterfacesOfDifferentResolutions() throws IOException {
    for (ByteOrder order : new ByteOrder[] {LE, BE}) {
      byte[] capture =
          new CaptureBytes(order)
              .shb()
              .idb(1, 65535, -1) // microseconds
              .idb(101, 65535, 9) // nanoseconds
              .idb(101, 65535, 0x80 | 20) // 2^-20 seconds
              .epb(0, 1_700_000_000_000_001L, ethernet(0x0800, SYN))
              .epb(1, 1_700_000_000_000_002_999L, SYN)
              .epb(2, (1_700_000_000L << 20) | (1 << 19), SYN)
              .spb(ethernet(0x0800, SYN))
              .raw(new byte[] {0, 0, 0, 0x0b, 0, 0, 0, 12, 0, 0, 0, 12}) // unknown block 0xb
              .bytes();
      if (order == LE) {
        // the unknown block's type and lengths were written big-endian above
        byte[] c = capture;
        int u = c.length - 12;
        c[u] = 0x0b;
        c[u + 3] = 0;
        c[u + 4] = 12;
        c[u + 7] = 0;
        c[u + 8] = 12;
        c[u + 11] = 0;
      }
      SharedCaptures.Result r = read(capture);
      assertThat(r.errors, empty());
      assertThat(r.packets, hasSize(4));
      assertThat(r.packets.get(0).timestampMicros(), equalTo(1_700_000_000_000_001L));
      assertThat(r.packets.get(1).timestampMicros(), equalTo(1_700_000_000_000_002L));
      assertThat(r.packets.get(2).timestampMicros(), equalTo(1_700_000_000_500_000L));
      // A simple packet block has no timestamp: it takes the previous packet's.
      assertThat(r.packets.get(3).timestampMicros(), equalTo(1_700_000_000_500_000L));
    }
  }

  @Test
  void badPcapngBlockLengthIsAnErrorThenResyncs() throws IOException {
    CaptureBytes b = new CaptureBytes(LE).shb().idb(101, 65535, -1).epb(0, 1, SYN);
    b.u32(6).u32(13).u32(0); // a block length that is not a multiple of 4
    for (int i = 0; i < 5; i++) {
      b.epb(0, 2 + i, SYN);
    }
    SharedCaptures.Result r = read(b.bytes());
    assertThat(r.errors, hasSize(1));
    assertThat(r.errors.get(0).reason(), containsString("bad block length 13"));
    assertThat(r.packets, hasSize(6));
  }

  @Test
  void pcapngPowerOfTwoAndOffsetArithmetic() {
    assertThat(PcapngReader.toMicros(3L << 10, true, 10, 0), equalTo(3_000_000L));
    assertThat(PcapngReader.toMicros(1999, false, 9, 0), equalTo(1L));
    assertThat(PcapngReader.toMicros(5, false, 3, 1), equalTo(1_005_000L));
    assertThat(PcapngReader.toMicros(-1L, true, 60, 0), equalTo(15_999_999L));
  }

  @Test
  void gzipCaptureIsReadWhole() throws IOException {
    byte[] plain =
        CaptureBytes.pcap(LE, false, 65535, 1).record(1, 0, ethernet(0x0800, SYN)).bytes();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(z)) {
      gz.write(plain);
    }
    Packet p = onlyPacket(z.toByteArray());
    assertThat(p.sourceOffset(), equalTo(24L));
  }

  @Test
  void notACaptureIsOneError() throws IOException {
    SharedCaptures.Result r = read("timestamp,src_ip\n1,1.2.3.4\n".getBytes());
    assertThat(r.errors, hasSize(1));
    assertThat(r.records, equalTo(1L));
  }
}
