package org.flowbeam.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;

/**
 * A recurring job's runs in plain Java, the reference for the Beam form: the packets are cut into
 * runs by time, each key's packets of a run go to its {@link KeyAssembly} in fragments, each run
 * ends with {@link KeyAssembly#endRun} against the series end, the carried assemblies exist only as
 * bytes between runs, and the last run flushes.
 *
 * <pre>{@code
 * List<RunByRun.Run> runs = RunByRun.assemble(packets, List.of(cutUs), rules, 4);
 * }</pre>
 */
public final class RunByRun {
  private RunByRun() {}

  /**
   * What one run gives.
   *
   * @param flows the flows it wrote
   * @param carried each carried key's assembly as {@link KeyAssembly#writeTo} wrote it
   * @param seriesEndUs the newest packet of this run and every run before
   */
  public record Run(List<FlowRecord> flows, Map<FlowKey, byte[]> carried, long seriesEndUs) {}

  /**
   * The runs of {@code packets} cut at {@code cuts} (run i holds the packets from cut i-1 up to,
   * not including, cut i; the last run, after the last cut, flushes), each key's packets in
   * fragments of at most {@code cap}.
   */
  public static List<Run> assemble(
      List<Packet> packets, List<Long> cuts, FlowRules rules, int cap) {
    return assemble(cut(packets, cuts), rules, cap);
  }

  /** The runs of each slice's packets in turn; the last run flushes. */
  public static List<Run> assemble(List<List<Packet>> slices, FlowRules rules, int cap) {
    List<Run> runs = new ArrayList<>();
    Map<FlowKey, byte[]> carried = new TreeMap<>();
    long seriesEnd = Long.MIN_VALUE;
    for (int run = 0; run < slices.size(); run++) {
      Map<FlowKey, List<Packet>> byKey = new TreeMap<>();
      for (Packet p : slices.get(run)) {
        seriesEnd = Math.max(seriesEnd, p.timestampMicros());
        if (rules.makesFlows(p.protocol())) {
          byKey.computeIfAbsent(FlowKey.of(p), k -> new ArrayList<>()).add(p);
        }
      }
      Set<FlowKey> keys = new TreeSet<>(byKey.keySet());
      keys.addAll(carried.keySet());
      List<FlowRecord> flows = new ArrayList<>();
      Map<FlowKey, byte[]> next = new TreeMap<>();
      for (FlowKey key : keys) {
        KeyAssembly a =
            carried.containsKey(key) ? decode(carried.get(key)) : new KeyAssembly(key, rules);
        List<Packet> mine = byKey.getOrDefault(key, new ArrayList<>());
        mine.sort(Packet.EVENT_ORDER);
        for (int i = 0; i < mine.size(); i += cap) {
          PacketFragment f =
              PacketFragment.of(key, mine.subList(i, Math.min(mine.size(), i + cap)));
          a.add(f, Math.floorDiv(f.oldestUs(), 1000) * 1000, flows::add);
        }
        if (run == slices.size() - 1) {
          a.finish(seriesEnd, flows::add);
        } else if (a.endRun(seriesEnd, flows::add)) {
          next.put(key, encode(a));
        }
      }
      runs.add(new Run(flows, next, seriesEnd));
      carried = next;
    }
    return runs;
  }

  /** {@code packets} cut at {@code cuts} into {@code cuts.size() + 1} slices by time. */
  public static List<List<Packet>> cut(List<Packet> packets, List<Long> cuts) {
    List<List<Packet>> slices = new ArrayList<>();
    long from = Long.MIN_VALUE;
    for (long to : cuts) {
      slices.add(slice(packets, from, to));
      from = to;
    }
    slices.add(slice(packets, from, Long.MAX_VALUE));
    return slices;
  }

  /** The packets from {@code fromUs} up to, not including, {@code toUs}, in their order. */
  public static List<Packet> slice(List<Packet> packets, long fromUs, long toUs) {
    return packets.stream()
        .filter(p -> p.timestampMicros() >= fromUs && p.timestampMicros() < toUs)
        .toList();
  }

  /** Every run's flows, by flow id. */
  public static List<FlowRecord> allFlows(List<Run> runs) {
    List<FlowRecord> all = new ArrayList<>();
    runs.forEach(r -> all.addAll(r.flows()));
    all.sort(Comparator.comparing(FlowRecord::flowId));
    return all;
  }

  public static byte[] encode(KeyAssembly a) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      a.writeTo(new DataOutputStream(bytes));
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static KeyAssembly decode(byte[] bytes) {
    try {
      return KeyAssembly.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
