package org.flowbeam.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packets of one flow key gathered before the keyed shuffle: a run of a 5-tuple's packets from one
 * bundle of a reader, in the order they were read. The keyed stage merges a key's fragments and
 * sorts their packets in {@link Packet#EVENT_ORDER}, so fragments change how packets travel, never
 * which flows come out.
 *
 * <p>The packets are held encoded, as the {@link Builder} appended them: per packet a byte holding
 * its direction (bit 0) and its flags above the low eight ({@link TcpFlags#AE} and the reserved
 * bits, in bits 1–4), a byte of the low eight flags, seq and ack, then its timestamp and source
 * offset as zig-zag deltas from the previous packet and its length, as varints, then its IP length
 * and payload length as differences to the length above them ({@link #difference}) — about 17 bytes
 * a packet, the key's addresses once. Bits 5–6 of the first byte say the packet's {@link
 * Packet#tunnel()}: 0 none, 1 the previous packet's, 2 the previous packet's reversed (a reply
 * through the same tunnel), 3 a tunnel written after the packet's other fields (its type code, the
 * address length, both outer addresses). So a packet outside a tunnel costs nothing more, and a
 * tunnelled flow's packets pay for their tunnel once a fragment, or when it changes. Why encoded
 * rather than a list of {@link Packet}s: a reader holds hundreds of thousands of packets in open
 * fragments (15 bytes each instead of about 120), the coder copies the bytes instead of encoding
 * packet by packet, and a runner that decodes an element only to route it (Flink decodes every
 * output of a multi-output step in each of its consumers) pays a copy, not a decode. The packets
 * are decoded once, by {@link #packets()}, where they are assembled.
 */
public final class PacketFragment implements Serializable {
  private static final long serialVersionUID = 1L;

  private final FlowKey key;
  private final int size;
  private final long oldestUs;
  private final byte[] encoded;

  PacketFragment(FlowKey key, int size, long oldestUs, byte[] encoded) {
    this.key = key;
    this.size = size;
    this.oldestUs = oldestUs;
    this.encoded = encoded;
  }

  /** A fragment of {@code packets}, all of {@code key}. */
  public static PacketFragment of(FlowKey key, List<Packet> packets) {
    Builder b = builder(key);
    packets.forEach(b::add);
    return b.build();
  }

  /** Starts a fragment of {@code key}'s packets. */
  public static Builder builder(FlowKey key) {
    return new Builder(key);
  }

  /** The packets' canonical 5-tuple. */
  public FlowKey key() {
    return key;
  }

  /** How many packets the fragment holds. */
  public int size() {
    return size;
  }

  /**
   * The oldest packet time in the fragment, µs ({@code Long.MAX_VALUE} if it is empty): the
   * fragment's event time, by which the keyed stage receives a key's fragments in order.
   */
  public long oldestUs() {
    return oldestUs;
  }

  byte[] encodedUnsafe() {
    return encoded;
  }

  /** Decodes the packets, in the order they were added. */
  public List<Packet> packets() {
    List<Packet> out = new ArrayList<>(size);
    byte[] a = key.ipAUnsafe();
    byte[] b = key.ipBUnsafe();
    int protocol = key.protocol();
    int[] pos = {0};
    long ts = 0;
    long offset = 0;
    Tunnel previous = null;
    Tunnel beforePrevious = null;
    for (int i = 0; i < size; i++) {
      int at = pos[0];
      boolean aToB = (encoded[at] & 1) == 0;
      int tunnelBits = (encoded[at] >>> 5) & 3;
      int flags = (encoded[at] & 0x1e) << 7 | (encoded[at + 1] & 0xff);
      long seq = readInt(encoded, at + 2) & 0xffffffffL;
      long ack = readInt(encoded, at + 6) & 0xffffffffL;
      pos[0] = at + 10;
      ts += unZigZag(readVarLong(encoded, pos));
      offset += unZigZag(readVarLong(encoded, pos));
      long length = readVarLong(encoded, pos);
      int ipLength = lengthBelow(length, readVarLong(encoded, pos));
      int payloadLength = lengthBelow(ipLength, readVarLong(encoded, pos));
      Tunnel tunnel =
          switch (tunnelBits) {
            case TUNNEL_NONE -> null;
            case TUNNEL_PREVIOUS -> previous;
            case TUNNEL_PREVIOUS_REVERSED ->
                // A conversation alternates directions: reuse the tunnel of two packets back.
                beforePrevious != null && beforePrevious.isSameTunnelAs(previous, true)
                    ? beforePrevious
                    : previous.reversed();
            default -> readTunnel(encoded, pos);
          };
      beforePrevious = previous;
      previous = tunnel;
      // The fields were valid packets' when they were added; the coder checked the sizes.
      out.add(
          new Packet(
              ts,
              aToB ? a : b,
              aToB ? key.portA() : key.portB(),
              aToB ? b : a,
              aToB ? key.portB() : key.portA(),
              protocol,
              flags,
              seq,
              ack,
              (int) length,
              offset,
              ipLength,
              payloadLength,
              tunnel));
    }
    return out;
  }

  private static final int TUNNEL_NONE = 0;
  private static final int TUNNEL_PREVIOUS = 1;
  private static final int TUNNEL_PREVIOUS_REVERSED = 2;
  private static final int TUNNEL_WRITTEN = 3;

  private static Tunnel readTunnel(byte[] b, int[] pos) {
    int at = pos[0];
    TunnelType type = TunnelType.ofCode(b[at] & 0xff);
    int n = b[at + 1];
    pos[0] = at + 2 + 2 * n;
    return new Tunnel(
        type,
        Arrays.copyOfRange(b, at + 2, at + 2 + n),
        Arrays.copyOfRange(b, at + 2 + n, at + 2 + 2 * n));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PacketFragment)) {
      return false;
    }
    PacketFragment f = (PacketFragment) o;
    return size == f.size && key.equals(f.key) && Arrays.equals(encoded, f.encoded);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "PacketFragment{" + key + ", " + size + " packets, " + encoded.length + " bytes}";
  }

  /**
   * Appends packets of one key to a growing encoded buffer. Not thread-safe; {@link #build()} may
   * be called once.
   */
  public static final class Builder {
    private final FlowKey key;
    private byte[] buf = new byte[64];
    private int len;
    private int size;
    private long oldestUs = Long.MAX_VALUE;
    private long lastTs;
    private long lastOffset;
    private Tunnel lastTunnel;

    private Builder(FlowKey key) {
      this.key = key;
    }

    /**
     * Appends {@code p}, which must be of this builder's key.
     *
     * @throws IllegalArgumentException if {@code p} is of another key
     */
    public Builder add(Packet p) {
      boolean aToB = key.isAtoB(p);
      if ((!aToB && !key.isBtoA(p)) || !key.hasIcmpIdOf(p)) {
        throw new IllegalArgumentException(p + " is not of " + key);
      }
      ensure(10 + 5 * 10 + 2 + 32);
      Tunnel t = p.tunnel();
      int tunnelBits;
      if (t == null) {
        tunnelBits = TUNNEL_NONE;
      } else if (lastTunnel != null && t.isSameTunnelAs(lastTunnel, false)) {
        tunnelBits = TUNNEL_PREVIOUS;
      } else if (lastTunnel != null && t.isSameTunnelAs(lastTunnel, true)) {
        tunnelBits = TUNNEL_PREVIOUS_REVERSED;
      } else {
        tunnelBits = TUNNEL_WRITTEN;
      }
      buf[len] = (byte) ((aToB ? 0 : 1) | (p.flags() >>> 8) << 1 | tunnelBits << 5);
      buf[len + 1] = (byte) p.flags();
      writeInt(buf, len + 2, (int) p.seq());
      writeInt(buf, len + 6, (int) p.ack());
      len += 10;
      len = writeVarLong(buf, len, zigZag(p.timestampMicros() - lastTs));
      len = writeVarLong(buf, len, zigZag(p.sourceOffset() - lastOffset));
      len = writeVarLong(buf, len, p.length());
      len = writeVarLong(buf, len, difference(p.length(), p.ipLength()));
      len = writeVarLong(buf, len, difference(p.ipLength(), p.payloadLength()));
      if (tunnelBits == TUNNEL_WRITTEN) {
        byte[] src = t.outerSrcIpUnsafe();
        buf[len] = (byte) t.type().code();
        buf[len + 1] = (byte) src.length;
        System.arraycopy(src, 0, buf, len + 2, src.length);
        System.arraycopy(t.outerDstIpUnsafe(), 0, buf, len + 2 + src.length, src.length);
        len += 2 + 2 * src.length;
      }
      lastTunnel = t;
      lastTs = p.timestampMicros();
      lastOffset = p.sourceOffset();
      oldestUs = Math.min(oldestUs, lastTs);
      size++;
      return this;
    }

    /** Packets added so far. */
    public int size() {
      return size;
    }

    /** Bytes the encoded packets take so far (for bounding a reader's buffers). */
    public int encodedBytes() {
      return len;
    }

    public PacketFragment build() {
      return new PacketFragment(key, size, oldestUs, Arrays.copyOf(buf, len));
    }

    private void ensure(int more) {
      if (len + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
      }
    }
  }

  /**
   * How a length is stored: 0 if it (or the length it is told from) is unknown, else 1 + the
   * zig-zag difference to the length it lies within (link and IP headers, one or two bytes as a
   * var-int).
   */
  static long difference(long outer, int inner) {
    return outer < 0 || inner < 0 ? 0 : 1 + zigZag(outer - inner);
  }

  /** The inverse of {@link #difference}. */
  static int lengthBelow(long outer, long stored) {
    return outer < 0 || stored == 0 ? Packet.UNKNOWN : (int) (outer - unZigZag(stored - 1));
  }

  static long zigZag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unZigZag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  private static int writeVarLong(byte[] b, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }

  private static long readVarLong(byte[] b, int[] pos) {
    long v = 0;
    int shift = 0;
    int at = pos[0];
    while (true) {
      byte x = b[at++];
      v |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        break;
      }
      shift += 7;
    }
    pos[0] = at;
    return v;
  }
}
