package org.flowbeam.pipelines.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.flowbeam.io.fs.Location;
import org.flowbeam.io.sink.AtomicFiles;

/**
 * Writes {@code report.html}: one self-contained page that opens from disk, with its styles and its
 * script inline (hand-written, no library: a few hundred lines of SVG drawing need none) and the
 * {@link ReportData} as JSON in a {@code <script type="application/json">} block that the script
 * renders with text nodes only.
 *
 * <p>Everything in the data that came from the input (addresses, file names, raw rejected rows)
 * stays text: in the JSON every {@code <}, {@code >} and {@code &} is a {@code \\u} escape, so no
 * {@code </script>} or {@code <!--} can end the block early, and the script never assigns markup
 * ({@code innerHTML}). A Content-Security-Policy that allows only this page's own script (by its
 * hash) and no fetch of anything backs that up.
 *
 * <pre>{@code
 * ReportHtml.write(ReportReader.read(dir), dir.resolve(ReportHtml.FILE_NAME));
 * }</pre>
 */
public final class ReportHtml {
  /** The report's file name in an output directory. */
  public static final String FILE_NAME = "report.html";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportHtml() {}

  /** Writes the report of {@code data} to {@code file} (a temporary file, then a rename). */
  public static void write(ReportData data, Path file) throws IOException {
    write(data, Location.local(file));
  }

  /** Writes the report of {@code data} to {@code file}, local or on HDFS, all or nothing. */
  public static void write(ReportData data, Location file) throws IOException {
    byte[] page = html(data).getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(page));
  }

  /**
   * Writes the report of the output directory {@code dir} into it, titled {@code title} (the
   * output's name when {@code dir} is its staging directory).
   *
   * @return the report's path
   */
  public static Path writeFor(Path dir, String title) throws IOException {
    return writeFor(Location.local(dir), title).toPath();
  }

  /**
   * Writes the report of the output directory {@code dir}, local or on HDFS, into it, as {@link
   * #writeFor(Path, String)} does.
   */
  public static Location writeFor(Location dir, String title) throws IOException {
    Location file = dir.resolve(FILE_NAME);
    write(ReportReader.read(dir, title), file);
    return file;
  }

  /** The page of {@code data}. */
  public static String html(ReportData data) {
    String script = resource("report.js");
    String style = resource("report.css");
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src"
        + " 'unsafe-inline'; img-src data:; script-src '"
        + sha256(script)
        + "'\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>FlowBeam report</title>\n<style>\n"
        + style
        + "</style>\n</head>\n<body>\n<main id=\"report\"><noscript>This report draws its"
        + " charts with JavaScript.</noscript></main>\n"
        + "<script type=\"application/json\" id=\"report-data\">"
        + json(data)
        + "</script>\n<script>"
        + script
        + "</script>\n</body>\n</html>\n";
  }

  /**
   * {@code data} as JSON safe inside a script element: {@code <}, {@code >}, {@code &} and the line
   * separators U+2028, U+2029 as {@code \\u} escapes (they can only occur inside JSON strings).
   */
  static String json(Object data) {
    String json;
    try {
      json = JSON.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report's data as JSON", e);
    }
    StringBuilder safe = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> safe.append("\\u003c");
        case '>' -> safe.append("\\u003e");
        case '&' -> safe.append("\\u0026");
        case '\u2028' -> safe.append("\\u2028");
        case '\u2029' -> safe.append("\\u2029");
        default -> {
          if (Character.isSurrogate(c)) {
            safe.append(String.format("\\u%04x", (int) c)); // pairs read back the same
          } else {
            safe.append(c);
          }
        }
      }
    }
    return safe.toString();
  }

  /** A CSP source of the script: {@code sha256-BASE64}. */
  static String sha256(String script) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ReportHtml.class.getResourceAsStream("/report/" + name)) {
      if (in == null) {
        throw new IllegalStateException("report resource " + name + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
