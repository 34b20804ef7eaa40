package org.flowbeam.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * How many of a flow's packets carried each TCP flag. Immutable; {@link Accumulator} builds one.
 */
public record FlagCounts(
    long fin, long syn, long rst, long psh, long ack, long urg, long ece, long cwr)
    implements Serializable {

  public static final FlagCounts ZERO = new FlagCounts(0, 0, 0, 0, 0, 0, 0, 0);

  /** The count of flag bit {@code i} (0 = FIN … 7 = CWR, as {@link TcpFlags#NAMES}). */
  public long get(int i) {
    switch (i) {
      case 0:
        return fin;
      case 1:
        return syn;
      case 2:
        return rst;
      case 3:
        return psh;
      case 4:
        return ack;
      case 5:
        return urg;
      case 6:
        return ece;
      case 7:
        return cwr;
      default:
        throw new IndexOutOfBoundsException("flag index " + i);
    }
  }

  /** Creates counts from an array of 8 values in {@link TcpFlags#NAMES} order. */
  public static FlagCounts of(long[] c) {
    return new FlagCounts(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
  }

  /** A deterministic coder: the 8 counts in {@link TcpFlags#NAMES} order, as var-ints. */
  public static Coder<FlagCounts> coder() {
    return FlagCountsCoder.INSTANCE;
  }

  private static final class FlagCountsCoder extends CustomCoder<FlagCounts> {
    static final FlagCountsCoder INSTANCE = new FlagCountsCoder();

    @Override
    public void encode(FlagCounts c, OutputStream out) throws IOException {
      for (int i = 0; i < 8; i++) {
        VarInt.encode(c.get(i), out);
      }
    }

    @Override
    public FlagCounts decode(InputStream in) throws IOException {
      long[] c = new long[8];
      for (int i = 0; i < 8; i++) {
        c[i] = VarInt.decodeLong(in);
      }
      return of(c);
    }

    @Override
    public void verifyDeterministic() {}

    private Object readResolve() {
      return INSTANCE;
    }
  }

  /** Mutable counter used while a flow is assembled. */
  public static final class Accumulator implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] counts = new long[8];

    /** An accumulator holding {@code counts} (8 values in {@link TcpFlags#NAMES} order). */
    public static Accumulator from(long[] counts) {
      if (counts.length != 8) {
        throw new IllegalArgumentException("8 flag counts expected, got " + counts.length);
      }
      Accumulator a = new Accumulator();
      System.arraycopy(counts, 0, a.counts, 0, 8);
      return a;
    }

    /** The counts so far, in {@link TcpFlags#NAMES} order (a copy). */
    public long[] toArray() {
      return counts.clone();
    }

    /** Counts each flag set in {@code flags} (a TCP header's flags byte). */
    public void add(int flags) {
      for (int i = 0; i < 8; i++) {
        if ((flags & (1 << i)) != 0) {
          counts[i]++;
        }
      }
    }

    /** Adds the counts of {@code other}. */
    public void add(Accumulator other) {
      for (int i = 0; i < 8; i++) {
        counts[i] += other.counts[i];
      }
    }

    /** Adds {@code other}'s counts. */
    public void add(FlagCounts other) {
      for (int i = 0; i < 8; i++) {
        counts[i] += other.get(i);
      }
    }

    public FlagCounts build() {
      return of(counts);
    }
  }
}
