package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.flowbeam.io.carried.CarriedFlowsFile;
import org.flowbeam.io.pcap.CaptureReader;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.tcp.FlowAssembler;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.testing.Samples;
import org.flowbeam.testing.TimeSlicedPcap;
import org.flowbeam.transforms.AssembleFlows;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.TrafficStats;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The invariant of the recurring job (src/docs/incremental.md): data cut into time slices and run
 * slice by slice on the Direct Runner, the flows still open carried from run to run through {@link
 * CarriedFlows} files and the last run flushing, gives the flows of one run over all the data: the
 * same ids, packets, bytes, states and close reasons, and no flow twice.
 */
@BeamTest
class CarriedFlowsInvariantTest {
  /** What each run's collecting step saw, by a name unique to the run. */
  private static final Map<String, Queue<FlowRecord>> COLLECTED = new ConcurrentHashMap<>();

  @TempDir Path dir;

  /** One run's input: its packets, digested, in {@code p}. */
  private interface Input extends Function<Pipeline, PacketDigest.Result> {}

  /** What a series of runs gave. */
  private record Series(List<List<FlowRecord>> flows, List<CarriedFlowsFile.Summary> carried) {
    List<FlowRecord> all() {
      List<FlowRecord> all = new ArrayList<>();
      flows.forEach(all::addAll);
      return byId(all);
    }
  }

  /** Runs {@code slices} in turn, each in its own pipeline, carrying state through files. */
  private Series runInTurn(List<Input> slices, FlowRules rules) throws IOException {
    List<List<FlowRecord>> flows = new ArrayList<>();
    List<CarriedFlowsFile.Summary> carried = new ArrayList<>();
    String previous = dir.resolve("carried/none.state").toString();
    for (int run = 0; run < slices.size(); run++) {
      String next = dir.resolve("carried/run-" + run + ".state").toString();
      CarriedFlowsFile.Summary before = CarriedFlows.inspect(previous);
      TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
      PacketDigest.Result digest = slices.get(run).apply(p);
      AssembleFlows.Carrying carrying =
          AssembleFlows.keyed(rules, AssembleFlows.lastPacketUs(TrafficStats.totals(digest)))
              .carrying(p.apply("ReadCarried", CarriedFlows.read(previous)), before.seriesEndUs());
      boolean last = run == slices.size() - 1;
      AssembleFlows.Carrying.Result result =
          digest.byFlowKey().apply(last ? carrying.flushing() : carrying);
      result.carried().apply("WriteCarried", CarriedFlows.write(next, result.seriesEndUs()));
      flows.add(collect(p, result.flows()));
      carried.add(CarriedFlows.inspect(next));
      previous = next;
    }
    return new Series(flows, carried);
  }

  /** Runs the plain keyed assembly over {@code all} in one pipeline. */
  private static List<FlowRecord> oneRun(Input all, FlowRules rules) {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PacketDigest.Result digest = all.apply(p);
    return collect(
        p,
        digest
            .byFlowKey()
            .apply(
                AssembleFlows.keyed(
                    rules, AssembleFlows.lastPacketUs(TrafficStats.totals(digest)))));
  }

  /** Runs {@code p} and returns what {@code flows} held, by id. */
  private static List<FlowRecord> collect(Pipeline p, PCollection<FlowRecord> flows) {
    String bin = UUID.randomUUID().toString();
    COLLECTED.put(bin, new ConcurrentLinkedQueue<>());
    flows.apply("Collect", ParDo.of(new CollectFn(bin)));
    p.run().waitUntilFinish();
    return byId(new ArrayList<>(COLLECTED.remove(bin)));
  }

  /** Adds each flow to its bin of {@link #COLLECTED} (the Direct Runner runs in this JVM). */
  private static final class CollectFn extends DoFn<FlowRecord, Void> {
    private final String bin;

    CollectFn(String bin) {
      this.bin = bin;
    }

    @ProcessElement
    public void process(@Element FlowRecord flow) {
      COLLECTED.get(bin).add(flow);
    }
  }

  private static List<FlowRecord> byId(List<FlowRecord> flows) {
    List<FlowRecord> sorted = new ArrayList<>(flows);
    sorted.sort(Comparator.comparing(FlowRecord::flowId));
    return sorted;
  }

  private static void assertNoIdTwice(List<FlowRecord> flows) {
    Set<String> ids = new HashSet<>();
    flows.forEach(f -> ids.add(f.flowId()));
    assertThat(ids, hasSize(flows.size()));
  }

  // --- a hand-built trace, always run ---

  private static final FlowRules SHORT_IDLE = FlowRules.defaults().withIdleTimeoutUs(10_000_000);

  /** The busy sample and a UDP packet at 7.9 s (non-TCP packets move the series end too). */
  private static List<Packet> handBuilt() {
    return SampleTraffic.busyTrafficWithLateUdp();
  }

  private static Input packets(List<Packet> packets) {
    return p -> {
      List<TimestampedValue<Packet>> timestamped = new ArrayList<>();
      for (Packet pk : packets) {
        timestamped.add(
            TimestampedValue.of(pk, new Instant(Math.floorDiv(pk.timestampMicros(), 1000))));
      }
      return p.apply("Packets", Create.timestamped(timestamped).withCoder(PacketCoder.of()))
          .apply("Digest", PacketDigest.withBinSizeUs(1_000_000).withFragmentPackets(3));
    };
  }

  /** {@code n} slices of equal time span over the packets' times. */
  private static List<Long> equalCuts(List<Packet> packets, int n) {
    long first = packets.stream().mapToLong(Packet::timestampMicros).min().getAsLong();
    long last = packets.stream().mapToLong(Packet::timestampMicros).max().getAsLong();
    List<Long> cuts = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      cuts.add(first + (last - first + 1) * i / n);
    }
    return cuts;
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 7})
  void handBuiltTraceInSlicesGivesTheFlowsOfOneRun(int n) throws IOException {
    List<Packet> packets = handBuilt();
    List<FlowRecord> expected = oneRun(packets(packets), SHORT_IDLE);
    assertThat(expected, equalTo(byId(FlowAssembler.assemble(packets, SHORT_IDLE))));
    List<Input> slices =
        RunByRun.cut(packets, equalCuts(packets, n)).stream()
            .map(CarriedFlowsInvariantTest::packets)
            .toList();
    Series series = runInTurn(slices, SHORT_IDLE);
    assertThat(series.all(), equalTo(expected));
    assertNoIdTwice(series.all());
    assertThat(series.carried().get(0).flows(), greaterThan(0L));
    assertThat(series.carried().get(n - 1).flows(), equalTo(0L));
  }

  @Test
  void aCarriedFlowWhoseNextPacketNeverComesIsWrittenByTheFirstRunPastItsIdleTimeout()
      throws IOException {
    // The connection on port 6000 sends its last packet at 2.006 s; the runs end at 5 s, 10 s,
    // 12.5 s and 45 s, the series end after each at 4.0, 9.5, 12.0 and 45.0 s: the third run is
    // the first past the 10 s idle timeout.
    List<Packet> packets = handBuilt().stream().filter(Packet::isTcp).toList();
    long gone =
        packets.stream()
            .filter(p -> p.srcPort() == 6000 || p.dstPort() == 6000)
            .mapToLong(Packet::timestampMicros)
            .max()
            .getAsLong();
    List<Input> slices =
        RunByRun.cut(packets, List.of(5_000_000L, 10_000_000L, 12_500_000L)).stream()
            .map(CarriedFlowsInvariantTest::packets)
            .toList();
    Series series = runInTurn(slices, SHORT_IDLE);
    List<Long> seriesEnds =
        series.carried().stream().map(CarriedFlowsFile.Summary::seriesEndUs).toList();
    assertThat(seriesEnds.get(1) - gone <= SHORT_IDLE.idleTimeoutUs(), equalTo(true));
    assertThat(seriesEnds.get(2) - gone > SHORT_IDLE.idleTimeoutUs(), equalTo(true));
    for (int run = 0; run < 4; run++) {
      List<FlowRecord> goneFlows =
          series.flows().get(run).stream().filter(f -> f.initiatorPort() == 6000).toList();
      if (run == 2) {
        assertThat(goneFlows, hasSize(1));
        assertThat(goneFlows.get(0).closeReason(), equalTo(CloseReason.IDLE_TIMEOUT));
      } else {
        assertThat("run " + run, goneFlows, hasSize(0));
      }
    }
    assertThat(series.all(), equalTo(byId(FlowAssembler.assemble(packets, SHORT_IDLE))));
  }

  // --- real loopback traffic: the bundled sample ---

  private static Input capture(String path) {
    return p ->
        p.apply(
                "ReadCapture",
                PcapIO.read().from(path).withDigest(PacketDigest.withBinSizeUs(1_000_000)))
            .getDigest();
  }

  /** The capture's packets as the project's plain-Java reader decodes them. */
  private static List<Packet> packetsOf(Path pcap) throws IOException {
    List<Packet> packets = new ArrayList<>();
    try (CaptureReader reader =
        CaptureReader.open(pcap.toString(), FileChannel.open(pcap, StandardOpenOption.READ), 0)) {
      while (reader.advance()) {
        if (reader.kind() == CaptureReader.Kind.PACKET) {
          packets.add(reader.packet());
        }
      }
    }
    return packets;
  }

  /**
   * Seven slices of the bundled loopback sample (the first 5,000 packets of the shared loopback
   * capture, in the repository so that the test runs on any clone). The reference is one pass of
   * the plain-Java assembly ({@link FlowAssembler}, which the Beam stages agree with): one Beam run
   * over the whole capture costs as much on the Direct Runner as the runs of the series.
   */
  @Test
  void loopbackCaptureInSevenTimeSlicesGivesTheFlowsOfOneRun() throws IOException {
    Path pcap = Samples.loopbackPcap();
    FlowRules rules = FlowRules.defaults();
    List<Packet> packets = packetsOf(pcap);
    assertThat(packets, hasSize(5_000));
    List<FlowRecord> expected = byId(FlowAssembler.assemble(packets, rules));
    assertThat(expected.size(), greaterThan(300));
    List<Long> cuts = TimeSlicedPcap.equalCuts(pcap, 7);
    List<Input> slices =
        TimeSlicedPcap.cut(pcap, cuts, dir.resolve("slices")).stream()
            .map(s -> capture(s.toString()))
            .toList();
    Series series = runInTurn(slices, rules);
    assertThat(series.all().size(), equalTo(expected.size()));
    assertThat(series.all(), equalTo(expected));
    assertNoIdTwice(series.all());
    // Each run carried as many flows as the plain-Java runs do, and some.
    List<Long> carried =
        RunByRun.assemble(packets, cuts, rules, PacketDigest.DEFAULT_FRAGMENT_PACKETS).stream()
            .map(r -> (long) r.carried().size())
            .toList();
    assertThat(
        series.carried().stream().map(CarriedFlowsFile.Summary::flows).toList(), equalTo(carried));
    for (int run = 0; run < cuts.size(); run++) {
      assertThat("carried by run " + run, carried.get(run), greaterThan(0L));
    }
  }
}
