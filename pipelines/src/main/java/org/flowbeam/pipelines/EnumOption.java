package org.flowbeam.pipelines;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The command-line spelling of an enum-valued option of {@link FlowBeamOptions}: the constant's
 * name in lower case ({@code --layout=timearcs}), read in any case. The option is named after its
 * enum ({@code Layout} is {@code --layout}). Beam parses option values with Jackson, so each such
 * enum carries {@code @JsonDeserialize(using = EnumOption.Reader.class)}, which reads through
 * {@link #parse}; its {@code toString()} returns {@link #spelling}, which {@code --help} lists.
 */
final class EnumOption {
  private EnumOption() {}

  /**
   * The constant of {@code type} that {@code text} names, ignoring case.
   *
   * @throws UsageException naming the option and its allowed values, if none does
   */
  static <E extends Enum<E>> E parse(Class<E> type, String text) {
    String t = text == null ? "" : text.trim();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(t)) {
        return e;
      }
    }
    String name = type.getSimpleName();
    String option = Character.toLowerCase(name.charAt(0)) + name.substring(1);
    throw new UsageException("--" + option + " must be " + allowed(type) + ", got '" + text + "'");
  }

  /** The command-line spelling of {@code value}. */
  static String spelling(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** {@code a, b or c}. */
  private static String allowed(Class<? extends Enum<?>> type) {
    String[] names =
        Arrays.stream(type.getEnumConstants()).map(EnumOption::spelling).toArray(String[]::new);
    if (names.length == 1) {
      return names[0];
    }
    return Arrays.stream(names, 0, names.length - 1).collect(Collectors.joining(", "))
        + " or "
        + names[names.length - 1];
  }

  /** Jackson's reader of an option enum, for whichever enum it is declared on. */
  static final class Reader extends JsonDeserializer<Enum<?>> implements ContextualDeserializer {
    private final Class<? extends Enum<?>> type;

    Reader() {
      this(null);
    }

    private Reader(Class<? extends Enum<?>> type) {
      this.type = type;
    }

    @Override
    @SuppressWarnings("unchecked")
    public JsonDeserializer<?> createContextual(
        DeserializationContext ctxt, BeanProperty property) {
      Class<?> raw =
          property != null
              ? property.getType().getRawClass()
              : ctxt.getContextualType().getRawClass();
      return new Reader((Class<? extends Enum<?>>) raw);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Enum<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return parse((Class) type, p.getValueAsString());
    }
  }
}
