package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.flowbeam.model.Packet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pcap reader opened mid-file resynchronises to a true record boundary, also when whole frames
 * make a plausible chain of record headers 4 bytes after the real one.
 *
 * <p>The captures here hold whole (uncut) Ethernet/IPv4/TCP frames whose destination MAC reads, in
 * the file's byte order, as a plausible original length: {@code 02:42:00:00:hh:hh} (FlowBeam's
 * generator before commit 439c9a6; little-endian {@code 0x4202} = 16,898) and, for a big-endian
 * file, the VRRP router MAC {@code 00:00:5e:00:01:xx} ({@code 0x5e00} = 24,064). Four bytes into a
 * real header a reader sees {@code frac, caplen, orig_len} as {@code sec, frac, caplen} and the MAC
 * as the original length, and since every record is whole the shifted headers chain. Every byte
 * offset of each capture is tried as a range start. Clocks that start near the epoch (where the
 * shifted seconds are plausible times) and that jump forward are covered too.
 */
class PcapResyncTest {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ByteOrder BE = ByteOrder.BIG_ENDIAN;
  private static final byte[] OLD_GENERATOR_MAC = {0x02, 0x42, 0, 0};
  private static final byte[] VRRP_MAC = {0, 0, 0x5e, 0, 1};
  private static final int SNAPLEN = 2048;
  private static final int RECORDS = 200;

  @TempDir Path dir;

  /** A capture and the offsets of its records' headers. */
  private static final class Capture {
    final byte[] bytes;
    final TreeSet<Long> recordOffsets;

    Capture(byte[] bytes, TreeSet<Long> recordOffsets) {
      this.bytes = bytes;
      this.recordOffsets = recordOffsets;
    }
  }

  /** How a capture's clock runs: the seconds of the first record, and a jump, if any. */
  private enum Clock {
    /** A real clock, November 2023. */
    SET(1_700_000_000L, 0),
    /** A device without a real-time clock: 2.3 days after the epoch. */
    EPOCH(200_000L, 0),
    /** Starts near the epoch, then NTP sets the clock (a jump of 53 years half-way). */
    EPOCH_THEN_SET(200_000L, 1_700_000_000L - 200_000L);

    final long firstSecond;
    final long jump;

    Clock(long firstSecond, long jump) {
      this.firstSecond = firstSecond;
      this.jump = jump;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("little-endian, microseconds", LE, false, OLD_GENERATOR_MAC, Clock.SET),
        Arguments.of("little-endian, nanoseconds", LE, true, OLD_GENERATOR_MAC, Clock.SET),
        Arguments.of("big-endian, VRRP MACs", BE, false, VRRP_MAC, Clock.SET),
        Arguments.of("clock near the epoch", LE, false, OLD_GENERATOR_MAC, Clock.EPOCH),
        Arguments.of("clock set half-way", LE, false, OLD_GENERATOR_MAC, Clock.EPOCH_THEN_SET));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyRangeStartFindsTheNextRecord(
      String name, ByteOrder order, boolean nanos, byte[] macPrefix, Clock clock)
      throws IOException {
    Capture c = capture(order, nanos, macPrefix, clock, new Random(name.hashCode()));
    Path file = write(c);
    List<String> wrong = new ArrayList<>();
    for (long start = 1; start < c.bytes.length; start++) {
      Long expected = c.recordOffsets.ceiling(start);
      try (CaptureReader r = open(file, start)) {
        boolean any = r.advance();
        if (expected == null
            ? any
            : !any || r.offset() != expected || r.kind() != CaptureReader.Kind.PACKET) {
          wrong.add(
              "start "
                  + start
                  + ": expected "
                  + expected
                  + ", got "
                  + (any ? r.kind() + " at " + r.offset() : "nothing"));
        }
      }
    }
    assertThat(
        name + ": " + wrong.size() + " of " + (c.bytes.length - 1) + " range starts wrong",
        wrong.subList(0, Math.min(wrong.size(), 5)),
        empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void splitsReadAsTheWholeFile(
      String name, ByteOrder order, boolean nanos, byte[] macPrefix, Clock clock)
      throws IOException {
    Capture c = capture(order, nanos, macPrefix, clock, new Random(name.hashCode()));
    Path file = write(c);
    SharedCaptures.Result whole = SharedCaptures.readAll(file);
    assertThat(whole.errors, empty());
    assertThat(whole.packets.size(), equalTo(RECORDS));
    for (long split : new long[] {97, 1_009, 4_093}) {
      List<Packet> got = new ArrayList<>();
      long errors = 0;
      for (long s = 0; s < c.bytes.length; s += split) {
        SharedCaptures.Result r = SharedCaptures.readRange(file, s, s + split, 4096);
        got.addAll(r.packets);
        errors += r.errors.size();
      }
      String what = name + ", split every " + split;
      assertThat(what + ": errors", errors, equalTo(0L));
      assertThat(what + ": packets", got.size(), equalTo(whole.packets.size()));
      for (int i = 0; i < got.size(); i++) {
        assertThat(what + ": packet " + i, got.get(i), equalTo(whole.packets.get(i)));
      }
    }
  }

  private Path write(Capture c) throws IOException {
    Path f = Files.createTempFile(dir, "resync", ".pcap");
    Files.write(f, c.bytes);
    return f;
  }

  private static CaptureReader open(Path file, long start) throws IOException {
    return CaptureReader.open(
        file.toString(), FileChannel.open(file, StandardOpenOption.READ), start, 4096);
  }

  /**
   * {@value #RECORDS} whole TCP frames of 54 to 1,514 bytes, 0 to 2 ms apart, with destination MACs
   * {@code macPrefix} and then host bytes.
   */
  private static Capture capture(
      ByteOrder order, boolean nanos, byte[] macPrefix, Clock clock, Random random) {
    CaptureBytes b = CaptureBytes.pcap(order, nanos, SNAPLEN, 1);
    TreeSet<Long> offsets = new TreeSet<>();
    long offset = 24;
    long micros = clock.firstSecond * 1_000_000L + random.nextInt(1_000_000);
    for (int i = 0; i < RECORDS; i++) {
      if (i == RECORDS / 2) {
        micros += clock.jump * 1_000_000L;
      }
      int payload = random.nextInt(3) == 0 ? 0 : random.nextInt(1461);
      byte[] frame = frame(macPrefix, random.nextInt(1 << 16), payload, random);
      long sec = micros / 1_000_000L;
      long frac = nanos ? micros % 1_000_000L * 1000 + random.nextInt(1000) : micros % 1_000_000L;
      b.record(sec, frac, frame);
      offsets.add(offset);
      offset += 16 + frame.length;
      micros += random.nextInt(2000);
    }
    return new Capture(b.bytes(), offsets);
  }

  /** An Ethernet II / IPv4 / TCP frame with {@code payload} bytes of data. */
  private static byte[] frame(byte[] macPrefix, int host, int payload, Random random) {
    ByteBuffer f = ByteBuffer.allocate(54 + payload);
    byte[] dst = new byte[6];
    System.arraycopy(macPrefix, 0, dst, 0, macPrefix.length);
    for (int k = macPrefix.length; k < 6; k++) {
      dst[k] = (byte) (host >>> (8 * (5 - k)));
    }
    f.put(dst).put(new byte[] {0x02, 0x42, 0, 0, 0, 1}).putShort((short) 0x0800);
    f.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload));
    f.putShort((short) random.nextInt()).putShort((short) 0x4000).put((byte) 64).put((byte) 6);
    f.putShort((short) 0).putInt(0x0a000001).putInt(0x0a000000 | (host & 0xffff));
    f.putShort((short) 40000).putShort((short) 443);
    f.putInt(random.nextInt()).putInt(random.nextInt());
    f.put((byte) 0x50).put((byte) 0x18).putShort((short) 64240).putInt(0);
    byte[] data = new byte[payload];
    random.nextBytes(data);
    return f.put(data).array();
  }
}
