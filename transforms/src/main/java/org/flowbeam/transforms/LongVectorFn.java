package org.flowbeam.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Combines fixed-length vectors of longs slot by slot, each slot with its own operation (sum,
 * minimum or maximum): the one accumulator behind FlowBeam's per-IP and time-bin statistics.
 *
 * <p>In the manner of {@code Mean}: add / merge / extract on a {@code long[]} accumulator, with a
 * compact deterministic coder ({@link #coder()}).
 */
public final class LongVectorFn extends Combine.CombineFn<long[], long[], long[]> {
  /** What a slot does with the values combined into it. */
  public enum Op {
    SUM,
    MIN,
    MAX
  }

  private final Op[] ops;

  private LongVectorFn(Op[] ops) {
    this.ops = ops.clone();
  }

  public static LongVectorFn of(Op... ops) {
    return new LongVectorFn(ops);
  }

  public int size() {
    return ops.length;
  }

  @Override
  public long[] createAccumulator() {
    long[] acc = new long[ops.length];
    for (int i = 0; i < ops.length; i++) {
      acc[i] = identity(ops[i]);
    }
    return acc;
  }

  private static long identity(Op op) {
    switch (op) {
      case MIN:
        return Long.MAX_VALUE;
      case MAX:
        return Long.MIN_VALUE;
      default:
        return 0;
    }
  }

  @Override
  public long[] addInput(long[] acc, long[] input) {
    if (input.length != ops.length) {
      throw new IllegalArgumentException(
          "vector of " + input.length + " values, expected " + ops.length);
    }
    for (int i = 0; i < ops.length; i++) {
      switch (ops[i]) {
        case SUM:
          acc[i] += input[i];
          break;
        case MIN:
          acc[i] = Math.min(acc[i], input[i]);
          break;
        case MAX:
          acc[i] = Math.max(acc[i], input[i]);
          break;
      }
    }
    return acc;
  }

  @Override
  public long[] mergeAccumulators(Iterable<long[]> accumulators) {
    long[] merged = createAccumulator();
    for (long[] acc : accumulators) {
      addInput(merged, acc);
    }
    return merged;
  }

  @Override
  public long[] extractOutput(long[] acc) {
    return Arrays.copyOf(acc, acc.length);
  }

  @Override
  public Coder<long[]> getAccumulatorCoder(CoderRegistry registry, Coder<long[]> inputCoder) {
    return coder();
  }

  @Override
  public Coder<long[]> getDefaultOutputCoder(CoderRegistry registry, Coder<long[]> inputCoder)
      throws CannotProvideCoderException {
    return coder();
  }

  /** The deterministic coder of {@code long[]} used for inputs, accumulators and outputs. */
  public static Coder<long[]> coder() {
    return LongArrayCoder.INSTANCE;
  }

  private static final class LongArrayCoder extends CustomCoder<long[]> {
    static final LongArrayCoder INSTANCE = new LongArrayCoder();
    private static final int MAX_LENGTH = 1 << 16;

    @Override
    public void encode(long[] value, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeShort(value.length);
      for (long v : value) {
        out.writeLong(v);
      }
      out.flush();
    }

    private Object readResolve() {
      return INSTANCE;
    }

    @Override
    public long[] decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      int n = in.readUnsignedShort();
      if (n >= MAX_LENGTH) {
        throw new CoderException("vector too long: " + n);
      }
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = in.readLong();
      }
      return v;
    }

    @Override
    public void verifyDeterministic() {}
  }
}
