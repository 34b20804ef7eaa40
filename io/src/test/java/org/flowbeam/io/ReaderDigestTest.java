package org.flowbeam.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.ToString;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.Packet;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.testing.BeamTest;
import org.flowbeam.testing.Samples;
import org.flowbeam.transforms.AssembleFlows;
import org.flowbeam.transforms.PacketDigest;
import org.flowbeam.transforms.PacketTotals;
import org.flowbeam.transforms.TrafficStats;
import org.junit.jupiter.api.Test;

/**
 * A reader that digests the packets it decodes ({@code withDigest}) gives the same flows and
 * statistics as the same reader's packets digested in a step of their own, and the same packets
 * with the same event times when asked to keep them ({@code withPackets}), on real captures and
 * their tshark CSV exports read in ranges far smaller than the files (so that every range flushes
 * its own fragments and partial sums, and the Direct Runner checkpoints ranges as it goes).
 */
@BeamTest
class ReaderDigestTest {
  private static final PacketDigest DIGEST = PacketDigest.withBinSizeUs(1_000_000);

  @Test
  void captureReaderDigestsAsASeparateStepWould(TestPipeline p) {
    String captures = Samples.tcpEdge() + "/*.pcap";
    PcapIO.Read read = PcapIO.read().from(captures).withSplitSize(300);
    compare(
        p,
        p.apply("Digesting", read.withDigest(DIGEST)).getDigest(),
        p.apply("Plain", read).getOutput().apply("Digest", DIGEST));
    p.run().waitUntilFinish();
  }

  @Test
  void csvReaderDigestsAsASeparateStepWould(TestPipeline p) {
    String csv = Samples.loopbackCsv().toString();
    PacketCsvIO.Read read = PacketCsvIO.read().from(csv).withSplitSize(20_000);
    compare(
        p,
        p.apply("Digesting", read.withDigest(DIGEST)).getDigest(),
        p.apply("Plain", read).getOutput().apply("Digest", DIGEST));
    p.run().waitUntilFinish();
  }

  @Test
  void aDigestingReadKeepsThePacketsWithTheirTimesWhenAsked(TestPipeline p) {
    String captures = Samples.tcpEdge() + "/*.pcap";
    PcapIO.Read read = PcapIO.read().from(captures).withSplitSize(300);
    DigestReadResult digesting = p.apply("Digesting", read.withDigest(DIGEST).withPackets());
    PCollection<String> kept = timed("Kept", digesting.getPackets());
    PCollection<String> plain = timed("Plain", p.apply("Plain", read).getOutput());
    PCollection<List<String>> both =
        PCollectionList.of(kept.apply("KeptTag", tag("A")))
            .and(plain.apply("PlainTag", tag("B")))
            .apply("Both", Flatten.pCollections())
            .apply("All", Combine.globally(new ListOf()));
    PAssert.thatSingleton(both).satisfies(ReaderDigestTest::sidesEqual);
    p.run().waitUntilFinish();
  }

  @Test
  void aDigestingReadNotAskedForPacketsSaysSo(TestPipeline p) {
    DigestReadResult r =
        p.apply(PacketCsvIO.read().from(Samples.loopbackCsv().toString()).withDigest(DIGEST));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, r::getPackets);
    p.enableAbandonedNodeEnforcement(false);
  }

  /** Each packet with its event time, as text. */
  private static PCollection<String> timed(String name, PCollection<Packet> packets) {
    return packets
        .apply(name + "Reify", Reify.timestamps())
        .apply(
            name + "Text",
            MapElements.into(TypeDescriptors.strings())
                .via((TimestampedValue<Packet> t) -> t.getTimestamp() + " " + t.getValue()));
  }

  private static MapElements<String, String> tag(String side) {
    return MapElements.into(TypeDescriptors.strings()).via((String s) -> side + "|" + s);
  }

  /** Whether the "A|" and "B|" elements of {@code all} are the same, and more than 100. */
  private static Void sidesEqual(List<String> all) {
    List<String> fromA = new ArrayList<>();
    List<String> fromB = new ArrayList<>();
    for (String s : all) {
      (s.startsWith("A|") ? fromA : fromB).add(s.substring(2));
    }
    fromA.sort(null);
    fromB.sort(null);
    assertThat(fromA.size(), greaterThan(100));
    assertThat(fromA, equalTo(fromB));
    return null;
  }

  /** Asserts that both digests give the same flows, per-IP, flag-type, time-bin and totals. */
  private static void compare(TestPipeline p, PacketDigest.Result a, PacketDigest.Result b) {
    // TrafficStats names its steps once per pipeline; both sides are built into one here.
    p.getOptions().setStableUniqueNames(PipelineOptions.CheckEnabled.OFF);
    PCollection<String> left = everything("A", a);
    PCollection<String> right = everything("B", b);
    PCollection<List<String>> both =
        PCollectionList.of(left)
            .and(right)
            .apply("Both", Flatten.pCollections())
            .apply("All", Combine.globally(new ListOf()));
    PAssert.thatSingleton(both).satisfies(ReaderDigestTest::sidesEqual);
  }

  private static PCollection<String> everything(String side, PacketDigest.Result d) {
    PCollection<PacketTotals> totals = TrafficStats.totals(d);
    PCollection<FlowRecord> flows =
        d.byFlowKey()
            .apply(
                side + "Flows",
                AssembleFlows.keyed(FlowRules.defaults(), AssembleFlows.lastPacketUs(totals)));
    PCollectionList<String> parts =
        PCollectionList.of(flows.apply(side + "FlowText", ToString.elements()))
            .and(TrafficStats.perIp(d).apply(side + "IpText", ToString.elements()))
            .and(TrafficStats.flagTypes(d).apply(side + "FlagText", ToString.elements()))
            .and(TrafficStats.timeBins(d, flows).apply(side + "BinText", ToString.elements()))
            .and(totals.apply(side + "TotalText", ToString.elements()));
    return parts
        .apply(side + "Flatten", Flatten.pCollections())
        .apply(side + "Tag", tag(side))
        .setCoder(StringUtf8Coder.of());
  }

  /** Gathers strings into one list. */
  private static final class ListOf extends Combine.CombineFn<String, List<String>, List<String>> {
    @Override
    public List<String> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<String> addInput(List<String> acc, String s) {
      acc.add(s);
      return acc;
    }

    @Override
    public List<String> mergeAccumulators(Iterable<List<String>> accs) {
      List<String> all = new ArrayList<>();
      accs.forEach(all::addAll);
      return all;
    }

    @Override
    public List<String> extractOutput(List<String> acc) {
      return acc;
    }
  }
}
