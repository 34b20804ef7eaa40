package org.flowbeam.generate;

import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.TcpFlags;

/**
 * Builds the bytes of a generated packet as an Ethernet frame: Ethernet II, IPv4 (header checksum
 * set, DF, TTL 64) or IPv6 (hop limit 64), TCP (window 64240; SYN and SYN-ACK carry MSS, SACK
 * permitted, timestamps and window-scale options) or UDP, then the payload, taken from a fixed
 * pseudo-random block. TCP and UDP checksums are left 0, as in captures taken with checksum
 * offload; readers do not check them. The writers keep the whole frame or its first snaplen bytes
 * ({@code --snaplen}); the encoder then skips the payload bytes that would be cut.
 */
final class FrameEncoder {
  /** The largest frame the generator makes (Ethernet + 1500-byte IP packet). */
  static final int MAX_FRAME = 1514;

  private static final byte[] PAYLOAD = new byte[8192 + MAX_FRAME];

  static {
    Rng r = new Rng(0x5eed);
    for (int i = 0; i < PAYLOAD.length; i++) {
      PAYLOAD[i] = (byte) r.nextLong();
    }
  }

  private final Hosts hosts;
  private int ipId;

  FrameEncoder(Hosts hosts) {
    this.hosts = hosts;
  }

  /**
   * Writes the frame of {@code p} at {@code b[off]}: all its headers, and its payload as far as the
   * first {@code limit} bytes of the frame reach (so {@code b[off, off + min(length, limit))} is
   * the frame's beginning; bytes past it are unspecified). The buffer must have room for a whole
   * frame. Returns the frame's length ({@link SynthPacket#wireLength}).
   */
  int encode(SynthPacket p, byte[] b, int off, int limit) {
    Endpoints e = p.endpoints;
    boolean v6 = e.v6();
    boolean tcp = e.protocol() == IpProtocol.TCP;
    int length = p.wireLength();
    hosts.mac(p.dstHost(), b, off);
    hosts.mac(p.srcHost(), b, off + 6);
    int ip = off + 14;
    int l4;
    int ipPayload = length - 14 - (v6 ? 40 : 20);
    if (v6) {
      b[off + 12] = (byte) 0x86;
      b[off + 13] = (byte) 0xdd;
      b[ip] = 0x60;
      b[ip + 1] = 0;
      b[ip + 2] = 0;
      b[ip + 3] = 0;
      b[ip + 4] = (byte) (ipPayload >>> 8);
      b[ip + 5] = (byte) ipPayload;
      b[ip + 6] = (byte) e.protocol();
      b[ip + 7] = 64;
      hosts.address(p.srcHost(), true, b, ip + 8);
      hosts.address(p.dstHost(), true, b, ip + 24);
      l4 = ip + 40;
    } else {
      b[off + 12] = 0x08;
      b[off + 13] = 0x00;
      int total = ipPayload + 20;
      int id = ipId++ & 0xffff;
      b[ip] = 0x45;
      b[ip + 1] = 0;
      b[ip + 2] = (byte) (total >>> 8);
      b[ip + 3] = (byte) total;
      b[ip + 4] = (byte) (id >>> 8);
      b[ip + 5] = (byte) id;
      b[ip + 6] = 0x40;
      b[ip + 7] = 0;
      b[ip + 8] = 64;
      b[ip + 9] = (byte) e.protocol();
      b[ip + 10] = 0;
      b[ip + 11] = 0;
      hosts.address(p.srcHost(), false, b, ip + 12);
      hosts.address(p.dstHost(), false, b, ip + 16);
      int sum = 0;
      for (int i = 0; i < 20; i += 2) {
        sum += ((b[ip + i] & 0xff) << 8) | (b[ip + i + 1] & 0xff);
      }
      sum = (sum & 0xffff) + (sum >>> 16);
      sum = (sum & 0xffff) + (sum >>> 16);
      int checksum = ~sum & 0xffff;
      b[ip + 10] = (byte) (checksum >>> 8);
      b[ip + 11] = (byte) checksum;
      l4 = ip + 20;
    }
    putShort(b, l4, p.srcPort());
    putShort(b, l4 + 2, p.dstPort());
    int data;
    if (tcp) {
      putInt(b, l4 + 4, (int) p.seq);
      putInt(b, l4 + 8, (p.flags & TcpFlags.ACK) != 0 ? (int) p.ack : 0);
      int headerLen = 20 + p.options;
      b[l4 + 12] = (byte) ((headerLen / 4) << 4);
      b[l4 + 13] = (byte) p.flags;
      putShort(b, l4 + 14, (p.flags & TcpFlags.RST) != 0 ? 0 : 64240);
      putShort(b, l4 + 16, 0);
      putShort(b, l4 + 18, 0);
      if (p.options > 0) {
        int o = l4 + 20;
        b[o] = 2; // MSS 1460
        b[o + 1] = 4;
        putShort(b, o + 2, 1460);
        b[o + 4] = 4; // SACK permitted
        b[o + 5] = 2;
        b[o + 6] = 8; // timestamps
        b[o + 7] = 10;
        putInt(b, o + 8, (int) (p.timestampUs / 1000));
        putInt(b, o + 12, 0);
        b[o + 16] = 1; // NOP
        b[o + 17] = 3; // window scale 7
        b[o + 18] = 3;
        b[o + 19] = 7;
      }
      data = l4 + headerLen;
    } else {
      putShort(b, l4 + 4, 8 + p.payload);
      putShort(b, l4 + 6, 0);
      data = l4 + 8;
    }
    int copied = Math.min(p.payload, Math.max(0, off + limit - data));
    System.arraycopy(PAYLOAD, (int) (p.seq & 8191), b, data, copied);
    return length;
  }

  private static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
