package org.flowbeam.io.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.TimeBin;

/**
 * A deterministic coder for {@link TimeBin}: every field, the eight flag counts included, as
 * variable-length longs. Lives here until the model module gets its own.
 */
public final class TimeBinCoder extends CustomCoder<TimeBin> {
  private static final TimeBinCoder INSTANCE = new TimeBinCoder();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private TimeBinCoder() {}

  public static TimeBinCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(TimeBin b, OutputStream out) throws IOException {
    LONG.encode(b.startUs(), out);
    LONG.encode(b.endUs(), out);
    LONG.encode(b.packets(), out);
    LONG.encode(b.bytes(), out);
    for (int i = 0; i < 8; i++) {
      LONG.encode(b.flags().get(i), out);
    }
    LONG.encode(b.flowsStarted(), out);
  }

  @Override
  public TimeBin decode(InputStream in) throws IOException {
    long start = LONG.decode(in);
    long end = LONG.decode(in);
    long packets = LONG.decode(in);
    long bytes = LONG.decode(in);
    long[] flags = new long[8];
    for (int i = 0; i < 8; i++) {
      flags[i] = LONG.decode(in);
    }
    return new TimeBin(start, end, packets, bytes, FlagCounts.of(flags), LONG.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  /** Keeps the singleton across Java serialization, so a deserialized coder equals the original. */
  private Object readResolve() {
    return INSTANCE;
  }
}
