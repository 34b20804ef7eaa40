package org.flowbeam.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.PacketDigester;
import org.joda.time.Instant;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How fast the plain-Java {@link CaptureReader} reads a whole capture sequentially, outside Beam:
 * one operation is one pass over the file, decoding every record into a {@link
 * org.flowbeam.model.Packet}. The {@link ReadCounters} report packets/s and bytes/s of file read.
 *
 * <p>{@link #readAndDigest} adds the rest of the per-packet work of FlowBeam's reading step: every
 * packet goes through a {@link PacketDigester} (flow fragments and the statistics' partial sums),
 * as {@code PcapIO.read().withDigest(...)} does in each range, its outputs into the black hole. The
 * difference between the two is the digest's cost.
 *
 * <p>The file is read through the page cache (it is warm after the first pass), so this measures
 * the reader's CPU cost, not the disk.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar CaptureReaderBenchmark -p file=other.pcapng
 * }</pre>
 */
public class CaptureReaderBenchmark extends FileBenchmark {
  /** The capture, relative to the directory the benchmark runs in (the repository root). */
  @Param("../shared/data/captures/loopback/lo-http-ab-2ip.pcap")
  public String file;

  private Path path;
  private long fileBytes;

  @Setup(Level.Trial)
  public void open() throws IOException {
    path = existingFile(file, "capture");
    fileBytes = Files.size(path);
  }

  @Benchmark
  public long readSequentially(ReadCounters counters, Blackhole bh) throws IOException {
    long packets = 0;
    try (CaptureReader reader =
        CaptureReader.open(file, FileChannel.open(path, StandardOpenOption.READ), 0)) {
      while (reader.advance()) {
        if (reader.kind() == CaptureReader.Kind.PACKET) {
          bh.consume(reader.packet());
          packets++;
        }
      }
    }
    counters.add(packets, fileBytes);
    return packets;
  }

  @Benchmark
  public long readAndDigest(ReadCounters counters, Blackhole bh) throws IOException {
    long packets = 0;
    PacketDigester digester = new PacketDigester(1_000_000, PacketDigest.DEFAULT_FRAGMENT_PACKETS);
    digester.startBundle();
    DoFn.MultiOutputReceiver out = new BlackholeReceiver(bh);
    try (CaptureReader reader =
        CaptureReader.open(file, FileChannel.open(path, StandardOpenOption.READ), 0)) {
      while (reader.advance()) {
        if (reader.kind() == CaptureReader.Kind.PACKET) {
          digester.add(reader.packet(), out);
          packets++;
        }
      }
    }
    digester.flush(out);
    counters.add(packets, fileBytes);
    return packets;
  }

  /** Every output of every tag into the black hole. */
  private static final class BlackholeReceiver implements DoFn.MultiOutputReceiver {
    private final Blackhole bh;

    BlackholeReceiver(Blackhole bh) {
      this.bh = bh;
    }

    @Override
    public <T> DoFn.OutputReceiver<T> get(TupleTag<T> tag) {
      return new DoFn.OutputReceiver<T>() {
        @Override
        public void output(T value) {
          bh.consume(value);
        }

        @Override
        public void outputWithTimestamp(T value, Instant timestamp) {
          bh.consume(value);
        }
      };
    }

    @Override
    public <T> DoFn.OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
      throw new UnsupportedOperationException();
    }
  }
}
