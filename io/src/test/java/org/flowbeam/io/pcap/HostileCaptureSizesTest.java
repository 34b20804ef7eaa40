package org.flowbeam.io.pcap;

import static org.flowbeam.io.pcap.CaptureBytes.ethernet;
import static org.flowbeam.io.pcap.CaptureBytes.ipv4Tcp;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.fuzz.AllocationMeter;
import org.flowbeam.io.fuzz.ByteArrayChannel;
import org.junit.jupiter.api.Test;

/**
 * Capture fields that claim hostile sizes (issue 15): each is refused as an error record, and what
 * the reader allocates follows the bytes the file holds, never the size a field claims. (A pcap
 * captured length over the limit: {@code PcapParserTest.hugeCaplenIsAnErrorNotAnAllocation...}.)
 */
class HostileCaptureSizesTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final byte[] SYN = ethernet(0x0800, ipv4Tcp("10.0.0.1", "10.0.0.2", 1, 2, 0x02));
  private static final int BUFFER = 64 * 1024;

  /** What a read gave, in order: "PACKET", "NON_IP type" or "ERROR reason". */
  record Read(List<String> records, long allocated) {}

  private static Read read(byte[] capture) throws Exception {
    List<String> out = new ArrayList<>();
    long allocated =
        AllocationMeter.steady(
            () -> {
              out.clear();
              try (CaptureReader r =
                  CaptureReader.open("hostile.pcapng", new ByteArrayChannel(capture), 0, BUFFER)) {
                while (r.advance()) {
                  out.add(
                      r.kind() == RecordReader.Kind.ERROR
                          ? "ERROR " + r.error().reason()
                          : r.kind() == RecordReader.Kind.NON_IP
                              ? "NON_IP " + r.nonIpType()
                              : "PACKET");
                }
              }
            });
    return new Read(out, allocated);
  }

  @Test
  void aBlockLengthOverTheLimitIsAnErrorAndReadingResumes() throws Exception {
    CaptureBytes b = new CaptureBytes(LE).shb().idb(1, 65535, -1).epb(0, 1, SYN);
    b.u32(6).u32(0x7ffffff0).u32(0); // a 2 GiB block
    b.epb(0, 2, SYN).epb(0, 3, SYN).epb(0, 4, SYN).epb(0, 5, SYN);
    Read r = read(b.bytes());
    assertThat(
        r.records(),
        contains(
            "PACKET", "ERROR bad block length 2147483632", "PACKET", "PACKET", "PACKET", "PACKET"));
    assertThat(r.allocated(), lessThan(1L << 20));
  }

  @Test
  void aBlockLengthWithinTheLimitInAShortFileAllocatesTheFileNotTheBlock() throws Exception {
    int claimed = PcapngReader.MAX_BLOCK - 4;
    CaptureBytes b = new CaptureBytes(LE).shb().idb(1, 65535, -1).epb(0, 1, SYN);
    b.u32(6).u32(claimed).u32(0).raw(new byte[200]);
    Read r = read(b.bytes());
    assertThat(r.records().size(), equalTo(2));
    assertThat(
        r.records().get(1),
        equalTo("ERROR truncated final block: 212 of " + claimed + " bytes present"));
    assertThat(r.allocated(), lessThan(1L << 20)); // was 16 MiB: the whole claimed block
  }

  @Test
  void aPacketClaimingMoreThanItsBlockIsAnError() throws Exception {
    CaptureBytes b = new CaptureBytes(LE).shb().idb(1, 65535, -1);
    b.u32(6).u32(32 + 64).u32(0).u32(0).u32(1).u32(0xfffffff0).u32(0xfffffff0);
    b.raw(new byte[64]).u32(32 + 64);
    b.epb(0, 2, SYN);
    Read r = read(b.bytes());
    assertThat(
        r.records(),
        contains("ERROR captured length 4294967280 exceeds block length 96", "PACKET"));
  }

  @Test
  void thousandsOfInterfacesStopAtTheBound() throws Exception {
    int max = 1 << 16;
    CaptureBytes b = new CaptureBytes(LE).shb();
    for (int i = 0; i < max + 4_000; i++) {
      b.idb(1, 65535, -1);
    }
    b.epb(0, 1, SYN).epb(max - 1, 2, SYN).epb(max, 3, SYN);
    byte[] capture = b.bytes();
    Read r = read(capture);
    List<String> errors = r.records().stream().filter(s -> s.startsWith("ERROR")).toList();
    assertThat(errors.size(), equalTo(4_001));
    assertThat(errors.get(0), equalTo("ERROR more than 65536 interfaces"));
    assertThat(errors.get(4_000), equalTo("ERROR packet block for undefined interface 65536"));
    assertThat(r.records().stream().filter(s -> s.equals("PACKET")).count(), equalTo(2L));
    // About 40 bytes an interface: in proportion to the 1.4 MB of interface blocks.
    assertThat(r.allocated(), lessThan(4L * capture.length + (4L << 20)));
  }

  @Test
  void aHugeOptionIsReadWithinItsBlockAndALyingOneIsIgnored() throws Exception {
    int optionBytes = 8 << 20;
    int len = 16 + 4 + optionBytes + 4;
    CaptureBytes b = new CaptureBytes(LE).shb();
    // An 8 MiB interface block: an if_description (3) as long as an option can say (64 KiB),
    // then padding.
    b.u32(1).u32(len).u16(1).u16(0).u32(65535).u16(3).u16(0xfffc).raw(new byte[optionBytes]);
    b.u32(len);
    // An interface whose option claims 65,532 bytes in a 28-byte block.
    b.u32(1).u32(28).u16(1).u16(0).u32(65535).u16(9).u16(0xfffc).u32(0x09).u32(28);
    b.epb(0, 1, SYN).epb(1, 2, SYN);
    byte[] capture = b.bytes();
    Read r = read(capture);
    assertThat(r.records(), contains("PACKET", "PACKET"));
    assertThat(r.allocated(), lessThan(3L * capture.length + (1L << 20)));
  }
}
