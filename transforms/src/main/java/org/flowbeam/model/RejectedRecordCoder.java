package org.flowbeam.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** A deterministic coder for {@link RejectedRecord}. */
public final class RejectedRecordCoder extends CustomCoder<RejectedRecord> {
  private static final RejectedRecordCoder INSTANCE = new RejectedRecordCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final VarLongCoder LONG = VarLongCoder.of();

  private RejectedRecordCoder() {}

  public static RejectedRecordCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(RejectedRecord r, OutputStream out) throws IOException {
    STRING.encode(r.file(), out);
    LONG.encode(r.offset(), out);
    STRING.encode(r.raw(), out);
    STRING.encode(r.reason(), out);
  }

  @Override
  public RejectedRecord decode(InputStream in) throws IOException {
    return new RejectedRecord(
        STRING.decode(in), LONG.decode(in), STRING.decode(in), STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  /** Keeps the singleton when Java serialization (a runner shipping the coder) reads it back. */
  private Object readResolve() {
    return INSTANCE;
  }
}
