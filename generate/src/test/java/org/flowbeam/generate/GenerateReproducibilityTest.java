package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A seed and options give the same bytes; the packet and size budgets stop where asked. */
class GenerateReproducibilityTest {
  @TempDir Path dir;

  private static GeneratorConfig.Builder config(long seed) {
    return GeneratorConfig.builder().seed(seed).maxPackets(20_000);
  }

  @Test
  void sameSeedGivesIdenticalBytesAndADifferentSeedDifferentOnes() throws IOException {
    for (OutputFormat format : OutputFormat.values()) {
      Path a = dir.resolve("a." + format.label());
      Path b = dir.resolve("b." + format.label());
      Path c = dir.resolve("c." + format.label());
      GeneratedFiles.generate(config(11).build(), format, a);
      GeneratedFiles.generate(config(11).build(), format, b);
      GeneratedFiles.generate(config(12).build(), format, c);
      assertThat(format.label(), Files.mismatch(a, b), is(-1L));
      assertThat(Files.mismatch(GeneratedFiles.truthOf(a), GeneratedFiles.truthOf(b)), is(-1L));
      assertThat(format.label(), Files.mismatch(a, c), not(-1L));
      assertThat(Files.mismatch(GeneratedFiles.truthOf(a), GeneratedFiles.truthOf(c)), not(-1L));
    }
  }

  @Test
  void elephantsAreReproducibleToo() throws IOException {
    ElephantPlan plan = ElephantPlan.sharing(3, 0.8, 20_000, ElephantPlan.End.FIN, 1);
    Path a = dir.resolve("ea.pcap");
    Path b = dir.resolve("eb.pcap");
    GeneratedFiles.generate(config(6).elephants(plan).build(), OutputFormat.PCAP, a);
    GeneratedFiles.generate(config(6).elephants(plan).build(), OutputFormat.PCAP, b);
    assertThat(Files.mismatch(a, b), is(-1L));
    assertThat(Files.mismatch(GeneratedFiles.truthOf(a), GeneratedFiles.truthOf(b)), is(-1L));
  }

  @Test
  void gzipOutputIsReproducibleToo() throws IOException {
    Path a = dir.resolve("a.pcapng.gz");
    Path b = dir.resolve("b.pcapng.gz");
    GeneratedFiles.generate(config(5).build(), OutputFormat.PCAPNG, a);
    GeneratedFiles.generate(config(5).build(), OutputFormat.PCAPNG, b);
    assertThat(Files.mismatch(a, b), is(-1L));
  }

  @Test
  void packetBudgetIsExact() {
    Path a = dir.resolve("n.csv");
    TrafficGenerator.GenerationSummary s =
        GeneratedFiles.generate(config(1).maxPackets(1234).build(), OutputFormat.CSV, a);
    assertThat(s.packets(), is(1234L));
    assertThat(GeneratedFiles.lines(a).size(), is(1235));
  }

  @Test
  void sizeBudgetStopsWithinOnePacketOfIt() throws IOException {
    long size = 1L << 20;
    for (OutputFormat format : OutputFormat.values()) {
      Path a = dir.resolve("s." + format.label());
      TrafficGenerator.GenerationSummary s =
          GeneratedFiles.generate(GeneratorConfig.builder().maxBytes(size).build(), format, a);
      assertThat(Files.size(a), equalTo(s.bytes()));
      assertThat(format.label(), Files.size(a), greaterThanOrEqualTo(size));
      assertThat(format.label(), Files.size(a), lessThan(size + 1600));
    }
  }

  @Test
  void aSmallerBudgetGivesAPrefixOfTheSamePackets() {
    Path small = dir.resolve("small.csv");
    Path large = dir.resolve("large.csv");
    GeneratedFiles.generate(config(9).maxPackets(3_000).build(), OutputFormat.CSV, small);
    GeneratedFiles.generate(config(9).maxPackets(6_000).build(), OutputFormat.CSV, large);
    List<String> s = GeneratedFiles.lines(small);
    assertThat(GeneratedFiles.lines(large).subList(0, s.size()), equalTo(s));
  }
}
