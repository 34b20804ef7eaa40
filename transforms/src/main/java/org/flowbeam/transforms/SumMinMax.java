package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * The sum, minimum and maximum of some longs, as a partial sum: one combine gives all three. With
 * no value the sum is 0, the minimum {@code Long.MAX_VALUE} and the maximum {@code Long.MIN_VALUE}.
 *
 * <pre>{@code
 * SumMinMax s = SumMinMax.of(3);
 * s.add(SumMinMax.of(-1));
 * s.sum(); // 2; s.min() is -1, s.max() 3
 * }</pre>
 */
public final class SumMinMax implements PartialSum<SumMinMax> {
  private static final long serialVersionUID = 1L;

  private long sum;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;

  /** The sum of no value. */
  public SumMinMax() {}

  /** The sum, minimum and maximum of {@code value} alone. */
  public static SumMinMax of(long value) {
    SumMinMax s = new SumMinMax();
    s.sum = value;
    s.min = value;
    s.max = value;
    return s;
  }

  public long sum() {
    return sum;
  }

  public long min() {
    return min;
  }

  public long max() {
    return max;
  }

  @Override
  public void add(SumMinMax o) {
    sum += o.sum;
    min = Math.min(min, o.min);
    max = Math.max(max, o.max);
  }

  @Override
  public SumMinMax copy() {
    SumMinMax c = new SumMinMax();
    c.add(this);
    return c;
  }

  /** Adds sums, minima and maxima. */
  public static PartialSumFn<SumMinMax> combineFn() {
    return PartialSumFn.of(SumMinMax::new);
  }

  /** A deterministic coder: sum, minimum and maximum as variable-length longs. */
  public static Coder<SumMinMax> coder() {
    return PartialSumCoder.of(SumMinMax::new);
  }

  @Override
  public String toString() {
    return "SumMinMax[sum=" + sum + ", min=" + min + ", max=" + max + "]";
  }

  @Override
  public void encodeFields(OutputStream out) throws IOException {
    VarInt.encode(sum, out);
    VarInt.encode(min, out);
    VarInt.encode(max, out);
  }

  @Override
  public void decodeFields(InputStream in) throws IOException {
    sum = VarInt.decodeLong(in);
    min = VarInt.decodeLong(in);
    max = VarInt.decodeLong(in);
  }
}
