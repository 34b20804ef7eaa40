package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.TunnelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The frame decoder on hostile input: every frame of {@link EncapsulationTest}'s captures cut at
 * every length and with random bytes changed, and tunnel headers built to loop or nest: it answers
 * a packet, a non-IP frame or a {@link CaptureFormatException}, never another exception, and stops
 * at its bounds.
 */
class FrameDecoderHostileInputTest {
  /** One captured frame with its capture's link type and writer byte order. */
  record RawFrame(String where, int linkType, boolean bigEndian, byte[] bytes) {}

  static Stream<RawFrame> frames() throws IOException {
    List<RawFrame> out = new ArrayList<>();
    for (String name : EncapsulationTest.captures().toList()) {
      byte[] file = Files.readAllBytes(EncapsulationTest.resources().resolve(name));
      ByteBuffer in = ByteBuffer.wrap(file);
      boolean big = in.getInt(0) == 0xa1b2c3d4;
      in.order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
      int linkType = in.getInt(20);
      int pos = 24;
      for (int i = 1; pos < file.length; i++) {
        int capLen = in.getInt(pos + 8);
        out.add(
            new RawFrame(
                name + "#" + i,
                linkType,
                big,
                Arrays.copyOfRange(file, pos + 16, pos + 16 + capLen)));
        pos += 16 + capLen;
      }
    }
    return out.stream();
  }

  /** Decodes, returning what became of the frame; fails on any exception but the checked one. */
  private static String decode(FrameDecoder d, RawFrame f, byte[] bytes, int capLen) {
    try {
      int r = d.decode(bytes, 0, capLen, f.linkType(), f.bigEndian(), 1, bytes.length, 0);
      return r == FrameDecoder.PACKET ? d.packet().toString() : "non-IP " + d.nonIpType();
    } catch (CaptureFormatException e) {
      return "error " + e.reason();
    } catch (RuntimeException e) {
      throw new AssertionError(f.where() + " cut at " + capLen + ": " + e, e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void everyCutDecodesOrIsRefused(RawFrame f) {
    FrameDecoder d = new FrameDecoder();
    String whole = decode(d, f, f.bytes(), f.bytes().length);
    for (int cut = 0; cut < f.bytes().length; cut++) {
      decode(d, f, f.bytes(), cut);
    }
    // The decoder keeps nothing from one frame to the next.
    assertThat(decode(d, f, f.bytes(), f.bytes().length), equalTo(whole));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void changedBytesDecodeOrAreRefused(RawFrame f) {
    FrameDecoder d = new FrameDecoder();
    Random random = new Random(f.where().hashCode());
    for (int i = 0; i < 300; i++) {
      byte[] b = f.bytes().clone();
      for (int k = 1 + random.nextInt(4); k > 0 && b.length > 0; k--) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      decode(d, f, b, b.length);
    }
  }

  private static final byte[] OUTER_IPV4 = {
    0x45, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, (byte) 192, 0, 2, 1, (byte) 192, 0, 2, 2
  };

  /** An IPv4 header of protocol {@code protocol} around {@code payload}. */
  private static byte[] ipv4(int protocol, byte[] payload) {
    byte[] h = OUTER_IPV4.clone();
    h[9] = (byte) protocol;
    int total = 20 + payload.length;
    h[2] = (byte) (total >>> 8);
    h[3] = (byte) total;
    return concat(h, payload);
  }

  private static byte[] udp(int port, byte[] payload) {
    int length = 8 + payload.length;
    return concat(
        new byte[] {
          (byte) 0xc0,
          0x01,
          (byte) (port >>> 8),
          (byte) port,
          (byte) (length >>> 8),
          (byte) length,
          0,
          0
        },
        payload);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static final byte[] INNER_TCP =
      CaptureBytes.ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 80, 2);

  private static String decodeRaw(FrameDecoder d, byte[] frame) throws CaptureFormatException {
    int r = d.decode(frame, 0, frame.length, LinkType.RAW, true, 1, frame.length, 0);
    return r == FrameDecoder.PACKET ? IpAddresses.format(d.packet().srcIp()) : "non-IP";
  }

  @Test
  void tunnelsNestedUpToTheBoundAreDecodedBeyondItRefused() throws CaptureFormatException {
    FrameDecoder d = new FrameDecoder();
    byte[] frame = INNER_TCP;
    for (int i = 0; i < FrameDecoder.MAX_TUNNELS; i++) {
      // Alternate GRE and GTP-U so that every kind of nesting counts.
      frame =
          i % 2 == 0
              ? ipv4(47, concat(new byte[] {0, 0, 8, 0}, frame))
              : ipv4(
                  17, udp(2152, concat(new byte[] {0x30, (byte) 0xff, 0, 0, 0, 0, 0, 1}, frame)));
    }
    assertThat(decodeRaw(d, frame), equalTo("10.0.0.1"));
    assertThat(d.tunnel().type(), equalTo(TunnelType.GTP_U));
    byte[] deeper = ipv4(4, frame);
    CaptureFormatException e = null;
    try {
      decodeRaw(d, deeper);
    } catch (CaptureFormatException x) {
      e = x;
    }
    assertThat(e, notNullValue());
    assertThat(e.reason(), containsString("more than 8 nested tunnels"));
    // The next frame starts from no tunnel.
    assertThat(decodeRaw(d, ipv4(4, INNER_TCP)), equalTo("10.0.0.1"));
    assertThat(d.tunnel().type(), equalTo(TunnelType.IP_IN_IP));
  }

  @Test
  void endlessHeaderChainsAreCutAtTheirBound() throws CaptureFormatException {
    FrameDecoder d = new FrameDecoder();
    // GTP-U with E set and more extension headers (4 bytes each, always announcing another)
    // than the bound: the outer packet.
    ByteArrayOutputStream gtp = new ByteArrayOutputStream();
    gtp.writeBytes(new byte[] {0x34, (byte) 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, (byte) 0x85});
    for (int i = 0; i <= TunnelHeaders.MAX_GTP_EXTENSIONS; i++) {
      gtp.writeBytes(new byte[] {1, 0, 0, (byte) 0x85});
    }
    gtp.writeBytes(INNER_TCP);
    assertThat(decodeRaw(d, ipv4(17, udp(2152, gtp.toByteArray()))), equalTo("192.0.2.1"));
    assertThat(d.tunnel(), nullValue());
    // GRE with the routing bit and more source route entries than the bound: the outer packet.
    ByteArrayOutputStream gre = new ByteArrayOutputStream();
    gre.writeBytes(new byte[] {0x40, 0, 8, 0, 0, 0, 0, 0});
    for (int i = 0; i <= TunnelHeaders.MAX_GRE_SOURCE_ROUTES; i++) {
      gre.writeBytes(new byte[] {0, 1, 0, 0});
    }
    gre.writeBytes(new byte[] {0, 0, 0, 0});
    gre.writeBytes(INNER_TCP);
    assertThat(decodeRaw(d, ipv4(47, gre.toByteArray())), equalTo("192.0.2.1"));
    // A GTP-U extension header of length 0 would never advance: refused, the outer packet.
    byte[] zero = {0x34, (byte) 0xff, 0, 0, 0, 0, 0, 1, 0, 0, 0, (byte) 0x85, 0, 0, 0, 0};
    assertThat(decodeRaw(d, ipv4(17, udp(2152, concat(zero, INNER_TCP)))), equalTo("192.0.2.1"));
  }

  @Test
  void vlanTagsBeyondTheBoundAreNotIp() throws CaptureFormatException {
    ByteArrayOutputStream eth = new ByteArrayOutputStream();
    eth.writeBytes(new byte[12]);
    for (int i = 0; i <= FrameDecoder.MAX_LINK_HEADERS; i++) {
      eth.writeBytes(new byte[] {(byte) 0x81, 0, 0, 1});
    }
    eth.writeBytes(new byte[] {8, 0});
    eth.writeBytes(INNER_TCP);
    byte[] frame = eth.toByteArray();
    FrameDecoder d = new FrameDecoder();
    assertThat(
        d.decode(frame, 0, frame.length, LinkType.ETHERNET, true, 1, frame.length, 0),
        equalTo(FrameDecoder.NON_IP));
    assertThat(d.nonIpCounts().keySet(), equalTo(java.util.Set.of("VLAN_SHORT")));
  }
}
