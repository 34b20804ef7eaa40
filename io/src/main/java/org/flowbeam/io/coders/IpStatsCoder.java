package org.flowbeam.io.coders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.flowbeam.model.IpStats;

/**
 * A deterministic coder for {@link IpStats}: the address as UTF-8, then the six counters as
 * variable-length longs. Lives here until the model module gets its own (see {@code
 * FlowRecordCoder}).
 */
public final class IpStatsCoder extends CustomCoder<IpStats> {
  private static final IpStatsCoder INSTANCE = new IpStatsCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private IpStatsCoder() {}

  public static IpStatsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(IpStats s, OutputStream out) throws IOException {
    STRING.encode(s.ip(), out);
    LONG.encode(s.sentPackets(), out);
    LONG.encode(s.recvPackets(), out);
    LONG.encode(s.sentBytes(), out);
    LONG.encode(s.recvBytes(), out);
    LONG.encode(s.firstTs(), out);
    LONG.encode(s.lastTs(), out);
  }

  @Override
  public IpStats decode(InputStream in) throws IOException {
    return new IpStats(
        STRING.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in),
        LONG.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  /** Keeps the singleton across Java serialization, so a deserialized coder equals the original. */
  private Object readResolve() {
    return INSTANCE;
  }
}
