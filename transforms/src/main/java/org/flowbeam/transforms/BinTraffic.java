package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.VarInt;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.TimeBin;

/**
 * The traffic of one time bin, as a partial sum: packets, bytes, the TCP flag counts of its TCP
 * packets, and the flows that started in it. {@link #toTimeBin} names it.
 *
 * <pre>{@code
 * BinTraffic b = new BinTraffic();
 * b.addTcpPacket(60, TcpFlags.SYN);
 * b.add(BinTraffic.flowStart());
 * b.toTimeBin(0, 1_000_000); // TimeBin[startUs=0, endUs=1000000, packets=1, ...]
 * }</pre>
 */
public final class BinTraffic implements PartialSum<BinTraffic> {
  private static final long serialVersionUID = 1L;

  private long packets;
  private long bytes;
  private final FlagCounts.Accumulator flags = new FlagCounts.Accumulator();
  private long flowsStarted;

  /** A bin holding one flow start and nothing else. */
  public static BinTraffic flowStart() {
    BinTraffic b = new BinTraffic();
    b.flowsStarted = 1;
    return b;
  }

  /** Counts a packet of {@code bytes} that is not TCP. */
  public void addPacket(long bytes) {
    packets++;
    this.bytes += bytes;
  }

  /** Counts a TCP packet of {@code bytes} carrying the flag bits {@code tcpFlags}. */
  public void addTcpPacket(long bytes, int tcpFlags) {
    addPacket(bytes);
    flags.add(tcpFlags);
  }

  @Override
  public void add(BinTraffic o) {
    packets += o.packets;
    bytes += o.bytes;
    flags.add(o.flags);
    flowsStarted += o.flowsStarted;
  }

  @Override
  public BinTraffic copy() {
    BinTraffic c = new BinTraffic();
    c.add(this);
    return c;
  }

  /** The time bin {@code [startUs, endUs)} holding this traffic. */
  public TimeBin toTimeBin(long startUs, long endUs) {
    return new TimeBin(startUs, endUs, packets, bytes, flags.build(), flowsStarted);
  }

  /** Adds time-bin partial sums. */
  public static PartialSumFn<BinTraffic> combineFn() {
    return PartialSumFn.of(BinTraffic::new);
  }

  /**
   * A deterministic coder: packets, bytes, the 8 flag counts and flows, as variable-length longs.
   */
  public static Coder<BinTraffic> coder() {
    return PartialSumCoder.of(BinTraffic::new);
  }

  @Override
  public String toString() {
    return toTimeBin(0, 0).toString();
  }

  @Override
  public void encodeFields(OutputStream out) throws IOException {
    VarInt.encode(packets, out);
    VarInt.encode(bytes, out);
    FlagCounts.coder().encode(flags.build(), out);
    VarInt.encode(flowsStarted, out);
  }

  @Override
  public void decodeFields(InputStream in) throws IOException {
    packets = VarInt.decodeLong(in);
    bytes = VarInt.decodeLong(in);
    flags.add(FlagCounts.coder().decode(in));
    flowsStarted = VarInt.decodeLong(in);
  }
}
