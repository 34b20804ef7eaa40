package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flowbeam.pipelines.report.ReportHtml;
import org.flowbeam.testing.Samples;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report.html} in headless Chromium (Debian's {@code chromium}, driven by {@code
 * playwright-core} from the repository's {@code node_modules}: {@code npm ci}; {@code .ci/run}
 * installs both). The input is a CSV named like markup whose rejected rows hold markup and script
 * in every field, beside real packets: the page must render without a console error or a request,
 * draw marks in every chart, and show every payload as text, with no element injected and no dialog
 * opened. Skipped, saying why, where node, Chromium or playwright-core is missing.
 */
class ReportBrowserIT {
  private static final Path ROOT =
      Path.of(System.getProperty("flowbeam.repo.root", "..")).toAbsolutePath().normalize();
  private static final Path SCRIPT = ROOT.resolve("pipelines/src/test/browser/report-page.mjs");
  private static final String CHROMIUM =
      System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

  /** Payloads, each put in every field of a row; the page must show each as it is. */
  private static final List<String> PAYLOADS =
      List.of(
          "<script>alert(1)</script>",
          "<img src=x onerror=alert(2)>",
          "</script><!--<svg onload=alert(3)>",
          "&lt;b&gt;entity&lt;/b&gt;",
          "<iframe srcdoc=\"<script>alert(4)</script>\"></iframe>");

  /** The file name: Linux allows markup in it, and the report shows file names. */
  private static final String FILE_NAME = "x<img src=x onerror=alert(5)>.csv";

  @TempDir Path tmp;

  @BeforeEach
  void needsABrowser() {
    Assumptions.assumeTrue(
        runs("node", "--version"), "node is not installed: ReportBrowserIT needs Node.js");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(CHROMIUM)),
        CHROMIUM + " is missing: apt-get install chromium (or set CHROMIUM)");
    Assumptions.assumeTrue(
        Files.isDirectory(ROOT.resolve("node_modules/playwright-core")),
        "playwright-core is missing: run npm ci in " + ROOT);
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void theReportRendersEveryChartAndShowsMarkupFromTheInputAsText() throws Exception {
    Path input = tmp.resolve(FILE_NAME);
    List<String> lines = new ArrayList<>();
    try (Stream<String> sample = Files.lines(Samples.loopbackCsv())) {
      lines.addAll(sample.limit(61).toList());
    }
    for (String payload : PAYLOADS) {
      String field = "\"" + payload.replace("\"", "\"\"") + "\"";
      lines.add(String.join(",", java.util.Collections.nCopies(10, field)));
    }
    Files.write(input, lines, StandardCharsets.UTF_8);
    Path out = tmp.resolve("out");

    JobFixtures.Run run =
        JobFixtures.run("--runner=DirectRunner", "--input=" + input, "--output=" + out);
    assertThat(run.err(), run.exitCode(), is(0));
    assertThat(JobFixtures.number(JobFixtures.counts(out), "rejected"), is((long) PAYLOADS.size()));

    JsonNode page = open(out.resolve(ReportHtml.FILE_NAME));

    assertThat(page.toString(), texts(page.get("consoleErrors")), empty());
    assertThat(texts(page.get("pageErrors")), empty());
    assertThat(texts(page.get("dialogs")), empty());
    assertThat(texts(page.get("requests")), empty());
    assertThat(texts(page.get("foreignElements")), empty());
    assertThat(texts(page.get("handlerAttributes")), empty());
    assertThat(page.get("scripts").asInt(), is(2));
    List<String> charts = new ArrayList<>();
    for (JsonNode chart : page.get("charts")) {
      charts.add(chart.get("name").asText());
      assertThat(chart.get("name") + " has marks", chart.get("marks").asInt(), greaterThan(0));
    }
    assertThat(
        charts,
        hasItems(
            "packets-over-time",
            "bytes-over-time",
            "flows-over-time",
            "flags-over-time",
            "flag-mix",
            "top-talkers",
            "top-pairs",
            "flow-duration",
            "flow-packets",
            "flow-bytes",
            "close-reasons",
            "states",
            "protocols",
            "rejected-kinds"));
    String text = page.get("text").asText();
    assertThat(text, containsString("FlowBeam report: out"));
    for (String payload : PAYLOADS) {
      assertThat(text, containsString(payload));
    }
    assertThat(text, containsString(FILE_NAME));
  }

  @Test
  void anOutputWithNothingInItRendersWithoutErrors() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));

    JsonNode page = open(ReportHtml.writeFor(empty, "empty"));

    assertThat(texts(page.get("consoleErrors")), empty());
    assertThat(texts(page.get("pageErrors")), empty());
    assertThat(page.get("charts").size(), is(0));
    assertThat(page.get("text").asText(), containsString("The run wrote no time bins."));
  }

  @Test
  void aDiffReportShowsTheComparisonAndItsPathsAsText() throws Exception {
    String sample = Samples.loopbackCsv().toString();
    Path a = tmp.resolve("a<img src=x onerror=alert(9)>");
    Path b = tmp.resolve("b");
    assertThat(JobFixtures.run("--input=" + sample, "--output=" + a).exitCode(), is(0));
    assertThat(
        JobFixtures.run("--input=" + sample, "--output=" + b, "--maxRecords=2500").exitCode(),
        is(0));
    Path report = tmp.resolve("diff.html");
    JobFixtures.Run diff =
        JobFixtures.run(
            "diff",
            a.toString(),
            b.toString(),
            "--output=" + tmp.resolve("diff.csv"),
            "--report=" + report);
    assertThat(diff.err(), diff.exitCode(), is(0));

    JsonNode page = open(report);

    assertThat(texts(page.get("consoleErrors")), empty());
    assertThat(texts(page.get("pageErrors")), empty());
    assertThat(texts(page.get("dialogs")), empty());
    assertThat(texts(page.get("foreignElements")), empty());
    List<String> charts = new ArrayList<>();
    for (JsonNode chart : page.get("charts")) {
      charts.add(chart.get("name").asText());
      assertThat(chart.get("name") + " has marks", chart.get("marks").asInt(), greaterThan(0));
    }
    assertThat(charts, hasItems("comparison", "packets-over-time"));
    String text = page.get("text").asText();
    assertThat(text, containsString("Compared with " + a));
    assertThat(text, containsString("only in A"));
    assertThat(text, containsString("b compared with " + a.getFileName()));
  }

  /** What the page script reports of {@code html} opened in Chromium. */
  private static JsonNode open(Path html) throws Exception {
    Process p =
        new ProcessBuilder("node", SCRIPT.toString(), "check", html.toString())
            .directory(ROOT.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat("the page script timed out", p.waitFor(2, TimeUnit.MINUTES), is(true));
    assertThat("the page script failed: " + said, p.exitValue(), is(0));
    return new ObjectMapper().readTree(said);
  }

  private static List<String> texts(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
