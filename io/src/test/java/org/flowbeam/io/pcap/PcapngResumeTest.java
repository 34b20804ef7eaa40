package org.flowbeam.io.pcap;

import static org.flowbeam.io.pcap.CaptureBytes.ethernet;
import static org.flowbeam.io.pcap.CaptureBytes.ipv4Tcp;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pcapng range reader that resumes from recorded section states frames exactly what a sequential
 * read frames, at every range start and for many split patterns read in random order, on captures
 * whose state changes along the file: several interfaces, an interface defined mid-file, a second
 * section in the other byte order, Simple Packet Blocks (which take the previous packet's
 * timestamp), packet data holding a whole pcapng file (blocks that look like real ones), and a
 * corrupt block.
 */
class PcapngResumeTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path dir;

  static Stream<Arguments> captures() {
    return Stream.of(
        Arguments.of("several interfaces", severalInterfaces()),
        Arguments.of("interface defined mid-file", interfaceMidFile()),
        Arguments.of("two sections, other byte order", twoSections()),
        Arguments.of("packet data holding a pcapng file", nestedPcapng()),
        Arguments.of("corrupt block", corruptBlock()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void everyRangeStartReadsTheRestAsTheWholeFile(String name, byte[] capture) throws IOException {
    Path file = write(capture);
    List<Object> whole = read(file, 0, Long.MAX_VALUE, null);
    assertThat(name + " is not trivial", whole.size(), greaterThan(20));
    // States every 16 bytes, recorded by a whole read, then every start resumes from one.
    PcapngCheckpoints checkpoints = new PcapngCheckpoints(capture.length, 16);
    read(file, 0, Long.MAX_VALUE, checkpoints);
    assertThat(checkpoints.size(), greaterThan(10));
    List<String> wrong = new ArrayList<>();
    for (long start = 1; start <= capture.length && wrong.size() < 5; start++) {
      List<Object> expected = from(whole, start);
      if (!read(file, start, Long.MAX_VALUE, checkpoints).equals(expected)) {
        wrong.add("start " + start);
      }
      if (!read(file, start, Long.MAX_VALUE, null).equals(expected)) {
        wrong.add("start " + start + " without states");
      }
    }
    assertThat(name, wrong, empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void splitsReadInRandomOrderReadAsTheWholeFile(String name, byte[] capture) throws IOException {
    Path file = write(capture);
    List<Object> whole = read(file, 0, Long.MAX_VALUE, null);
    Random random = new Random(name.hashCode());
    List<long[]> patterns = new ArrayList<>();
    for (long split : new long[] {4, 13, 28, 64, 101, 256, 1000}) {
      List<Long> cuts = new ArrayList<>();
      for (long c = 0; c < capture.length; c += split) {
        cuts.add(c);
      }
      cuts.add((long) capture.length);
      patterns.add(cuts.stream().mapToLong(Long::longValue).toArray());
    }
    for (int i = 0; i < 20; i++) {
      TreeSet<Long> cuts = new TreeSet<>();
      int n = 1 + random.nextInt(30);
      for (int k = 0; k < n; k++) {
        cuts.add((long) random.nextInt(capture.length));
      }
      cuts.add(0L);
      cuts.add((long) capture.length);
      patterns.add(cuts.stream().mapToLong(Long::longValue).toArray());
    }
    for (long[] cuts : patterns) {
      for (long spacing : new long[] {4, 64, 1 << 20}) {
        PcapngCheckpoints checkpoints = new PcapngCheckpoints(capture.length, spacing);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
          order.add(i);
        }
        Collections.shuffle(order, random);
        List<List<Object>> parts = new ArrayList<>(Collections.nCopies(order.size(), null));
        for (int i : order) {
          parts.set(i, read(file, cuts[i], cuts[i + 1], checkpoints));
        }
        List<Object> got = new ArrayList<>();
        parts.forEach(got::addAll);
        assertThat(
            name + ", " + (cuts.length - 1) + " ranges, states every " + spacing,
            got,
            equalTo(whole));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void aHopJumpsToStatesRecordedAheadOfItMeanwhile(String name, byte[] capture) throws IOException {
    Path file = write(capture);
    List<Object> whole = read(file, 0, Long.MAX_VALUE, null);
    for (int third = 1; third <= 2; third++) {
      long start = capture.length * third / 3;
      PcapngCheckpoints checkpoints = new PcapngCheckpoints(capture.length, 8);
      try (CaptureReader late = open(file, start, checkpoints)) {
        // Opened with no state recorded, it will hop from the file start; before it does, a
        // reader of a range before its start records states there.
        read(file, start / 2, start, checkpoints);
        List<Object> got = new ArrayList<>();
        while (late.advance()) {
          got.add(record(late));
        }
        assertThat(name + ", start " + start, got, equalTo(from(whole, start)));
      }
    }
  }

  /** Three interfaces of different link types and resolutions, packets on all, some SPBs. */
  private static byte[] severalInterfaces() {
    CaptureBytes b =
        new CaptureBytes(LE).shb().idb(1, 65535, -1).idb(101, 65535, 9).idb(1, 96, 0x80 | 20);
    Random r = new Random(1);
    for (int i = 0; i < 60; i++) {
      int itf = i % 3;
      byte[] ip = tcp(i);
      if (i % 7 == 6) {
        b.spb(ethernet(0x0800, ip));
      } else if (itf == 0) {
        b.epb(0, T0 + i * 1000L + r.nextInt(1000), ethernet(0x0800, ip));
      } else if (itf == 1) {
        b.epb(1, (T0 + i * 1000L) * 1000 + r.nextInt(1000), ip);
      } else {
        b.epb(2, ((T0 / 1_000_000) << 20) + i * 1024L, ethernet(0x0800, ip));
      }
    }
    return b.bytes();
  }

  /**
   * One interface, then a second one (raw IP, nanoseconds) defined after 30 packets; the packets
   * after it use both.
   */
  private static byte[] interfaceMidFile() {
    CaptureBytes b = new CaptureBytes(LE).shb().idb(1, 65535, -1);
    for (int i = 0; i < 30; i++) {
      b.epb(0, T0 + i * 1000L, ethernet(0x0800, tcp(i)));
    }
    b.idb(101, 65535, 9);
    for (int i = 30; i < 60; i++) {
      if (i % 2 == 0) {
        b.epb(1, (T0 + i * 1000L) * 1000, tcp(i));
      } else {
        b.epb(0, T0 + i * 1000L, ethernet(0x0800, tcp(i)));
      }
    }
    return b.bytes();
  }

  /**
   * A little-endian section (Ethernet, microseconds), then a big-endian one whose interface 0 is
   * raw IP in nanoseconds: a reader that kept the first section's state would misread both.
   */
  private static byte[] twoSections() {
    CaptureBytes first = new CaptureBytes(LE).shb().idb(1, 65535, -1);
    for (int i = 0; i < 30; i++) {
      first.epb(0, T0 + i * 1000L, ethernet(0x0800, tcp(i)));
    }
    first.spb(ethernet(0x0800, tcp(30)));
    CaptureBytes second = new CaptureBytes(BE).shb().idb(101, 65535, 9).idb(1, 65535, -1);
    second.spb(tcp(31)); // interface 0 of the new section, the timestamp of the packet before
    for (int i = 32; i < 60; i++) {
      if (i % 3 == 0) {
        second.epb(1, T0 + i * 1000L, ethernet(0x0800, tcp(i)));
      } else {
        second.epb(0, (T0 + i * 1000L) * 1000, tcp(i));
      }
    }
    return CaptureBytes.concat(first.bytes(), second.bytes());
  }

  /**
   * Packets whose TCP payload is a whole pcapng file (big-endian, in a little-endian capture):
   * inside each lies a chain of valid-looking blocks that is not the file's framing.
   */
  private static byte[] nestedPcapng() {
    CaptureBytes inner = new CaptureBytes(BE).shb().idb(1, 65535, -1);
    for (int i = 0; i < 6; i++) {
      inner.epb(0, T0 + i, ethernet(0x0800, tcp(100 + i)));
    }
    byte[] payload = inner.bytes();
    CaptureBytes b = new CaptureBytes(LE).shb().idb(1, 65535, -1);
    for (int i = 0; i < 24; i++) {
      byte[] frame = ethernet(0x0800, tcp(i));
      if (i % 3 == 1) {
        frame = CaptureBytes.concat(frame, payload);
      }
      b.epb(0, T0 + i * 1000L, frame);
    }
    return b.bytes();
  }

  /** A block with a bad length between good ones: an error record, then a resynchronisation. */
  private static byte[] corruptBlock() {
    CaptureBytes b = new CaptureBytes(LE).shb().idb(1, 65535, -1);
    for (int i = 0; i < 20; i++) {
      b.epb(0, T0 + i * 1000L, ethernet(0x0800, tcp(i)));
    }
    b.u32(6).u32(13).u32(0); // a length that is not a multiple of 4
    for (int i = 20; i < 40; i++) {
      b.epb(0, T0 + i * 1000L, ethernet(0x0800, tcp(i)));
    }
    return b.bytes();
  }

  private static byte[] tcp(int i) {
    return ipv4Tcp("10.0.0." + (1 + i % 5), "10.0.1." + (1 + i % 3), 40000 + i, 443, 0x18);
  }

  private Path write(byte[] capture) throws IOException {
    Path f = Files.createTempFile(dir, "resume", ".pcapng");
    Files.write(f, capture);
    return f;
  }

  /**
   * The records whose offset lies in {@code [start, end)}: packets, errors, and non-IP frames as
   * their offset and type, with the link types the reader reports.
   */
  private static List<Object> read(Path file, long start, long end, PcapngCheckpoints checkpoints)
      throws IOException {
    List<Object> out = new ArrayList<>();
    try (CaptureReader r = open(file, start, checkpoints)) {
      while (r.advance() && r.offset() < end) {
        out.add(record(r));
      }
    }
    return out;
  }

  private static CaptureReader open(Path file, long start, PcapngCheckpoints checkpoints)
      throws IOException {
    return CaptureReader.open(
        file.toString(), FileChannel.open(file, StandardOpenOption.READ), start, 256, checkpoints);
  }

  private static Object record(CaptureReader r) {
    switch (r.kind()) {
      case PACKET:
        return r.packet();
      case NON_IP:
        return "non-IP " + r.nonIpType() + " at " + r.offset();
      default:
        return r.error();
    }
  }

  private static List<Object> from(List<Object> records, long start) {
    List<Object> out = new ArrayList<>();
    for (Object o : records) {
      if (offset(o) >= start) {
        out.add(o);
      }
    }
    return out;
  }

  private static long offset(Object record) {
    if (record instanceof Packet) {
      return ((Packet) record).sourceOffset();
    }
    if (record instanceof RejectedRecord) {
      return ((RejectedRecord) record).offset();
    }
    String s = (String) record;
    return Long.parseLong(s.substring(s.lastIndexOf(' ') + 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void wholeReadHasNoErrorsButTheCorruptBlock(String name, byte[] capture) throws IOException {
    List<Object> whole = read(write(capture), 0, Long.MAX_VALUE, null);
    long errors = whole.stream().filter(o -> o instanceof RejectedRecord).count();
    assertThat(name, errors, equalTo(name.equals("corrupt block") ? 1L : 0L));
    assertThat(name, whole.stream().filter(o -> o instanceof String).toList(), hasSize(0));
  }
}
