package org.flowbeam.pipelines.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flowbeam.pipelines.progress.ProgressView.Phase;

/**
 * Formats a {@link ProgressView}: as a plain line for logs, with exact counts, or as a compact line
 * for a terminal that fits its width (the least useful fields are left off).
 *
 * <pre>{@code
 * flowbeam: reading 41%, 1:02 elapsed, ~1:28 left, 4.08 of 9.88 GB read, 41,203,114 records,
 *     40,983,002 packets, 812,004 packets/s, 3,120,455 flows        (plain: one line)
 * reading 41%, 1:02, ETA 1:28, 4.08/9.88 GB, 812k pkt/s, 3.12M flows, 41.2M rec     (terminal)
 * }</pre>
 *
 * <p>The plain fields, in order: the phase and its percent (of the input's bytes while reading, of
 * the flow-protocol packets read while assembling flows), time since the command started, estimated
 * time left in the phase, input bytes read ({@code ~} when estimated from ranges read on a
 * cluster), records, packets, the phase's packets a second (or bytes a second where packets are not
 * known yet), flows ended so far. The terminal's put records last, the first to go when the line is
 * too wide. A count not known yet is left off. No field reads "flows in", which the final summary
 * line is recognised by.
 */
public final class ProgressLine {
  /** What begins a plain line. */
  public static final String PLAIN_PREFIX = "flowbeam: ";

  private ProgressLine() {}

  /** The plain line: every known field, exact counts. */
  public static String plain(ProgressView v) {
    return PLAIN_PREFIX + String.join(", ", fields(v, false));
  }

  /** The terminal line: compact fields, as many as fit in {@code width} columns. */
  public static String terminal(ProgressView v, int width) {
    StringBuilder line = new StringBuilder();
    for (String field : fields(v, true)) {
      int length = line.length() + (line.length() == 0 ? 0 : 2) + field.length();
      if (length > width && line.length() > 0) {
        break;
      }
      if (line.length() > 0) {
        line.append(", ");
      }
      line.append(field);
    }
    return line.length() > width ? line.substring(0, width) : line.toString();
  }

  private static List<String> fields(ProgressView v, boolean compact) {
    List<String> f = new ArrayList<>();
    String phase = compact ? v.phase().shortLabel() : v.phase().label();
    if (!Double.isNaN(v.percent())) {
      phase += " " + percent(v.percent());
    }
    f.add(phase);
    f.add(duration(v.elapsedNanos()) + (compact ? "" : " elapsed"));
    if (v.etaNanos() >= 0) {
      f.add(compact ? "ETA " + duration(v.etaNanos()) : "~" + duration(v.etaNanos()) + " left");
    }
    if (v.phase() == Phase.STARTING) {
      return f;
    }
    String tilde = v.bytesEstimated() ? "~" : "";
    if (compact) {
      f.add(tilde + bytes(v.bytes(), v.totalBytes(), "/"));
      f.add(rate(v, true));
      if (v.flows() >= 0) {
        f.add(count(v.flows(), true) + " flows");
      }
      if (v.records() >= 0) {
        f.add(count(v.records(), true) + " rec");
      }
    } else {
      f.add(tilde + bytes(v.bytes(), v.totalBytes(), " of ") + " read");
      if (v.records() >= 0) {
        f.add(count(v.records(), false) + " records");
      }
      if (v.packets() >= 0) {
        f.add(count(v.packets(), false) + " packets");
      }
      f.add(rate(v, false));
      if (v.flows() >= 0) {
        f.add(count(v.flows(), false) + " flows");
      }
    }
    f.removeIf(String::isEmpty);
    return f;
  }

  /** The phase's packets a second, or bytes a second where packets are not known; or nothing. */
  private static String rate(ProgressView v, boolean compact) {
    if (!Double.isNaN(v.packetsPerSecond())) {
      return count(Math.round(v.packetsPerSecond()), compact) + (compact ? " pkt/s" : " packets/s");
    }
    if (!Double.isNaN(v.bytesPerSecond())) {
      return bytes(Math.round(v.bytesPerSecond())) + "/s";
    }
    return "";
  }

  /** A percent rounded down, so that 100% means done: {@code 41%}. */
  static String percent(double p) {
    return (int) Math.floor(p) + "%";
  }

  /** {@code m:ss} or {@code h:mm:ss}. */
  static String duration(long nanos) {
    long s = Math.max(0, nanos) / 1_000_000_000L;
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** A count: exact with thousands separators, or compact ({@code 812}, {@code 41.2k}, ...). */
  static String count(long n, boolean compact) {
    if (!compact || n < 1000) {
      return String.format(Locale.ROOT, "%,d", n);
    }
    return scaled(n, new String[] {"", "k", "M", "G", "T"}, "");
  }

  /** A size in decimal units: {@code 812 B}, {@code 4.08 GB}. */
  static String bytes(long n) {
    return scaled(n, UNITS.toArray(new String[0]), " ");
  }

  /** {@code done} and {@code total} bytes in the unit of {@code total}: {@code 4.08 of 9.88 GB}. */
  static String bytes(long done, long total, String separator) {
    String t = bytes(total);
    int unit = UNITS.indexOf(t.substring(t.indexOf(' ') + 1));
    String d = unit == 0 ? Long.toString(done) : significant(done / Math.pow(1000, unit));
    return d + separator + t;
  }

  private static final List<String> UNITS = List.of("B", "kB", "MB", "GB", "TB");

  private static String scaled(long n, String[] units, String space) {
    double v = n;
    int u = 0;
    while (v >= 999.5 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return (u == 0 ? Long.toString(n) : significant(v)) + space + units[u];
  }

  /** Three significant digits: {@code 4.08}, {@code 41.2}, {@code 812}. */
  private static String significant(double v) {
    if (v >= 99.95 || v == 0) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 9.995) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
