package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
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
 * address that is not an IPv4/IPv6 literal, an id given to two addresses or an address given two
 * ids is an error at load time rather than a silent wrong answer later.
 *
 * <p>Millions of entries: the map is held as sorted primitive arrays (8 bytes an IPv4 entry, 20 an
 * IPv6 one; no object per entry), which is also how it is serialized into the pipeline, and looked
 * up by binary search. A map of more than {@value #MAX_ENTRIES} entries, or a file larger than
 * {@value #MAX_FILE_BYTES} bytes, is refused with one line.
 *
 * <pre>{@code
 * IpMap map = IpMap.fromFile("gs://bucket/ip_map.json");
 * byte[] address = map.lookup(17); // null if 17 has no entry
 * }</pre>
 */
public final class IpMap implements Serializable {
  private static final long serialVersionUID = 2L;
  private static final IpMap EMPTY = new Builder("empty").build();

  /** A map file larger than this is refused (the loader holds it in memory). */
  static final int MAX_FILE_BYTES = 256 << 20;

  /** The most entries a map may have. */
  static final int MAX_ENTRIES = 1 << 24;

  /** IPv4 entries: ids ascending, and each id's address as a big-endian int. */
  private final int[] v4Ids;

  private final int[] v4Addresses;

  /** IPv6 entries: ids ascending, and each id's 16 address bytes at {@code 16 * index}. */
  private final int[] v6Ids;

  private final byte[] v6Addresses;

  private IpMap(int[] v4Ids, int[] v4Addresses, int[] v6Ids, byte[] v6Addresses) {
    this.v4Ids = v4Ids;
    this.v4Addresses = v4Addresses;
    this.v6Ids = v6Ids;
    this.v6Addresses = v6Addresses;
  }

  /** The map with no entry. */
  public static IpMap empty() {
    return EMPTY;
  }

  /**
   * A map from id to address text.
   *
   * @throws IllegalArgumentException if an address is not an IPv4 or IPv6 literal, an id is
   *     negative, or an address is given two ids
   */
  public static IpMap of(Map<Integer, String> idToAddress) {
    Builder b = new Builder("IP map");
    for (Map.Entry<Integer, String> e : idToAddress.entrySet()) {
      if (e.getKey() == null || e.getKey() < 0) {
        throw new IllegalArgumentException(
            "IP map id " + e.getKey() + " is not a non-negative int");
      }
      b.add(e.getValue(), e.getKey());
    }
    return b.build();
  }

  /**
   * Parses the JSON text of a map file ({@code {"address": id, ...}}).
   *
   * @param source names the text in error messages
   * @throws IllegalArgumentException with a one-line message if the text is not such an object, or
   *     has more than {@value #MAX_ENTRIES} entries
   */
  public static IpMap parseJson(String json, String source) {
    return parseJson(json, source, MAX_ENTRIES);
  }

  /** As {@link #parseJson(String, String)}, refusing more than {@code maxEntries} entries. */
  static IpMap parseJson(String json, String source, int maxEntries) {
    Builder b = new Builder(source, maxEntries);
    new JsonObjectParser(json, source).parse(b);
    return b.build();
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

  /** The address bytes of {@code id} (a new array), or null if it has no entry. */
  byte[] lookup(int id) {
    int i = Arrays.binarySearch(v4Ids, id);
    if (i >= 0) {
      int a = v4Addresses[i];
      return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }
    i = Arrays.binarySearch(v6Ids, id);
    return i < 0 ? null : Arrays.copyOfRange(v6Addresses, 16 * i, 16 * i + 16);
  }

  /** True if the map has no entry. */
  public boolean isEmpty() {
    return size() == 0;
  }

  /** The number of entries. */
  public int size() {
    return v4Ids.length + v6Ids.length;
  }

  /** The entries as id to address text, ids ascending, for display and tests. */
  public Map<Integer, String> asMap() {
    TreeMap<Integer, String> out = new TreeMap<>();
    for (int id : v4Ids) {
      out.put(id, IpAddresses.format(lookup(id)));
    }
    for (int id : v6Ids) {
      out.put(id, IpAddresses.format(lookup(id)));
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(out));
  }

  /** Collects entries into primitive arrays, then sorts and checks them into a map. */
  private static final class Builder {
    private final String source;
    private int[] v4Ids = new int[16];
    private int[] v4Addresses = new int[16];
    private int v4Count;
    private int[] v6Ids = new int[4];
    private byte[] v6Addresses = new byte[64];
    private int v6Count;

    private final int maxEntries;

    Builder(String source) {
      this(source, MAX_ENTRIES);
    }

    Builder(String source, int maxEntries) {
      this.source = source;
      this.maxEntries = maxEntries;
    }

    void add(String address, long id) {
      if (id < 0 || id > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            source
                + ": id "
                + id
                + " of '"
                + RejectedRowException.oneLine(address)
                + "' is not a non-negative int");
      }
      if (v4Count + v6Count >= maxEntries) {
        throw new IllegalArgumentException(
            source + ": IP map has more than " + maxEntries + " entries: refused");
      }
      byte[] a;
      try {
        a = IpAddresses.parse(address);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source + ": " + RejectedRowException.oneLine(e.getMessage()), e);
      }
      if (a.length == 4) {
        if (v4Count == v4Ids.length) {
          v4Ids = Arrays.copyOf(v4Ids, 2 * v4Count);
          v4Addresses = Arrays.copyOf(v4Addresses, 2 * v4Count);
        }
        v4Ids[v4Count] = (int) id;
        v4Addresses[v4Count++] = ByteBuffer.wrap(a).getInt();
      } else {
        if (v6Count == v6Ids.length) {
          v6Ids = Arrays.copyOf(v6Ids, 2 * v6Count);
          v6Addresses = Arrays.copyOf(v6Addresses, 32 * v6Count);
        }
        v6Ids[v6Count] = (int) id;
        System.arraycopy(a, 0, v6Addresses, 16 * v6Count++, 16);
      }
    }

    IpMap build() {
      // IPv4: an address given two ids, then (sorted by id) an id given twice.
      long[] byAddress = new long[v4Count];
      for (int i = 0; i < v4Count; i++) {
        byAddress[i] = (long) v4Addresses[i] << 32 | (v4Ids[i] & 0xffffffffL);
      }
      Arrays.sort(byAddress);
      for (int i = 1; i < v4Count; i++) {
        if ((byAddress[i] >>> 32) == (byAddress[i - 1] >>> 32)) {
          throw twoIds(
              v4Bytes((int) (byAddress[i] >>> 32)), (int) byAddress[i - 1], (int) byAddress[i]);
        }
      }
      long[] byId = new long[v4Count];
      for (int i = 0; i < v4Count; i++) {
        byId[i] = (long) v4Ids[i] << 32 | (v4Addresses[i] & 0xffffffffL);
      }
      Arrays.sort(byId);
      int[] ids4 = new int[v4Count];
      int[] addresses4 = new int[v4Count];
      for (int i = 0; i < v4Count; i++) {
        ids4[i] = (int) (byId[i] >>> 32);
        addresses4[i] = (int) byId[i];
      }
      // IPv6: sort an index by address, then by id.
      Integer[] order = new Integer[v6Count];
      for (int i = 0; i < v6Count; i++) {
        order[i] = i;
      }
      Arrays.sort(
          order,
          (x, y) ->
              Arrays.compareUnsigned(
                  v6Addresses, 16 * x, 16 * x + 16, v6Addresses, 16 * y, 16 * y + 16));
      for (int i = 1; i < v6Count; i++) {
        int x = order[i - 1];
        int y = order[i];
        if (Arrays.equals(v6Addresses, 16 * x, 16 * x + 16, v6Addresses, 16 * y, 16 * y + 16)) {
          throw twoIds(Arrays.copyOfRange(v6Addresses, 16 * y, 16 * y + 16), v6Ids[x], v6Ids[y]);
        }
      }
      Arrays.sort(order, (x, y) -> Integer.compare(v6Ids[x], v6Ids[y]));
      int[] ids6 = new int[v6Count];
      byte[] addresses6 = new byte[16 * v6Count];
      for (int i = 0; i < v6Count; i++) {
        ids6[i] = v6Ids[order[i]];
        System.arraycopy(v6Addresses, 16 * order[i], addresses6, 16 * i, 16);
      }
      IpMap map = new IpMap(ids4, addresses4, ids6, addresses6);
      checkIdsOnce(map);
      return map;
    }

    /** Fails if an id is given twice: within a family (adjacent when sorted) or across both. */
    private void checkIdsOnce(IpMap m) {
      for (int[] ids : new int[][] {m.v4Ids, m.v6Ids}) {
        for (int i = 1; i < ids.length; i++) {
          if (ids[i] == ids[i - 1]) {
            throw idTwice(ids[i]);
          }
        }
      }
      for (int id : m.v6Ids) {
        if (Arrays.binarySearch(m.v4Ids, id) >= 0) {
          throw idTwice(id);
        }
      }
    }

    private IllegalArgumentException idTwice(int id) {
      return new IllegalArgumentException(source + ": id " + id + " is given to two addresses");
    }

    private IllegalArgumentException twoIds(byte[] address, int a, int b) {
      return new IllegalArgumentException(
          source
              + ": address "
              + IpAddresses.format(address)
              + " is given two ids, "
              + Math.min(a, b)
              + " and "
              + Math.max(a, b));
    }

    private static byte[] v4Bytes(int a) {
      return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }
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

    void parse(Builder out) {
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
          out.add(key, value);
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
          source
              + ": not an IP map JSON object {\"address\": id, ...}: "
              + RejectedRowException.oneLine(what)
              + " at char "
              + i);
    }
  }
}
