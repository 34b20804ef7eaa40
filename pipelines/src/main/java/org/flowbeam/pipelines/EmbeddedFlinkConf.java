package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The Flink configuration FlowBeam gives Flink embedded in its own JVM, its default runner. Beam
 * reads a Flink configuration only from a directory ({@code --flinkConfDir}), so the file bundled
 * in the jar ({@code flink-embedded/config.yaml}) is written into a temporary directory, removed
 * when the JVM exits. A standalone cluster reads its own configuration ({@code
 * run-configs/flink/conf/}) and gets none of this.
 */
final class EmbeddedFlinkConf {
  static final String RESOURCE = "/flink-embedded/config.yaml";
  static final String FILE_NAME = "config.yaml";

  private EmbeddedFlinkConf() {}

  /**
   * Whether the options in {@code args} run Flink embedded in this JVM with no Flink
   * configuration of their own: the Flink runner (named, or FlowBeam's default when none is),
   * a local or automatic master, and no {@code --flinkConfDir}.
   */
  static boolean applies(List<String> args) {
    String runner = value(args, "--runner", "FlinkRunner");
    String master = value(args, "--flinkMaster", "[auto]");
    boolean flink = runner.equals("FlinkRunner") || runner.endsWith(".FlinkRunner");
    boolean local = master.equals("[local]") || master.equals("[auto]");
    return flink && local && value(args, "--flinkConfDir", null) == null;
  }

  /** Writes the bundled configuration into a new temporary directory and returns the directory. */
  static Path write() {
    try (InputStream in = EmbeddedFlinkConf.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + RESOURCE);
      }
      Path dir = Files.createTempDirectory("flowbeam-flink-conf");
      Path file = dir.resolve(FILE_NAME);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedded Flink configuration", e);
    }
  }

  private static String value(List<String> args, String name, String absent) {
    String found = absent;
    for (String a : args) {
      if (a.equals(name)) {
        found = "true";
      } else if (a.startsWith(name + "=")) {
        found = a.substring(name.length() + 1);
      }
    }
    return found;
  }
}
