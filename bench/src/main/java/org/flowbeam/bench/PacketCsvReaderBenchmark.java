package org.flowbeam.io.csv;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.flowbeam.bench.ReadCounters;
import org.flowbeam.io.RecordReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How fast io's CSV range reader ({@link PacketCsvReader}, the code {@code RangeReadFn} runs) reads
 * a whole packet CSV as one range, outside Beam; the CSV counterpart of {@code
 * CaptureReaderBenchmark}, by default on the same loopback packets as tshark exported them.
 *
 * <p>It lives in {@code org.flowbeam.io.csv} because the range reader is package-private there: the
 * benchmark uses it as the DoFn does, without widening io's public API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class PacketCsvReaderBenchmark {
  /** The packet CSV, relative to the directory the benchmark runs in (the repository root). */
  @Param("../shared/data/refs/loopback/lo-http-ab-2ip.pcap.packets.csv")
  public String file;

  private Path path;
  private long fileBytes;

  @Setup(Level.Trial)
  public void open() throws IOException {
    path = Paths.get(file);
    if (!Files.isRegularFile(path)) {
      throw new IOException("no CSV at " + path.toAbsolutePath() + " (set -p file=...)");
    }
    fileBytes = Files.size(path);
  }

  @Benchmark
  public long readSequentially(ReadCounters counters, Blackhole bh) throws IOException {
    long packets = 0;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        PacketCsvReader reader =
            PacketCsvReader.open(
                file, IpMap.empty(), PacketCsvReader.DEFAULT_MAX_ROW_BYTES, channel, 0)) {
      while (reader.advance()) {
        if (reader.kind() == RecordReader.Kind.PACKET) {
          bh.consume(reader.packet());
          packets++;
        } else {
          bh.consume(reader.error());
        }
      }
    }
    counters.add(packets, fileBytes);
    return packets;
  }
}
