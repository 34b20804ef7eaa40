package org.flowbeam.io.csv;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.flowbeam.bench.ReadCounters;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
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
 * How fast io's CSV range reader ({@link PacketCsvRangeReader}, the code {@code PacketCsvReadFn}
 * runs) reads a whole packet CSV as one range, outside Beam; the CSV counterpart of {@code
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
    long[] packets = new long[1];
    PacketCsvRangeReader.Output out =
        new PacketCsvRangeReader.Output() {
          @Override
          public void packet(Packet packet) {
            bh.consume(packet);
            packets[0]++;
          }

          @Override
          public void rejected(RejectedRecord record) {
            bh.consume(record);
          }
        };
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      new PacketCsvRangeReader(file, IpMap.empty()).readSeekable(channel, 0, offset -> true, out);
    }
    counters.add(packets[0], fileBytes);
    return packets[0];
  }
}
