package org.flowbeam.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.flowbeam.io.InputFormat;
import org.flowbeam.io.RecordReader;
import org.flowbeam.io.csv.IpMap;
import org.flowbeam.io.csv.PacketCsvFormat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How fast io's packet CSV reader reads a whole packet CSV as one range, outside Beam; the CSV
 * counterpart of {@link CaptureReaderBenchmark}, by default on the same loopback packets as tshark
 * exported them. It opens the reader through the public {@link InputFormat} of the format, {@link
 * PacketCsvFormat}, as {@code RangeReadFn} does for a range starting at 0.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar PacketCsvReaderBenchmark -p file=other.csv
 * }</pre>
 */
public class PacketCsvReaderBenchmark extends FileBenchmark {
  /** The packet CSV, relative to the directory the benchmark runs in (the repository root). */
  @Param("../shared/data/refs/loopback/lo-http-ab-2ip.pcap.packets.csv")
  public String file;

  private final InputFormat<RecordReader> format = new PacketCsvFormat(IpMap.empty());
  private Path path;
  private MatchResult.Metadata metadata;
  private long fileBytes;

  @Setup(Level.Trial)
  public void open() throws IOException {
    path = existingFile(file, "CSV");
    fileBytes = Files.size(path);
    metadata = FileSystems.matchSingleFileSpec(path.toAbsolutePath().toString());
  }

  @Benchmark
  public long readSequentially(ReadCounters counters, Blackhole bh) throws IOException {
    long packets = 0;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        RecordReader reader = format.open(metadata, channel, 0)) {
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
