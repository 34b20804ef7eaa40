package org.flowbeam.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng: a Section Header Block (little-endian, section length unknown, {@code
 * shb_userappl} naming the generator), one Interface Description Block (Ethernet, microsecond
 * resolution, the default; snaplen {@code snaplen}), then one Enhanced Packet Block per packet,
 * frames built by {@link FrameEncoder}, each cut to its first {@code snaplen} bytes (captured
 * length {@code min(length, snaplen)}, original length the whole frame's).
 */
final class PcapngPacketWriter extends PacketWriter {
  private static final byte[] APPLICATION = "flowbeam generate".getBytes(StandardCharsets.US_ASCII);

  private final FrameEncoder encoder;
  private final int snaplen;

  PcapngPacketWriter(OutputStream out, Hosts hosts, int snaplen) throws IOException {
    super(out);
    this.encoder = new FrameEncoder(hosts);
    this.snaplen = snaplen;
    int appOption = 4 + pad4(APPLICATION.length);
    int shbLength = 28 + appOption + 4;
    ensure(shbLength + 20);
    putIntLe(0x0A0D0D0A);
    putIntLe(shbLength);
    putIntLe(0x1A2B3C4D);
    putShortLe(1);
    putShortLe(0);
    putIntLe(-1); // section length: unknown
    putIntLe(-1);
    putShortLe(4); // shb_userappl
    putShortLe(APPLICATION.length);
    System.arraycopy(APPLICATION, 0, buf, pos, APPLICATION.length);
    java.util.Arrays.fill(buf, pos + APPLICATION.length, pos + pad4(APPLICATION.length), (byte) 0);
    pos += pad4(APPLICATION.length);
    putIntLe(0); // opt_endofopt
    putIntLe(shbLength);
    // Interface Description Block: Ethernet, the snaplen, no options.
    putIntLe(1);
    putIntLe(20);
    putShortLe(1);
    putShortLe(0);
    putIntLe(snaplen);
    putIntLe(20);
  }

  private static int pad4(int n) {
    return (n + 3) & ~3;
  }

  @Override
  void write(SynthPacket p) throws IOException {
    ensure(32 + FrameEncoder.MAX_FRAME + 3);
    int block = pos;
    pos += 28;
    int len = encoder.encode(p, buf, pos, snaplen);
    int captured = Math.min(len, snaplen);
    int padded = pad4(captured);
    for (int i = pos + captured; i < pos + padded; i++) {
      buf[i] = 0;
    }
    int end = pos + padded;
    int total = 32 + padded;
    pos = block;
    putIntLe(6);
    putIntLe(total);
    putIntLe(0); // interface 0
    putIntLe((int) (p.timestampUs >>> 32));
    putIntLe((int) p.timestampUs);
    putIntLe(captured);
    putIntLe(len);
    pos = end;
    putIntLe(total);
  }
}
