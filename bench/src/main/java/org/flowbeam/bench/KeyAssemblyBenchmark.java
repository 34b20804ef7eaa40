package org.flowbeam.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.model.PacketFragmentCoder;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.transforms.KeyAssemblyCoder;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.PacketDigester;
import org.joda.time.Instant;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The keyed stage's work outside Beam: assembling each flow key's fragments, in the order of their
 * oldest packet as the runner delivers them, into its flows ({@link KeyAssembly}: decode, merge in
 * event order, run the TCP state machine). One operation assembles every key of a capture once.
 *
 * <p>Setup digests the capture as the reading step does, flushing the digest every {@code
 * packetsPerRange} packets as a reader does at the end of each range, so that a key that spans
 * ranges has several fragments to merge. The {@code packets} counter is packets merged per second.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar KeyAssemblyBenchmark -p file=/tmp/g1m.pcap
 * }</pre>
 */
public class KeyAssemblyBenchmark extends FileBenchmark {
  /** The capture, relative to the directory the benchmark runs in (the repository root). */
  @Param("../shared/data/captures/loopback/lo-http-ab-2ip.pcap")
  public String file;

  /** Packets per simulated range (a 64 MiB range of whole frames holds about 70,000). */
  @Param("70000")
  public int packetsPerRange;

  private final Map<FlowKey, List<PacketFragment>> fragments = new HashMap<>();
  private long packets;

  @Setup(Level.Trial)
  public void digest() throws IOException {
    Path path = existingFile(file, "capture");
    PacketDigester digester = new PacketDigester(1_000_000, PacketDigest.DEFAULT_FRAGMENT_PACKETS);
    digester.startBundle();
    DoFn.MultiOutputReceiver out = new FragmentCollector();
    try (CaptureReader reader =
        CaptureReader.open(file, FileChannel.open(path, StandardOpenOption.READ), 0)) {
      long inRange = 0;
      while (reader.advance()) {
        if (reader.kind() == CaptureReader.Kind.PACKET) {
          digester.add(reader.packet(), out);
          if (++inRange == packetsPerRange) {
            digester.flush(out);
            inRange = 0;
          }
        }
      }
    }
    digester.flush(out);
    for (List<PacketFragment> list : fragments.values()) {
      list.sort(Comparator.comparingLong(PacketFragment::oldestUs));
      for (PacketFragment f : list) {
        packets += f.size();
      }
    }
  }

  /**
   * As {@link #assembleEveryKey}, each fragment first encoded and decoded as the shuffle to the
   * keyed stage of {@code AssembleFlows.keyed} does: the per-element cost of that path.
   */
  @Benchmark
  public long shuffleAndAssembleEveryKey(ReadCounters counters, Blackhole bh) throws IOException {
    KvCoder<FlowKey, PacketFragment> coder =
        KvCoder.of(FlowKeyCoder.of(), PacketFragmentCoder.of());
    long merged = 0;
    FlowRules rules = FlowRules.defaults();
    for (Map.Entry<FlowKey, List<PacketFragment>> e : fragments.entrySet()) {
      KeyAssembly assembly = new KeyAssembly(e.getKey(), rules);
      for (PacketFragment f : e.getValue()) {
        KV<FlowKey, PacketFragment> kv = CoderUtils.clone(coder, KV.of(e.getKey(), f));
        assembly.add(kv.getValue(), Math.floorDiv(f.oldestUs(), 1000) * 1000, bh::consume);
        merged += f.size();
      }
      assembly.finish(bh::consume);
    }
    counters.add(merged, 0);
    return merged;
  }

  /**
   * The same for the keyed stage of {@code AssembleFlows...carrying(...)}, where a fragment travels
   * as one side of a union with the carried flows (a tag byte more) and is unwrapped there.
   */
  @Benchmark
  public long shuffleUnionAndAssembleEveryKey(ReadCounters counters, Blackhole bh)
      throws IOException {
    KvCoder<FlowKey, RawUnionValue> coder =
        KvCoder.of(
            FlowKeyCoder.of(),
            UnionCoder.of(List.of(PacketFragmentCoder.of(), KeyAssemblyCoder.of())));
    long merged = 0;
    FlowRules rules = FlowRules.defaults();
    for (Map.Entry<FlowKey, List<PacketFragment>> e : fragments.entrySet()) {
      KeyAssembly assembly = new KeyAssembly(e.getKey(), rules);
      for (PacketFragment f : e.getValue()) {
        KV<FlowKey, RawUnionValue> kv =
            CoderUtils.clone(coder, KV.of(e.getKey(), new RawUnionValue(0, f)));
        PacketFragment back = (PacketFragment) kv.getValue().getValue();
        assembly.add(back, Math.floorDiv(f.oldestUs(), 1000) * 1000, bh::consume);
        merged += f.size();
      }
      assembly.finish(bh::consume);
    }
    counters.add(merged, 0);
    return merged;
  }

  @Benchmark
  public long assembleEveryKey(ReadCounters counters, Blackhole bh) {
    long merged = 0;
    FlowRules rules = FlowRules.defaults();
    for (Map.Entry<FlowKey, List<PacketFragment>> e : fragments.entrySet()) {
      KeyAssembly assembly = new KeyAssembly(e.getKey(), rules);
      for (PacketFragment f : e.getValue()) {
        assembly.add(f, Math.floorDiv(f.oldestUs(), 1000) * 1000, bh::consume);
        merged += f.size();
      }
      assembly.finish(bh::consume);
    }
    counters.add(merged, 0);
    return merged;
  }

  /** Keeps the fragments the digester outputs, drops the statistics. */
  private final class FragmentCollector implements DoFn.MultiOutputReceiver {
    @Override
    @SuppressWarnings("unchecked")
    public <T> DoFn.OutputReceiver<T> get(TupleTag<T> tag) {
      return new DoFn.OutputReceiver<T>() {
        @Override
        public void output(T value) {
          if (tag.getId().equals(PacketDigest.KEYED.getId())) {
            KV<FlowKey, PacketFragment> kv = (KV<FlowKey, PacketFragment>) value;
            fragments.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue());
          }
        }

        @Override
        public void outputWithTimestamp(T value, Instant timestamp) {
          output(value);
        }
      };
    }

    @Override
    public <T> DoFn.OutputReceiver<Row> getRowReceiver(TupleTag<T> tag) {
      throw new UnsupportedOperationException();
    }
  }
}
