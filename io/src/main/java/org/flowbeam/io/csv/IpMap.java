package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.flowbeam.model.IpAddresses;

/**
 * The TimeArcs IP map: integer address ids, as some packet CSV exports use in place of addresses,
 * and the addresses they stand for.
 *
 * <p>The map file is a JSON object {@code {"172.28.185.51": 1, "60.203.52.184": 2, ...}} from
 * address text to id; it is inverted here. It is parsed by a small strict parser (a flat object of
 * string keys and non-negative integer values, nothing else) so that no JSON library is needed; an
 * address that is not an IPv4/IPv6 literal, or an id given to two different addresses, is an error
 * at load time rather than a silent wrong answer later.
 *
 * <pre>{@code
 * IpMap map = IpMap.fromFile("gs://bucket/ip_map.json");
 * byte[] address = map.lookup(17); // null if 17 has no entry
 * }</pre>
 */
public final class IpMap implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final IpMap EMPTY = new IpMap(new HashMap<>());

  /** A map file larger than this is refused (the loader holds it in memory). */
  static final int MAX_FILE_BYTES = 256 << 20;

  private final HashMap<Integer, byte[]> addresses;

  private IpMap(HashMap<Integer, byte[]> addresses) {
    this.addresses = addresses;
  }

  /** The map with no entry. */
  public static IpMap empty() {
    return EMPTY;
  }

  /**
   * A map from id to address text.
   *
   * @throws IllegalArgumentException if an address is not an IPv4 or IPv6 literal or an id is
   *     negative
   */
  public static IpMap of(Map<Integer, String> idToAddress) {
    HashMap<Integer, byte[]> m = new HashMap<>();
    for (Map.Entry<Integer, String> e : idToAddress.entrySet()) {
      if (e.getKey() == null || e.getKey() < 0) {
        throw new IllegalArgumentException(
            "IP map id " + e.getKey() + " is not a non-negative int");
      }
      m.put(e.getKey(), IpAddresses.parse(e.getValue()));
    }
    return new IpMap(m);
  }

  /**
   * Parses the JSON text of a map file ({@code {"address": id, ...}}).
   *
   * @param source names the text in error messages
   * @throws IllegalArgumentException with a one-line message if the text is not such an object
   */
  public static IpMap parseJson(String json, String source) {
    Map<String, Long> entries = new JsonObjectParser(json, source).parse();
    HashMap<Integer, byte[]> m = new HashMap<>();
    Map<Integer, String> seen = new HashMap<>();
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      long id = e.getValue();
      if (id < 0 || id > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            source + ": id " + id + " of '" + e.getKey() + "' is not a non-negative int");
      }
      byte[] address;
      try {
        address = IpAddresses.parse(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
      }
      String previous = seen.put((int) id, e.getKey());
      if (previous != null) {
        throw new IllegalArgumentException(
            source + ": id " + id + " is given to both " + previous + " and " + e.getKey());
      }
      m.put((int) id, address);
    }
    return new IpMap(m);
  }

  /** Reads and parses a map file through Beam's {@link FileSystems} (local, GCS, S3 ...). */
  public static IpMap fromFile(String fileSpec) throws IOException {
    ResourceId id = FileSystems.matchSingleFileSpec(fileSpec).resourceId();
    try (InputStream in = Channels.newInputStream(FileSystems.open(id))) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            fileSpec + ": IP map larger than " + MAX_FILE_BYTES + " bytes");
      }
      return parseJson(new String(bytes, StandardCharsets.UTF_8), fileSpec);
    }
  }

  /** The address bytes of {@code id} (shared; do not modify), or null if it has no entry. */
  byte[] lookup(int id) {
    return addresses.get(id);
  }

  /** True if the map has no entry. */
  public boolean isEmpty() {
    return addresses.isEmpty();
  }

  /** The number of entries. */
  public int size() {
    return addresses.size();
  }

  /** The entries as id to address text, for display and tests. */
  public Map<Integer, String> asMap() {
    Map<Integer, String> out = new LinkedHashMap<>();
    addresses.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.put(e.getKey(), IpAddresses.format(e.getValue())));
    return Collections.unmodifiableMap(out);
  }

  /** A strict parser for one flat JSON object of string keys and integer values. */
  private static final class JsonObjectParser {
    private final String s;
    private final String source;
    private int i;

    JsonObjectParser(String s, String source) {
      this.s = s;
      this.source = source;
    }

    Map<String, Long> parse() {
      Map<String, Long> out = new LinkedHashMap<>();
      skipSpace();
      if (i < s.length() && s.charAt(i) == '\uFEFF') {
        i++;
        skipSpace();
      }
      expect('{');
      skipSpace();
      if (peek() == '}') {
        i++;
      } else {
        while (true) {
          skipSpace();
          String key = string();
          skipSpace();
          expect(':');
          skipSpace();
          long value = integer();
          if (out.put(key, value) != null) {
            throw error("key '" + key + "' appears twice");
          }
          skipSpace();
          char c = next();
          if (c == '}') {
            break;
          }
          if (c != ',') {
            throw error("expected ',' or '}'");
          }
        }
      }
      skipSpace();
      if (i != s.length()) {
        throw error("unexpected text after the object");
      }
      return out;
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return sb.toString();
        }
        if (c < 0x20) {
          throw error("control character in a string");
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("short \\u escape");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            i += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    private long integer() {
      int start = i;
      if (peek() == '-') {
        i++;
      }
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      String digits = s.substring(start, i);
      if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
        throw error("id is not an integer");
      }
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException ex) {
        throw error("expected an integer id");
      }
    }

    private void skipSpace() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
      if (i >= s.length()) {
        throw error("unexpected end of text");
      }
      return s.charAt(i++);
    }

    private void expect(char c) {
      if (next() != c) {
        i--;
        throw error("expected '" + c + "'");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(
          source + ": not an IP map JSON object {\"address\": id, ...}: " + what + " at char " + i);
    }
  }
}
