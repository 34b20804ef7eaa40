package org.flowbeam.io.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds capture files and frames byte by byte, for parser tests. */
final class CaptureBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteOrder order;

  CaptureBytes(ByteOrder order) {
    this.order = order;
  }

  /** A pcap file header. */
  static CaptureBytes pcap(ByteOrder order, boolean nanos, int snaplen, int linkType) {
    CaptureBytes b = new CaptureBytes(order);
    b.u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(linkType);
    return b;
  }

  CaptureBytes record(long sec, long frac, byte[] frame) {
    return record(sec, frac, frame.length, frame.length, frame);
  }

  CaptureBytes record(long sec, long frac, int caplen, int wireLen, byte[] frame) {
    u32((int) sec).u32((int) frac).u32(caplen).u32(wireLen);
    out.write(frame, 0, frame.length);
    return this;
  }

  /** A pcapng section header block. */
  CaptureBytes shb() {
    return u32(0x0a0d0d0a).u32(28).u32(0x1a2b3c4d).u16(1).u16(0).u64(-1L).u32(28);
  }

  /** An interface description block, with an if_tsresol option when {@code tsresol >= 0}. */
  CaptureBytes idb(int linkType, int snaplen, int tsresol) {
    int len = tsresol >= 0 ? 20 + 8 + 4 : 20;
    u32(1).u32(len).u16(linkType).u16(0).u32(snaplen);
    if (tsresol >= 0) {
      u16(9).u16(1);
      out.write(tsresol);
      out.write(0);
      out.write(0);
      out.write(0);
      u16(0).u16(0);
    }
    return u32(len);
  }

  CaptureBytes epb(int ifid, long units, byte[] frame) {
    return epb(ifid, units, frame.length, frame);
  }

  CaptureBytes epb(int ifid, long units, int wireLen, byte[] frame) {
    int padded = (frame.length + 3) & ~3;
    int len = 32 + padded;
    u32(6).u32(len).u32(ifid).u32((int) (units >>> 32)).u32((int) units);
    u32(frame.length).u32(wireLen);
    out.write(frame, 0, frame.length);
    for (int i = frame.length; i < padded; i++) {
      out.write(0);
    }
    return u32(len);
  }

  CaptureBytes spb(byte[] frame) {
    int padded = (frame.length + 3) & ~3;
    int len = 16 + padded;
    u32(3).u32(len).u32(frame.length);
    out.write(frame, 0, frame.length);
    for (int i = frame.length; i < padded; i++) {
      out.write(0);
    }
    return u32(len);
  }

  CaptureBytes raw(byte[] bytes) {
    out.write(bytes, 0, bytes.length);
    return this;
  }

  CaptureBytes u16(int v) {
    byte[] b = ByteBuffer.allocate(2).order(order).putShort((short) v).array();
    out.write(b, 0, 2);
    return this;
  }

  CaptureBytes u32(int v) {
    byte[] b = ByteBuffer.allocate(4).order(order).putInt(v).array();
    out.write(b, 0, 4);
    return this;
  }

  CaptureBytes u64(long v) {
    byte[] b = ByteBuffer.allocate(8).order(order).putLong(v).array();
    out.write(b, 0, 8);
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  // ---- frames (network byte order) ----

  /** An IPv4 header (with {@code optionWords} 4-byte option words) and a TCP header. */
  static byte[] ipv4Tcp(
      String src, String dst, int sport, int dport, int flags, int optionWords, int fragWord) {
    int ihl = 5 + optionWords;
    ByteBuffer b = ByteBuffer.allocate(ihl * 4 + 20);
    b.put((byte) (0x40 | ihl)).put((byte) 0).putShort((short) (ihl * 4 + 20));
    b.putShort((short) 1)
        .putShort((short) fragWord)
        .put((byte) 64)
        .put((byte) 6)
        .putShort((short) 0);
    b.put(org.flowbeam.model.IpAddresses.parse(src)).put(org.flowbeam.model.IpAddresses.parse(dst));
    for (int i = 0; i < optionWords; i++) {
      b.putInt(0x01010101); // NOPs
    }
    b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(2000);
    b.put((byte) 0x50).put((byte) flags).putShort((short) 1024).putInt(0);
    return b.array();
  }

  static byte[] ipv4Tcp(String src, String dst, int sport, int dport, int flags) {
    return ipv4Tcp(src, dst, sport, dport, flags, 0, 0);
  }

  /** An IPv6 header, the given extension headers (each 8 bytes: next, len 0), then UDP. */
  static byte[] ipv6Udp(String src, String dst, int sport, int dport, int... extensions) {
    ByteBuffer b = ByteBuffer.allocate(40 + 8 * extensions.length + 8);
    int first = extensions.length == 0 ? 17 : extensions[0];
    b.putInt(0x60000000).putShort((short) (8 * extensions.length + 8)).put((byte) first);
    b.put((byte) 64);
    b.put(org.flowbeam.model.IpAddresses.parse(src)).put(org.flowbeam.model.IpAddresses.parse(dst));
    for (int i = 0; i < extensions.length; i++) {
      int next = i + 1 < extensions.length ? extensions[i + 1] : 17;
      b.put((byte) next).put((byte) 0).putShort((short) 0).putInt(0);
    }
    b.putShort((short) sport).putShort((short) dport).putShort((short) 8).putShort((short) 0);
    return b.array();
  }

  /** An Ethernet frame around {@code payload}, with the given VLAN tag types before it. */
  static byte[] ethernet(int etherType, byte[] payload, int... tags) {
    ByteBuffer b = ByteBuffer.allocate(14 + 4 * tags.length + payload.length);
    b.put(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    for (int tag : tags) {
      b.putShort((short) tag).putShort((short) 7);
    }
    b.putShort((short) etherType).put(payload);
    return b.array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
