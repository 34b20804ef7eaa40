package org.flowbeam.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.util.SerializableSupplier;

/**
 * The deterministic coder of a {@link PartialSum} type: the type writes and reads its own fields
 * ({@link PartialSum#encodeFields}, {@link PartialSum#decodeFields}), the coder supplies the empty
 * sum to read into. Two coders are equal if they code the same type.
 *
 * @param <T> the partial-sum type
 */
final class PartialSumCoder<T extends PartialSum<T>> extends CustomCoder<T> {
  private final SerializableSupplier<T> empty;
  private final Class<?> type;

  private PartialSumCoder(SerializableSupplier<T> empty) {
    this.empty = empty;
    this.type = empty.get().getClass();
  }

  static <T extends PartialSum<T>> PartialSumCoder<T> of(SerializableSupplier<T> empty) {
    return new PartialSumCoder<>(empty);
  }

  /** A new empty partial sum. */
  T empty() {
    return empty.get();
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    value.encodeFields(out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    T value = empty.get();
    value.decodeFields(in);
    return value;
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof PartialSumCoder && ((PartialSumCoder<?>) o).type == type;
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "PartialSumCoder<" + type.getSimpleName() + ">";
  }
}
