package org.flowbeam.generate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code generate} command of the fat jar: {@code java -jar flowbeam.jar generate --output=FILE
 * [options]} writes synthetic traffic and its ground-truth flows ({@link TrafficGenerator}). {@code
 * --help} lists the options; a bad option ends with one line on standard error and exit code 2, an
 * I/O failure with one line and exit code 1.
 *
 * <pre>{@code
 * java -jar pipelines/target/flowbeam.jar generate --output=/tmp/t.pcap --size=1GB --seed=7
 * }</pre>
 */
public final class GenerateMain {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_USAGE = 2;

  /** The options that shape the elephants, each meaningless without {@code --elephants}. */
  private static final String[] ELEPHANT_DETAILS = {
    "elephantPackets", "elephantShare", "elephantEnd", "elephantIdleGaps"
  };

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -jar flowbeam.jar generate --output=FILE [options]",
          "",
          "Writes synthetic TCP/UDP traffic (streaming, seeded) and the flows FlowBeam must find.",
          "",
          "  --output=FILE        packets: .csv (TimeArcs packet CSV), .pcap or .pcapng;"
              + " .gz compresses",
          "  --format=F           csv, pcap or pcapng (default: from the file name)",
          "  --truth=FILE         ground-truth flows CSV (default: OUTPUT.truth.csv)",
          "  --packets=N          stop after N packets (default 1000000 when --size is absent)",
          "  --size=SIZE          stop once the output reaches SIZE bytes before gzip: 800KB,"
              + " 1GB, 1.5GB (KB/MB/GB/TB = 1024-based)",
          "  --seed=N             random seed (default 1); same seed and options, same bytes",
          "  --hosts=N            hosts, a tenth of them servers (default 200)",
          "  --retransmitRate=F   fraction of data segments and SYNs sent twice (default 0.01)",
          "  --reorderRate=F      fraction of data packets swapped with a neighbour (default 0.01)",
          "  --ipv6Fraction=F     fraction of conversations over IPv6 (default 0.1)",
          "  --start=US           first arrival, µs since the epoch (default 1700000000000000)",
          "  --rate=R             new conversations per simulated second (default 10)",
          "  --maxActive=N        most conversations open at once (default 10000)",
          "  --mix=M              realistic (default) or dense (every feature in small outputs)",
          "  --snaplen=N          pcap/pcapng: keep the first N bytes of each frame, original"
              + " length kept, as tcpdump -s N (54..262144, default 65535 = whole frames)",
          "",
          "Elephants: a few TCP downloads of many packets each, over the background traffic",
          "(their packets count in --packets; the rest is background; not with --size):",
          "  --elephants=K        K elephant connections, each one flow in the truth (default 0)",
          "  --elephantPackets=N  packets of each elephant, handshake and close included",
          "  --elephantShare=F    or: the elephants hold this fraction of --packets, in equal"
              + " parts",
          "  --elephantEnd=E      fin (default), rst, or open (no close: still open at the end)",
          "  --elephantIdleGaps=N pauses of 360-1200 s in each elephant, past the idle timeout,",
          "                       each one more flow in the truth (default 0)",
          "  one 100M-packet connection alone (--packets=101000000: over 1M background packets):",
          "    --elephants=1 --elephantPackets=100000000 --packets=100000000",
          "  90% of 5M packets in 5 flows:",
          "    --elephants=5 --elephantShare=0.9 --packets=5000000",
          "",
          "The truth assumes FlowBeam's default flow rules (--idleTimeout=300, --closeLinger=none);"
              + " nothing follows a close but its last ACK, so --closeLinger=2 finds the same flows.",
          "See src/docs/generate.md.");

  private GenerateMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The parsed command: where to write and what. */
  record Command(Path output, OutputFormat format, Path truth, GeneratorConfig config) {}

  /** Runs the command; returns the process exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return EXIT_OK;
      }
    }
    Command c;
    try {
      c = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("flowbeam generate: error: " + e.getMessage());
      return EXIT_USAGE;
    }
    long started = System.nanoTime();
    TrafficGenerator.GenerationSummary s;
    try {
      s = TrafficGenerator.generate(c.config(), c.format(), c.output(), c.truth());
    } catch (IOException | RuntimeException e) {
      err.println(
          "flowbeam generate: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return EXIT_FAILURE;
    }
    double seconds = Math.max((System.nanoTime() - started) / 1e9, 1e-9);
    int snaplen = c.config().snaplen();
    int elephants = c.config().elephants().count();
    out.printf(
        Locale.ROOT,
        "flowbeam generate: %,d packets (%,d TCP%s), %,d bytes %s%s, %,d flows, %.0f s of traffic"
            + " in %.1f s (%.1f MB/s, %,.0f packets/s) -> %s, truth %s%n",
        s.packets(),
        s.tcpPackets(),
        elephants == 0
            ? ""
            : String.format(
                Locale.ROOT,
                ", %,d in %d elephant%s",
                s.elephantPackets(),
                elephants,
                elephants == 1 ? "" : "s"),
        s.bytes(),
        c.format().label(),
        snaplen == GeneratorConfig.DEFAULT_SNAPLEN ? "" : " (snaplen " + snaplen + ")",
        s.flows(),
        s.packets() == 0 ? 0.0 : (s.lastUs() - s.firstUs()) / 1e6,
        seconds,
        s.bytes() / 1e6 / seconds,
        s.packets() / seconds,
        c.output(),
        c.truth());
    return EXIT_OK;
  }

  /**
   * Parses {@code --name=value} options.
   *
   * @throws IllegalArgumentException with a one-line message for a bad option
   */
  static Command parse(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 3) {
        throw new IllegalArgumentException(
            "expected --name=value, got '" + a + "' (--help lists the options)");
      }
      String name = a.substring(2, eq);
      if (o.put(name, a.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("--" + name + " given twice");
      }
    }
    String outputText = o.remove("output");
    if (outputText == null || outputText.isBlank()) {
      throw new IllegalArgumentException("--output=FILE is required");
    }
    Path output = Path.of(outputText);
    String formatText = o.remove("format");
    OutputFormat format =
        formatText != null ? OutputFormat.named(formatText) : OutputFormat.ofFileName(output);
    if (format == null) {
      throw new IllegalArgumentException(
          "cannot tell the format of "
              + output
              + ": name it .csv, .pcap or .pcapng, or give"
              + " --format");
    }
    String truthText = o.remove("truth");
    Path truth = truthText != null ? Path.of(truthText) : Path.of(outputText + ".truth.csv");
    if (truth.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("--truth must differ from --output");
    }
    for (Path p : new Path[] {output, truth}) {
      if (Files.isDirectory(p)) {
        throw new IllegalArgumentException(p + " is a directory");
      }
    }

    if (format == OutputFormat.CSV && o.containsKey("snaplen")) {
      throw new IllegalArgumentException(
          "--snaplen applies to pcap and pcapng output only, not to csv");
    }

    GeneratorConfig.Builder b = GeneratorConfig.builder();
    String packets = o.remove("packets");
    String size = o.remove("size");
    if (packets != null) {
      b.maxPackets(longOption("packets", packets));
    }
    if (size != null) {
      b.maxBytes(parseSize(size));
    }
    long maxPackets = packets != null ? longOption("packets", packets) : 1_000_000;
    if (packets == null && size == null) {
      b.maxPackets(maxPackets);
    }
    b.elephants(elephantPlan(o, size == null ? maxPackets : -1));
    for (Map.Entry<String, String> e : o.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "seed" -> b.seed(longOption("seed", v));
        case "hosts" -> b.hosts(intOption("hosts", v));
        case "retransmitRate" -> b.retransmitRate(doubleOption("retransmitRate", v));
        case "reorderRate" -> b.reorderRate(doubleOption("reorderRate", v));
        case "ipv6Fraction" -> b.ipv6Fraction(doubleOption("ipv6Fraction", v));
        case "start" -> b.startUs(longOption("start", v));
        case "rate" -> b.connectionsPerSecond(doubleOption("rate", v));
        case "maxActive" -> b.maxActive(intOption("maxActive", v));
        case "snaplen" -> b.snaplen(intOption("snaplen", v));
        case "mix" ->
            b.mix(
                switch (v) {
                  case "realistic" -> TrafficMix.realistic();
                  case "dense" -> TrafficMix.dense();
                  default ->
                      throw new IllegalArgumentException(
                          "--mix must be realistic or dense, got '" + v + "'");
                });
        default ->
            throw new IllegalArgumentException(
                "unknown option --" + e.getKey() + " (--help lists the options)");
      }
    }
    return new Command(output, format, truth, b.build());
  }

  /**
   * The {@code --elephant*} options (removed from {@code o}) as a plan; {@code maxPackets} is the
   * packet budget, or -1 under {@code --size}.
   */
  private static ElephantPlan elephantPlan(Map<String, String> o, long maxPackets) {
    if (!o.containsKey("elephants")) {
      for (String name : ELEPHANT_DETAILS) {
        if (o.containsKey(name)) {
          throw new IllegalArgumentException("--" + name + " needs --elephants=K");
        }
      }
      return ElephantPlan.NONE;
    }
    int k = intOption("elephants", o.remove("elephants"));
    String packets = o.remove("elephantPackets");
    String share = o.remove("elephantShare");
    String end = o.remove("elephantEnd");
    String idleGaps = o.remove("elephantIdleGaps");
    ElephantPlan.End e = end == null ? ElephantPlan.End.FIN : ElephantPlan.End.named(end);
    int gaps = idleGaps == null ? 0 : intOption("elephantIdleGaps", idleGaps);
    if ((packets == null) == (share == null)) {
      throw new IllegalArgumentException(
          "--elephants needs one of --elephantPackets=N and --elephantShare=F");
    }
    if (maxPackets < 0) {
      throw new IllegalArgumentException(
          "--elephants needs a packet budget (--packets), not --size: the elephants' packets are"
              + " counted exactly");
    }
    if (share != null) {
      return ElephantPlan.sharing(k, doubleOption("elephantShare", share), maxPackets, e, gaps);
    }
    return new ElephantPlan(k, longOption("elephantPackets", packets), e, gaps);
  }

  /** Bytes in {@code 123}, {@code 800KB}, {@code 1GB}, {@code 1.5 GiB} (units 1024-based). */
  static long parseSize(String text) {
    String s = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    String[][] units = {
      {"TIB", "TB", "T"}, {"GIB", "GB", "G"}, {"MIB", "MB", "M"}, {"KIB", "KB", "K"}
    };
    long[] factors = {1L << 40, 1L << 30, 1L << 20, 1L << 10};
    outer:
    for (int i = 0; i < units.length; i++) {
      for (String u : units[i]) {
        if (s.endsWith(u)) {
          unit = factors[i];
          s = s.substring(0, s.length() - u.length());
          break outer;
        }
      }
    }
    if (s.endsWith("B")) {
      s = s.substring(0, s.length() - 1);
    }
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--size must be like 800KB, 1GB or 1.5GB, got '" + text + "'");
    }
    if (!(v > 0) || v * unit >= 1L << 50) {
      throw new IllegalArgumentException(
          "--size must be positive and below 1 PB, got '" + text + "'");
    }
    return Math.max(1, (long) (v * unit));
  }

  /** An integer option, clamped to the int range (the checks then name the value as too large). */
  private static int intOption(String name, String v) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longOption(name, v)));
  }

  private static long longOption(String name, String v) {
    try {
      return Long.parseLong(v.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  private static double doubleOption(String name, String v) {
    try {
      double d = Double.parseDouble(v.trim());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
    }
  }
}
