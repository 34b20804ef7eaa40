package org.flowbeam.pipelines;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The command-line spelling of an enum-valued option of {@link FlowBeamOptions}: the constant's
 * name in lower case with {@code -} for {@code _} ({@code --layout=timearcs}, {@code
 * --formats=zeek-json}), read in any case. The option is named after its enum ({@code Layout} is
 * {@code --layout}). Beam parses option values with Jackson, so each such enum carries
 * {@code @JsonDeserialize(using = EnumOption.Reader.class)}, which reads through {@link #parse};
 * its {@code toString()} returns {@link #spelling}, which {@code --help} lists.
 *
 * <p>An option that takes several values is a {@code List} of such an enum, written comma-separated
 * ({@code --formats=csv,parquet}); its enum names the option with {@link Option}, and {@link #help}
 * lists its values and its default in {@code --help}, which Beam shows only for an enum.
 */
final class EnumOption {
  /** Names the option of an enum that is not named after it, as a list option's element. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface Option {
    /** The option's name, without {@code --}. */
    String value();
  }

  private EnumOption() {}

  /**
   * The constant of {@code type} that {@code text} names, ignoring case.
   *
   * @throws UsageException naming the option and its allowed values, if none does
   */
  static <E extends Enum<E>> E parse(Class<E> type, String text) {
    String t = text == null ? "" : text.trim();
    for (E e : type.getEnumConstants()) {
      if (spelling(e).equalsIgnoreCase(t) || e.name().equalsIgnoreCase(t)) {
        return e;
      }
    }
    throw new UsageException(
        "--" + optionName(type) + " must be " + allowed(type) + ", got '" + text + "'");
  }

  /** The option {@code type} is the value of: its {@link Option}, else its own name. */
  private static String optionName(Class<?> type) {
    Option named = type.getAnnotation(Option.class);
    if (named != null) {
      return named.value();
    }
    String name = type.getSimpleName();
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  /** The command-line spelling of {@code values}, comma-separated. */
  static String spelling(List<? extends Enum<?>> values) {
    return values.stream().map(EnumOption::spelling).collect(Collectors.joining(","));
  }

  /**
   * {@code beamHelp}, the text of Beam's {@code printHelp} for {@code options}, with each list of
   * enum values shown as Beam shows an enum: {@code --formats=<csv | avro | parquet>[,...]} for
   * Beam's {@code --formats=<List>}, and its default as values ({@code Default: csv,avro}) for the
   * name of its default factory.
   */
  static String help(Class<? extends PipelineOptions> options, String beamHelp) {
    String help = beamHelp;
    for (Method getter : options.getMethods()) {
      Class<? extends Enum<?>> element = enumListElement(getter);
      if (element == null || !getter.getName().startsWith("get")) {
        continue;
      }
      String property =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      String values =
          Arrays.stream(element.getEnumConstants())
              .map(EnumOption::spelling)
              .collect(Collectors.joining(" | "));
      String line = "  --" + property + "=<List>";
      String shown = "  --" + property + "=<" + values + ">[,...]";
      Default.InstanceFactory factory = getter.getAnnotation(Default.InstanceFactory.class);
      if (factory != null) {
        line += System.lineSeparator() + "    Default: " + factory.value().getSimpleName();
        shown += System.lineSeparator() + "    Default: " + defaultSpelling(factory.value());
      }
      help = help.replace(line, shown);
    }
    return help;
  }

  /**
   * Reads every value given to a list option of {@code options} in {@code args} ({@code
   * --name=a,b}) with {@link #parse}, so that an empty one ({@code --formats=}, {@code
   * --formats=,csv}) gets the same one-line error as a misspelt one; Beam's own message for it
   * names a Java type rather than the option.
   *
   * @throws UsageException naming the option and its allowed values
   */
  static void checkListArgs(Class<? extends PipelineOptions> options, List<String> args) {
    for (Method getter : options.getMethods()) {
      Class<? extends Enum<?>> element = enumListElement(getter);
      if (element == null || !getter.getName().startsWith("get")) {
        continue;
      }
      String prefix =
          "--"
              + Character.toLowerCase(getter.getName().charAt(3))
              + getter.getName().substring(4)
              + "=";
      for (String arg : args) {
        if (arg.startsWith(prefix)) {
          for (String value : arg.substring(prefix.length()).split(",")) {
            parse(asEnum(element), value);
          }
        }
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<Enum> asEnum(Class<? extends Enum<?>> type) {
    return (Class) type;
  }

  /** The element type of a getter returning {@code List<E>} for an enum {@code E}, else null. */
  @SuppressWarnings("unchecked")
  private static Class<? extends Enum<?>> enumListElement(Method getter) {
    Type t = getter.getGenericReturnType();
    if (getter.getReturnType() != List.class || !(t instanceof ParameterizedType)) {
      return null;
    }
    Type arg = ((ParameterizedType) t).getActualTypeArguments()[0];
    return arg instanceof Class<?> && ((Class<?>) arg).isEnum()
        ? (Class<? extends Enum<?>>) arg
        : null;
  }

  /** The spelling of the list a constant default factory gives. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static String defaultSpelling(Class<? extends DefaultValueFactory> factory) {
    try {
      Object value = factory.getDeclaredConstructor().newInstance().create(null);
      return spelling((List<? extends Enum<?>>) value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot make the default of " + factory.getName(), e);
    }
  }

  /** The command-line spelling of {@code value}. */
  static String spelling(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
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
      JavaType t = property != null ? property.getType() : ctxt.getContextualType();
      if (t.isContainerType()) {
        t = t.getContentType(); // an element of a list option
      }
      return new Reader((Class<? extends Enum<?>>) t.getRawClass());
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Enum<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return parse((Class) type, p.getValueAsString());
    }
  }
}
