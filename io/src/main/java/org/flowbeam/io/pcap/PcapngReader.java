package org.flowbeam.io.pcap;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads pcapng files: sections in either byte order, Interface Description Blocks (link type,
 * snaplen, {@code if_tsresol} as a power of 10 or of 2, {@code if_tsoffset}), Enhanced, Simple and
 * obsolete Packet Blocks; other blocks are skipped by their length.
 *
 * <p>A block whose length is not a multiple of 4, is below 12 or above {@value #MAX_BLOCK} bytes,
 * or differs from the trailing copy, is corrupt: one error record, then reading resumes at the next
 * 4-byte-aligned position where a known block type with valid lengths starts and leads to {@value
 * #CHAIN} more such blocks (or to the end of the file). A packet block whose own fields are bad
 * (unknown interface, captured length beyond the block or above {@value CaptureReader#MAX_CAPLEN})
 * is an error record, and reading goes on with the next block.
 *
 * <p>A Simple Packet Block has no timestamp: it takes the timestamp of the previous packet block in
 * the file (0 before any), so that its packet sorts next to its neighbours.
 *
 * <p>A range that does not start at the file start must know the state in force at its start (the
 * section's byte order, its interface table, the previous packet's timestamp) and frame exactly the
 * blocks a sequential read frames. It resumes from the nearest state at or before its start that
 * the file's {@link PcapngCheckpoints} hold, or else from the file start, and hops block by block
 * from there (reading only block headers, section headers and interface descriptions) to its first
 * block at or after its start. While hopping and reading it records states for the other ranges,
 * every {@link PcapngCheckpoints#spacing()} bytes, and while hopping it jumps ahead to states that
 * other readers recorded meanwhile between it and its start, so the block headers of a file are
 * hopped about once rather than once per range. Without an index (a caller that passes none) every
 * range hops from the file start.
 */
final class PcapngReader extends CaptureReader {
  static final int SHB = CaptureFormat.PCAPNG_SHB;
  static final int IDB = 1;
  static final int OPB = 2;
  static final int SPB = 3;
  static final int NRB = 4;
  static final int ISB = 5;
  static final int EPB = 6;
  static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;

  /** The largest block accepted. */
  static final int MAX_BLOCK = 16 << 20;

  /** Further blocks that must be valid for a resynchronisation candidate. */
  static final int CHAIN = 3;

  private static final int WINDOW = 4 << 20;
  private static final int MAX_INTERFACES = 1 << 16;
  private static final BigInteger MICROS = BigInteger.valueOf(1_000_000L);

  private final long start;
  private final PcapngCheckpoints checkpoints;
  private final List<PcapngInterface> interfaces = new ArrayList<>();
  private PcapngInterface lastInterface;
  private long nextOffer;
  private boolean bigEndian;
  private boolean inSection;
  private long firstSnaplen = -1;
  private long lastMicros;
  private long next;
  private boolean done;

  /**
   * @param checkpoints the file's recorded states, shared with the readers of its other ranges; or
   *     null, to hop from the file start
   * @param decoder the decoder of the file's frames
   */
  PcapngReader(
      String fileName,
      CaptureInput in,
      long start,
      PcapngCheckpoints checkpoints,
      FrameDecoder decoder) {
    super(fileName, in, decoder);
    this.start = start;
    this.checkpoints = checkpoints;
    if (checkpoints != null) {
      PcapngCheckpoints.State s = start > 0 ? checkpoints.floor(start) : null;
      if (s != null) {
        resume(s);
      }
      nextOffer = next + checkpoints.spacing();
    }
  }

  /** Takes the state recorded at a block boundary, as if the blocks before it had been framed. */
  private void resume(PcapngCheckpoints.State s) {
    interfaces.clear();
    next = s.offset();
    bigEndian = s.bigEndian();
    inSection = s.inSection();
    firstSnaplen = s.firstSnaplen();
    lastMicros = s.lastMicros();
    lastInterface = s.lastInterface();
    for (PcapngInterface i = lastInterface; i != null; i = i.previous()) {
      interfaces.add(i);
      linkTypes.add(LinkType.name(i.linkType));
    }
    Collections.reverse(interfaces);
  }

  @Override
  public CaptureFormat format() {
    return CaptureFormat.PCAPNG;
  }

  @Override
  public long snaplen() {
    return Math.max(0, firstSnaplen);
  }

  @Override
  protected boolean next() throws IOException {
    while (!done) {
      long pos = next;
      boolean emit = pos >= start;
      if (checkpoints != null && pos >= nextOffer) {
        PcapngCheckpoints.State ahead = emit ? null : checkpoints.floor(start);
        if (ahead != null && ahead.offset() > pos) {
          // Another reader recorded states between here and the start meanwhile: jump there.
          resume(ahead);
          nextOffer = next + checkpoints.spacing();
          continue;
        }
        checkpoints.offer(
            new PcapngCheckpoints.State(
                pos, bigEndian, inSection, lastInterface, firstSnaplen, lastMicros));
        nextOffer = pos + checkpoints.spacing();
      }
      if (!in.request(pos, 12)) {
        int a = in.available(pos);
        done = true;
        if (a == 0 || !emit) {
          return false;
        }
        setError(pos, "truncated block header: " + a + " of 12 bytes");
        return true;
      }
      String bad = checkFraming(pos);
      if (bad != null) {
        if (emit) {
          // Dumped before the resynchronisation scan moves on: a compressed input cannot seek
          // back to it.
          setError(pos, bad);
        }
        next = resync(pos + 4);
        done = next < 0;
        if (emit) {
          return true;
        }
        continue;
      }
      int len = (int) u32(pos + 4);
      if (!in.request(pos, len)) {
        done = true;
        if (!emit) {
          return false;
        }
        setError(
            pos, "truncated final block: " + in.available(pos) + " of " + len + " bytes present");
        return true;
      }
      next = pos + len;
      int type = (int) u32(pos);
      switch (type) {
        case SHB:
          if (!startSection(pos, len) && emit) {
            return true;
          }
          break;
        case IDB:
          if (!addInterface(pos, len) && emit) {
            return true;
          }
          break;
        case EPB:
        case OPB:
        case SPB:
          if (packetBlock(type, pos, len, emit)) {
            return true;
          }
          break;
        default:
          break;
      }
    }
    return false;
  }

  /** Null if a block with a valid header and trailer starts at {@code pos}, else the reason. */
  private String checkFraming(long pos) throws IOException {
    int raw = FrameDecoder.i32(in.array(), in.index(pos));
    if (raw == SHB) {
      int bom = FrameDecoder.i32(in.array(), in.index(pos + 8));
      if (bom == BYTE_ORDER_MAGIC) {
        bigEndian = true;
      } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
        bigEndian = false;
      } else {
        return String.format("bad section byte-order magic 0x%08x", bom);
      }
      inSection = true;
    } else if (!inSection) {
      return "block before any section header";
    }
    long len = u32(pos + 4);
    if (len % 4 != 0 || len < 12 || len > MAX_BLOCK) {
      return "bad block length " + len;
    }
    if (!in.request(pos, (int) len)) {
      return null; // reported as a truncated final block
    }
    long trailer = u32(pos + len - 4);
    if (trailer != len) {
      return "block length " + len + " differs from trailing length " + trailer;
    }
    return null;
  }

  private boolean startSection(long pos, int len) throws IOException {
    interfaces.clear();
    lastInterface = null;
    if (len < 28) {
      setError(pos, "section header block of " + len + " bytes");
      return false;
    }
    return true;
  }

  private boolean addInterface(long pos, int len) throws IOException {
    if (len < 20) {
      setError(pos, "interface description block of " + len + " bytes");
      return false;
    }
    if (interfaces.size() >= MAX_INTERFACES) {
      setError(pos, "more than " + MAX_INTERFACES + " interfaces");
      return false;
    }
    int linkType = (int) (u16(pos + 8));
    long snaplen = u32(pos + 12);
    boolean pow2 = false;
    int exponent = 6;
    long offsetSeconds = 0;
    long p = pos + 16;
    long end = pos + len - 4;
    while (p + 4 <= end) {
      int code = u16(p);
      int olen = u16(p + 2);
      if (code == 0 || p + 4 + olen > end) {
        break;
      }
      if (code == 9 && olen >= 1) {
        int v = in.array()[in.index(p + 4)] & 0xff;
        pow2 = (v & 0x80) != 0;
        exponent = v & 0x7f;
      } else if (code == 14 && olen >= 8) {
        offsetSeconds = (u32(p + 4) << 32 | u32(p + 8));
        if (!bigEndian) {
          offsetSeconds = (u32(p + 8) << 32) | u32(p + 4);
        }
      }
      p += 4 + ((olen + 3) & ~3);
    }
    if (!pow2 && exponent > 18) {
      setError(pos, "if_tsresol 10^-" + exponent + " out of range");
      return false;
    }
    lastInterface =
        new PcapngInterface(lastInterface, linkType, snaplen, pow2, exponent, offsetSeconds);
    interfaces.add(lastInterface);
    linkTypes.add(LinkType.name(linkType));
    if (firstSnaplen < 0) {
      firstSnaplen = snaplen;
    }
    return true;
  }

  /** Frames a packet block; returns true if it is a record to hand out. */
  private boolean packetBlock(int type, long pos, int len, boolean emit) throws IOException {
    int dataOffset;
    long capLen;
    long wireLen;
    PcapngInterface itf;
    long micros;
    try {
      if (type == SPB) {
        if (len < 16) {
          return fail(emit, pos, "simple packet block of " + len + " bytes");
        }
        if (interfaces.isEmpty()) {
          return fail(emit, pos, "simple packet block without interface 0");
        }
        itf = interfaces.get(0);
        wireLen = u32(pos + 8);
        capLen = Math.min(wireLen, len - 16);
        if (itf.snaplen > 0) {
          capLen = Math.min(capLen, itf.snaplen);
        }
        dataOffset = 12;
        micros = lastMicros;
      } else {
        if (len < 32) {
          return fail(emit, pos, "packet block of " + len + " bytes");
        }
        long ifid = type == EPB ? u32(pos + 8) : u16(pos + 8);
        if (ifid >= interfaces.size()) {
          return fail(emit, pos, "packet block for undefined interface " + ifid);
        }
        itf = interfaces.get((int) ifid);
        long units = (u32(pos + 12) << 32) | u32(pos + 16);
        capLen = u32(pos + 20);
        wireLen = u32(pos + 24);
        dataOffset = 28;
        micros = toMicros(units, itf);
        lastMicros = micros;
        if (capLen > len - 32) {
          return fail(emit, pos, "captured length " + capLen + " exceeds block length " + len);
        }
      }
    } catch (ArithmeticException e) {
      return fail(emit, pos, "timestamp out of range");
    }
    if (!emit) {
      return false;
    }
    if (capLen > MAX_CAPLEN) {
      return fail(true, pos, "captured length " + capLen + " exceeds " + MAX_CAPLEN + " bytes");
    }
    if (wireLen < capLen) {
      return fail(true, pos, "original length " + wireLen + " < captured length " + capLen);
    }
    decodeFrame(
        pos, in.index(pos) + dataOffset, (int) capLen, itf.linkType, bigEndian, micros, wireLen);
    return true;
  }

  private boolean fail(boolean emit, long pos, String reason) throws IOException {
    if (emit) {
      setError(pos, reason);
    }
    return emit;
  }

  /** Timestamp units of an interface to microseconds (floor), plus the interface's offset. */
  static long toMicros(long units, boolean pow2, int exponent, long offsetSeconds) {
    long micros;
    if (!pow2) {
      if (exponent == 6) {
        if (units < 0) {
          throw new ArithmeticException("timestamp overflow");
        }
        micros = units;
      } else if (exponent < 6) {
        if (units < 0) {
          throw new ArithmeticException("timestamp overflow");
        }
        micros = Math.multiplyExact(units, POW10[6 - exponent]);
      } else {
        micros = Long.divideUnsigned(units, POW10[exponent - 6]);
      }
    } else if (exponent <= 43 && exponent > 0) {
      long hi = units >>> exponent;
      long lo = units & ((1L << exponent) - 1);
      micros = Math.addExact(Math.multiplyExact(hi, 1_000_000L), (lo * 1_000_000L) >>> exponent);
    } else {
      BigInteger u = new BigInteger(Long.toUnsignedString(units));
      micros = u.multiply(MICROS).shiftRight(exponent).longValueExact();
    }
    return Math.addExact(micros, Math.multiplyExact(offsetSeconds, 1_000_000L));
  }

  private static long toMicros(long units, PcapngInterface itf) {
    return toMicros(units, itf.pow2, itf.exponent, itf.offsetSeconds);
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /**
   * The first 4-byte-aligned position at or after {@code from} where a chain of valid blocks
   * starts, or -1.
   */
  private long resync(long from) throws IOException {
    for (long q = (from + 3) & ~3L; ; q += 4) {
      if (!in.request(q, 12)) {
        return -1;
      }
      if (isBlockStart(q)) {
        return q;
      }
    }
  }

  /**
   * True if a known block with valid lengths starts at {@code q} and leads to {@value #CHAIN} more
   * (or to the end of the file). Trailing lengths are checked within {@value #WINDOW} bytes of
   * {@code q}; every request is anchored at {@code q}.
   */
  private boolean isBlockStart(long q) throws IOException {
    boolean big = bigEndian;
    boolean section = inSection;
    long rel = 0;
    for (int k = 0; k <= CHAIN; k++) {
      if (!in.request(q, (int) (rel + 12))) {
        return k > 0;
      }
      byte[] b = in.array();
      int i = in.index(q + rel);
      int raw = FrameDecoder.i32(b, i);
      if (raw == SHB) {
        int bom = FrameDecoder.i32(b, i + 8);
        if (bom == BYTE_ORDER_MAGIC) {
          big = true;
        } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
          big = false;
        } else {
          return false;
        }
        section = true;
      } else {
        if (!section) {
          return false;
        }
        int type = big ? raw : Integer.reverseBytes(raw);
        if (!knownType(type)) {
          return false;
        }
      }
      int lenRaw = FrameDecoder.i32(b, i + 4);
      long len = (big ? lenRaw : Integer.reverseBytes(lenRaw)) & 0xffffffffL;
      if (len % 4 != 0 || len < 12 || len > MAX_BLOCK) {
        return false;
      }
      if (rel + len > WINDOW) {
        return true; // a long chain: accept without reading megabytes ahead
      }
      if (!in.request(q, (int) (rel + len))) {
        return true; // a truncated final block
      }
      int t = FrameDecoder.i32(in.array(), in.index(q + rel + len - 4));
      if (((big ? t : Integer.reverseBytes(t)) & 0xffffffffL) != len) {
        return false;
      }
      rel += len;
    }
    return true;
  }

  private static boolean knownType(int type) {
    switch (type) {
      case IDB:
      case OPB:
      case SPB:
      case NRB:
      case ISB:
      case EPB:
      case 9: // systemd journal export
      case 10: // decryption secrets
      case 0x00000bad: // custom, copiable
      case 0x40000bad: // custom, not copiable
        return true;
      default:
        return false;
    }
  }

  private long u32(long pos) {
    int v = FrameDecoder.i32(in.array(), in.index(pos));
    return (bigEndian ? v : Integer.reverseBytes(v)) & 0xffffffffL;
  }

  private int u16(long pos) {
    int v = FrameDecoder.u16(in.array(), in.index(pos));
    return bigEndian ? v : Integer.reverseBytes(v) >>> 16;
  }
}
