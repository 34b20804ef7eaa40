package org.flowbeam.generate;

import java.nio.file.Path;
import java.util.Locale;

/** The packet file formats the generator writes. */
enum OutputFormat {
  /** TimeArcs packet CSV. */
  CSV,
  /** libpcap, microsecond timestamps, Ethernet. */
  PCAP,
  /** pcapng: one section, one Ethernet interface, Enhanced Packet Blocks. */
  PCAPNG;

  static OutputFormat named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--format must be csv, pcap or pcapng, got '" + name + "'");
    }
  }

  /** The format a file name's extension (before an optional {@code .gz}) names, or null. */
  static OutputFormat ofFileName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".pcapng")) {
      return PCAPNG;
    }
    if (name.endsWith(".pcap")) {
      return PCAP;
    }
    return null;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
