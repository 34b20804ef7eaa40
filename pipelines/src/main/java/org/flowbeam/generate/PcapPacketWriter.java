package org.flowbeam.generate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a libpcap savefile: little-endian, microsecond timestamps, snaplen 65535, link type
 * Ethernet; each record a whole frame built by {@link FrameEncoder}.
 */
final class PcapPacketWriter extends PacketWriter {
  private final FrameEncoder encoder;

  PcapPacketWriter(OutputStream out, Hosts hosts) throws IOException {
    super(out);
    this.encoder = new FrameEncoder(hosts);
    ensure(24);
    putIntLe(0xa1b2c3d4);
    putShortLe(2);
    putShortLe(4);
    putIntLe(0); // thiszone
    putIntLe(0); // sigfigs
    putIntLe(65535); // snaplen
    putIntLe(1); // LINKTYPE_ETHERNET
  }

  @Override
  void write(SynthPacket p) throws IOException {
    ensure(16 + FrameEncoder.MAX_FRAME);
    int header = pos;
    pos += 16;
    int len = encoder.encode(p, buf, pos);
    pos += len;
    int end = pos;
    pos = header;
    putIntLe((int) Math.floorDiv(p.timestampUs, 1_000_000L));
    putIntLe((int) Math.floorMod(p.timestampUs, 1_000_000L));
    putIntLe(len);
    putIntLe(len);
    pos = end;
  }
}
