package org.flowbeam.generate;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a libpcap savefile: little-endian, microsecond timestamps, link type Ethernet, frames
 * built by {@link FrameEncoder}. Each record keeps the first {@code snaplen} bytes of its frame
 * (captured length {@code min(length, snaplen)}, original length the whole frame's), as {@code
 * tcpdump -s snaplen} does, and the file header carries the snaplen; the default 65535 keeps every
 * frame whole.
 */
final class PcapPacketWriter extends PacketWriter {
  private final FrameEncoder encoder;
  private final int snaplen;

  PcapPacketWriter(OutputStream out, Hosts hosts, int snaplen) throws IOException {
    super(out);
    this.encoder = new FrameEncoder(hosts);
    this.snaplen = snaplen;
    ensure(24);
    putIntLe(0xa1b2c3d4);
    putShortLe(2);
    putShortLe(4);
    putIntLe(0); // thiszone
    putIntLe(0); // sigfigs
    putIntLe(snaplen);
    putIntLe(1); // LINKTYPE_ETHERNET
  }

  @Override
  void write(SynthPacket p) throws IOException {
    ensure(16 + FrameEncoder.MAX_FRAME);
    int header = pos;
    pos += 16;
    int len = encoder.encode(p, buf, pos, snaplen);
    int captured = Math.min(len, snaplen);
    pos += captured;
    int end = pos;
    pos = header;
    putIntLe((int) Math.floorDiv(p.timestampUs, 1_000_000L));
    putIntLe((int) Math.floorMod(p.timestampUs, 1_000_000L));
    putIntLe(captured);
    putIntLe(len);
    pos = end;
  }
}
