package org.flowbeam.generate;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flowbeam.pipelines.FlowBeamMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line, through the fat jar's entry point ({@code flowbeam.jar generate ...}). */
class GenerateMainTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "generate";
    System.arraycopy(args, 0, all, 1, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        FlowBeamMain.run(
            all,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheOptions() {
    Run r = run("--help");
    assertThat(r.exitCode(), is(0));
    assertThat(r.out(), containsString("--retransmitRate"));
    assertThat(r.out(), containsString("--ipv6Fraction"));
    assertThat(r.out(), containsString("--elephants=K"));
    assertThat(r.out(), containsString("--elephantShare=F"));
  }

  @Test
  void elephantsAreNamedInTheSummaryAndTheTruth() throws Exception {
    Path out = dir.resolve("e.pcap");
    Run r =
        run(
            "--output=" + out,
            "--packets=20000",
            "--elephants=2",
            "--elephantShare=0.5",
            "--elephantEnd=rst");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(r.out(), containsString(", 10,000 in 2 elephants), "));
    long elephants =
        Files.readAllLines(dir.resolve("e.pcap.truth.csv")).stream()
            .map(l -> l.split(","))
            .filter(f -> f[6].equals("5000") && f[11].equals("rst"))
            .count();
    assertThat(elephants, is(2L));
  }

  @Test
  void writesTheOutputAndTheTruthBesideIt() throws Exception {
    Path out = dir.resolve("sub/t.pcap");
    Run r = run("--output=" + out, "--packets=500", "--seed=4", "--hosts=20");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(r.out(), startsWith("flowbeam generate: 500 packets"));
    assertThat(Files.exists(out), is(true));
    Path truth = dir.resolve("sub/t.pcap.truth.csv");
    assertThat(Files.readAllLines(truth).get(0), equalTo(TruthWriter.HEADER));
    assertThat(GeneratedFiles.capturePackets(out).size(), is(500));
  }

  @Test
  void formatOptionOverridesTheExtensionAndTruthCanBeNamed() throws Exception {
    Path out = dir.resolve("t.dat");
    Path truth = dir.resolve("flows.csv");
    Run r = run("--output=" + out, "--format=pcapng", "--truth=" + truth, "--size=200KB");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(GeneratedFiles.capturePackets(out).isEmpty(), is(false));
    assertThat(Files.readAllLines(truth).get(0), equalTo(TruthWriter.HEADER));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--packets=10|--output=FILE is required",
        "--output=x.txt|cannot tell the format",
        "--output=x.csv --format=json|--format must be csv, pcap or pcapng",
        "--output=x.csv --packets=ten|--packets must be an integer",
        "--output=x.csv --size=lots|--size must be like",
        "--output=x.csv --reorderRate=0.9|--reorderRate must be in",
        "--output=x.csv --ipv6Fraction=-1|--ipv6Fraction must be in",
        "--output=x.csv --hosts=1|--hosts must be 2..",
        "--output=x.csv --colour=red|unknown option --colour",
        "--output=x.csv --seed=1 --seed=2|--seed given twice",
        "--output=x.csv --mix=busy|--mix must be realistic or dense",
        "--output=x.csv --truth=x.csv|--truth must differ from --output",
        "--output=x.pcap --snaplen=53|--snaplen must be 54..262144, got 53",
        "--output=x.pcapng --snaplen=262145|--snaplen must be 54..262144, got 262145",
        "--output=x.pcap --snaplen=-1|--snaplen must be 54..262144, got -1",
        "--output=x.pcap --snaplen=99999999999|--snaplen must be 54..262144",
        "--output=x.pcap --snaplen=full|--snaplen must be an integer",
        "--output=x.csv --snaplen=128|--snaplen applies to pcap and pcapng output only",
        "--output=x.pcap --format=csv --snaplen=65535|--snaplen applies to pcap and pcapng",
        "--output=x.pcap --snaplen=60|--snaplen=60 cuts the TCP header of IPv6 packets",
        "output.csv|expected --name=value",
        "--output=x.csv --elephantShare=0.9|--elephantShare needs --elephants=K",
        "--output=x.csv --elephantIdleGaps=1|--elephantIdleGaps needs --elephants=K",
        "--output=x.csv --elephants=2|--elephants needs one of --elephantPackets=N and",
        "--output=x.csv --elephants=2 --elephantPackets=9 --elephantShare=0.9|needs one of",
        "--output=x.csv --elephants=1 --elephantShare=1.5|--elephantShare must be in (0, 1)",
        "--output=x.csv --elephants=1 --elephantShare=0.9 --size=1MB|not --size",
        "--output=x.csv --elephants=1 --elephantPackets=2000000|give --packets=2000000 for",
        "--output=x.csv --elephants=1 --elephantPackets=5|an elephant needs at least 8 packets",
        "--output=x.csv --elephants=1001 --elephantPackets=10 --packets=1000000000|0..1000",
        "--output=x.csv --elephants=1 --elephantPackets=100 --elephantEnd=hang|fin, rst or open",
      })
  void badOptionsEndWithOneLineAndExitCode2(String args, String message) {
    String[] a = args.replace("x.", dir.resolve("x.").toString()).split(" ");
    Run r = run(a);
    assertThat(r.exitCode(), is(2));
    assertThat(r.err(), startsWith("flowbeam generate: error: "));
    assertThat(r.err(), containsString(message));
    assertThat(r.err().strip().lines().count(), is(1L));
  }

  @Test
  void snaplenCutsTheFramesAndIsNamedInTheSummary() throws Exception {
    Path out = dir.resolve("cut.pcap");
    Run r = run("--output=" + out, "--packets=500", "--snaplen=54", "--ipv6Fraction=0");
    assertThat(r.err(), r.exitCode(), is(0));
    assertThat(r.out(), containsString(" bytes pcap (snaplen 54), "));
    assertThat(GeneratedFiles.capturePackets(out).size(), is(500));
    assertThat(Files.size(out), is(24L + 500 * (16 + 54)));
    Path max = dir.resolve("max.pcapng");
    r = run("--output=" + max, "--packets=10", "--snaplen=262144");
    assertThat(r.err(), r.exitCode(), is(0));
  }

  @Test
  void sizesParseWith1024BasedUnits() {
    assertThat(GenerateMain.parseSize("1GB"), is(1L << 30));
    assertThat(GenerateMain.parseSize("1.5 MiB"), is(3L << 19));
    assertThat(GenerateMain.parseSize("800KB"), is(800L << 10));
    assertThat(GenerateMain.parseSize("4096"), is(4096L));
    assertThat(GenerateMain.parseSize("50g"), is(50L << 30));
  }
}
