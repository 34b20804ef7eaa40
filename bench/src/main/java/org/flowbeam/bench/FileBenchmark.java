package org.flowbeam.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What FlowBeam's benchmarks share: each measures passes per second over one input file (a JMH
 * {@code @Param}), with the same warm-up, measurement and fork (JMH inherits these annotations),
 * and refuses a missing file with one line saying how to name another.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public abstract class FileBenchmark {
  /**
   * The file named {@code file}, relative to the directory the benchmark runs in (the repository
   * root).
   *
   * @param what what the file holds, for the message if it is missing ("capture", "CSV")
   */
  protected static Path existingFile(String file, String what) throws IOException {
    Path path = Paths.get(file);
    if (!Files.isRegularFile(path)) {
      throw new IOException("no " + what + " at " + path.toAbsolutePath() + " (set -p file=...)");
    }
    return path;
  }
}
