package org.flowbeam.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The samples bundled with the repository ({@code src/samples}), which every clone has: the tests
 * that run the job on real traffic use them, so a clone without {@code ../shared} still runs them.
 * Only comparisons with tshark's references need {@link SharedData}.
 *
 * <p>The location comes from the {@code flowbeam.samples} system property, which the build sets;
 * from an IDE it falls back to {@code ../src/samples} relative to a module.
 */
public final class Samples {
  private Samples() {}

  /** The bundled samples folder. */
  public static Path root() {
    Path p = Path.of(System.getProperty("flowbeam.samples", "../src/samples"));
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("the bundled samples are missing at " + p.toAbsolutePath());
    }
    return p;
  }

  /** The first 5,000 packets of the shared loopback capture, as TimeArcs packet CSV. */
  public static Path loopbackCsv() {
    return root().resolve("loopback-5k.csv");
  }

  /** The same 5,000 packets as {@link #loopbackCsv()}, as the pcap they were captured in. */
  public static Path loopbackPcap() {
    return root().resolve("loopback-5k.pcap");
  }

  /** The folder of 25 small pcaps, one TCP corner case each (aboutsip/pkts test data, MIT). */
  public static Path tcpEdge() {
    return root().resolve("tcp-edge");
  }
}
