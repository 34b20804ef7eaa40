package org.flowbeam.io.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Objects;
import org.flowbeam.io.fuzz.AllocationMeter;
import org.flowbeam.model.Packet;
import org.flowbeam.model.Tunnel;

/**
 * Fuzzes {@link FrameDecoder} over every link type it decodes and every encapsulation reachable
 * from them (src/docs/encapsulations.md).
 *
 * <p>Input: byte 0 picks the link type from {@link #LINK_TYPES}, byte 1 holds the flags (bit 0: the
 * writer is big-endian, which NFLOG reads), the rest is the captured frame. The seeds in {@code
 * FrameDecoderFuzzTestInputs/} are the frames of the repository's test captures and of slices of
 * the shared captures (src/fuzz/seeds.py).
 *
 * <p>The contract checked, beyond "no exception but {@link CaptureFormatException}":
 *
 * <ul>
 *   <li>a packet has the frame's wire length, timestamp and record offset, and no non-IP type; a
 *       non-IP frame has a type and no packet; a refusal names the record's offset in one line;
 *   <li>the decoder reads only the captured bytes: the same frame between other surrounding bytes,
 *       at another index of the array, decodes to the same result;
 *   <li>decapsulating never loses a packet: a frame that decodes to an outer packet without
 *       decapsulation decodes to a packet with it (the inner one, or the outer one when the
 *       tunnel's inside is not decodable) unless it nests more than {@value
 *       FrameDecoder#MAX_TUNNELS} tunnels; the tunnel it names has the outer packet's endpoints; a
 *       packet not in a tunnel is the outer packet itself;
 *   <li>allocation is bounded by a constant ({@link AllocationMeter#steady}): no length read from
 *       the frame is allocated.
 * </ul>
 */
class FrameDecoderFuzzTest {
  /** The link types the decoder reads, and one it does not (USER0, 147). */
  static final int[] LINK_TYPES = {
    LinkType.ETHERNET,
    LinkType.NULL,
    LinkType.LOOP,
    LinkType.RAW,
    LinkType.RAW_12,
    LinkType.RAW_14,
    LinkType.IPV4,
    LinkType.IPV6,
    LinkType.LINUX_SLL,
    LinkType.LINUX_SLL2,
    LinkType.PPP,
    LinkType.PPP_HDLC,
    LinkType.PPP_ETHER,
    LinkType.PPP_WITH_DIR,
    LinkType.C_HDLC,
    LinkType.FDDI,
    LinkType.TOKEN_RING,
    LinkType.NFLOG,
    LinkType.IEEE802_11,
    LinkType.IEEE802_11_RADIOTAP,
    147
  };

  private static final long TIMESTAMP = 1_700_000_000_123_456L;
  private static final long RECORD_OFFSET = 4242;

  /** What became of one frame. */
  record Outcome(int result, Packet packet, String nonIpType, Tunnel tunnel, String refusal) {}

  @FuzzTest
  void decode(byte[] input) throws Exception {
    if (input.length < 2) {
      return;
    }
    int linkType = LINK_TYPES[(input[0] & 0xff) % LINK_TYPES.length];
    boolean bigEndian = (input[1] & 1) != 0;
    byte[] frame = Arrays.copyOfRange(input, 2, input.length);
    int wireLength = frame.length + (input[1] & 0xf0);

    Outcome inner = decode(true, frame, 0, (byte) 0, linkType, bigEndian, wireLength);
    AllocationMeter.check(
        AllocationMeter.steady(
            () -> decode(true, frame, 0, (byte) 0, linkType, bigEndian, wireLength)),
        16 * 1024 + 2L * frame.length,
        "decoding a frame of " + frame.length + " bytes");
    Outcome moved = decode(true, frame, 5, (byte) 0xff, linkType, bigEndian, wireLength);
    Outcome outer = decode(false, frame, 3, (byte) 0x45, linkType, bigEndian, wireLength);

    assertEquals(inner, moved, "the result depends on bytes outside the captured frame");
    for (Outcome o : new Outcome[] {inner, outer}) {
      checkShape(o, wireLength);
    }
    assertNull(outer.tunnel(), "a tunnel named without decapsulation");
    if (outer.result() == FrameDecoder.PACKET) {
      if (inner.refusal() != null) {
        assertTrue(
            inner.refusal().contains("nested tunnels"),
            "decapsulation refused a frame that has an outer packet: " + inner.refusal());
        return;
      }
      assertEquals(FrameDecoder.PACKET, inner.result(), "decapsulation lost the outer packet");
      if (inner.tunnel() == null) {
        assertEquals(outer.packet(), inner.packet(), "a packet outside any tunnel changed");
      } else {
        assertArrayEquals(outer.packet().srcIp(), inner.tunnel().outerSrcIp());
        assertArrayEquals(outer.packet().dstIp(), inner.tunnel().outerDstIp());
      }
    } else if (outer.result() == FrameDecoder.NON_IP) {
      assertEquals(outer, inner, "a frame without IP decodes differently when decapsulating");
    }
  }

  /** The frame's fields agree with what the decoder was given. */
  private static void checkShape(Outcome o, int wireLength) {
    if (o.refusal() != null) {
      assertFalse(o.refusal().isBlank());
      assertFalse(o.refusal().contains("\n"), "a refusal of more than one line");
      return;
    }
    if (o.result() == FrameDecoder.PACKET) {
      Packet p = o.packet();
      assertNotNull(p);
      assertNull(o.nonIpType());
      assertEquals(wireLength, p.length());
      assertEquals(TIMESTAMP, p.timestampMicros());
      assertEquals(RECORD_OFFSET, p.sourceOffset());
      assertTrue(p.srcIp().length == 4 || p.srcIp().length == 16);
    } else {
      assertEquals(FrameDecoder.NON_IP, o.result());
      assertNull(o.packet());
      assertNull(o.tunnel());
      assertNotNull(o.nonIpType());
      assertFalse(o.nonIpType().isBlank());
    }
  }

  /**
   * Decodes {@code frame} placed at {@code at} in an array otherwise filled with {@code fill}, with
   * a new decoder that decapsulates or not.
   */
  private static Outcome decode(
      boolean decapsulate,
      byte[] frame,
      int at,
      byte fill,
      int linkType,
      boolean bigEndian,
      int wireLength) {
    byte[] b = new byte[at + frame.length + 64];
    Arrays.fill(b, fill);
    System.arraycopy(frame, 0, b, at, frame.length);
    FrameDecoder decoder = new FrameDecoder(decapsulate);
    try {
      int r =
          decoder.decode(
              b, at, frame.length, linkType, bigEndian, TIMESTAMP, wireLength, RECORD_OFFSET);
      return new Outcome(
          r,
          r == FrameDecoder.PACKET ? decoder.packet() : null,
          decoder.nonIpType(),
          decoder.tunnel(),
          null);
    } catch (CaptureFormatException e) {
      assertEquals(RECORD_OFFSET, e.offset());
      return new Outcome(0, null, null, null, Objects.requireNonNull(e.reason()));
    }
  }
}
