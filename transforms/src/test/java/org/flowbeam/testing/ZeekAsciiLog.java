package org.flowbeam.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Zeek ASCII log as Zeek's own tools do (zeek-cut, the input framework's ASCII reader),
 * written for the tests from Zeek's documentation of the format, not from FlowBeam's writer: the
 * first line is {@code #separator} and a space and the separator as {@code \xNN}; the other {@code
 * #} lines are a keyword, the separator and values; {@code #fields} and {@code #types} have as many
 * values; a data line has one value per field, split at the separator only; {@code \xNN} in a value
 * is the byte NN; a value equal to {@code #unset_field} is unset (null here) and one equal to
 * {@code #empty_field} is empty. Throws {@link IllegalArgumentException} on any breach, naming the
 * line.
 */
public final class ZeekAsciiLog {
  private static final Pattern HEX = Pattern.compile("\\\\x([0-9a-fA-F]{2})");

  public final String separator;
  public final Map<String, String> header = new LinkedHashMap<>();
  public final List<String> headerOrder = new ArrayList<>();
  public final List<String> fields;
  public final List<String> types;
  public final List<Map<String, String>> rows = new ArrayList<>();
  public final String close;

  private ZeekAsciiLog(String text) {
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the log does not end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (!lines[0].startsWith("#separator ")) {
      throw new IllegalArgumentException("line 1 is not #separator: " + lines[0]);
    }
    separator = unescape(lines[0].substring("#separator ".length()));
    String closed = null;
    List<String> fieldList = null;
    List<String> typeList = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (closed != null) {
        throw new IllegalArgumentException("line " + (i + 1) + " after #close");
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(Pattern.quote(separator), -1);
        String key = parts[0].substring(1);
        headerOrder.add(key);
        List<String> values = Arrays.asList(parts).subList(1, parts.length);
        switch (key) {
          case "fields":
            fieldList = List.copyOf(values);
            break;
          case "types":
            typeList = List.copyOf(values);
            break;
          case "close":
            closed = values.get(0);
            break;
          default:
            if (values.size() != 1) {
              throw new IllegalArgumentException("line " + (i + 1) + ": " + line);
            }
            header.put(key, values.get(0));
        }
        continue;
      }
      if (fieldList == null || typeList == null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": data before #fields/#types");
      }
      String[] cells = line.split(Pattern.quote(separator), -1);
      if (cells.length != fieldList.size()) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": " + cells.length + " values, " + fieldList.size() + " fields");
      }
      Map<String, String> row = new HashMap<>();
      for (int c = 0; c < cells.length; c++) {
        String v = cells[c];
        if (v.equals(header.get("unset_field"))) {
          row.put(fieldList.get(c), null);
        } else if (v.equals(header.get("empty_field"))) {
          row.put(fieldList.get(c), "");
        } else {
          row.put(fieldList.get(c), unescape(v));
        }
      }
      rows.add(row);
    }
    if (fieldList == null || typeList == null || fieldList.size() != typeList.size()) {
      throw new IllegalArgumentException("#fields and #types missing or of different lengths");
    }
    if (closed == null) {
      throw new IllegalArgumentException("no #close line at the end");
    }
    fields = fieldList;
    types = typeList;
    close = closed;
  }

  public static ZeekAsciiLog parse(String text) {
    return new ZeekAsciiLog(text);
  }

  /** Zeek's {@code \xNN} escapes decoded as bytes, the result read as UTF-8. */
  public static String unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Matcher m = HEX.matcher(s);
    int at = 0;
    while (m.find()) {
      out.writeBytes(s.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
      out.write(Integer.parseInt(m.group(1), 16));
      at = m.end();
    }
    out.writeBytes(s.substring(at).getBytes(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
