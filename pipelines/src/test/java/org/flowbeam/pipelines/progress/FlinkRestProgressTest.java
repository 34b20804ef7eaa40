package org.flowbeam.pipelines.progress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The REST source against a real cluster's answers, recorded (and cut to the vertices it reads) at
 * three moments of one job on the standalone cluster of {@code run-configs/flink}: 20 copies of a
 * 23,790,154-byte capture read in 2 MiB ranges (240), whose manifest counts 4,816,700 packets, all
 * TCP, and 20,311 flows. Fixtures: {@code src/test/resources/FlinkRestProgressTest/}, each holding
 * the {@code /jobs/overview}, {@code /jobs/<id>}, the metrics of the reading and keyed vertices and
 * the {@code /accumulators} of one moment (and an older job of another name in the overview).
 */
class FlinkRestProgressTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FILE_BYTES = 23_790_154L;
  private static final ProgressPlan PLAN = new ProgressPlan(20 * FILE_BYTES, 240);
  private static final String JOB = "flowbeammain-root-1203143648-a8a5ad74";

  /** When the job's first vertex was deployed, from the fixtures' {@code /jobs/<id>}. */
  private static final long FIRST_DEPLOYED_MILLIS = 1796308624563L;

  private static final long NANO_NOW = 5_000_000_000_000L;

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in =
        FlinkRestProgressTest.class.getResourceAsStream(
            "/FlinkRestProgressTest/" + name + ".json")) {
      return JSON.readTree(in);
    }
  }

  /** Answers GETs as the cluster did at the fixture's moment; anything else is a 404. */
  private static FlinkRestProgress.Rest recorded(JsonNode fx) {
    String jid = fx.path("job").path("jid").asText();
    Pattern metrics =
        Pattern.compile(
            "/jobs/" + jid + "/vertices/(\\w+)/subtasks/metrics(\\?get=([^&]*)&agg=sum)?");
    return path -> {
      if (path.equals("/jobs/overview")) {
        return fx.path("overview").toString();
      }
      if (path.equals("/jobs/" + jid)) {
        return fx.path("job").toString();
      }
      if (path.equals("/jobs/" + jid + "/accumulators")) {
        return fx.path("accumulators").toString();
      }
      Matcher m = metrics.matcher(path);
      if (!m.matches() || !fx.path("metrics").has(m.group(1))) {
        throw new IOException("HTTP 404 " + path);
      }
      JsonNode vertex = fx.path("metrics").path(m.group(1));
      ArrayNode answer = JSON.createArrayNode();
      if (m.group(2) == null) {
        vertex.path("ids").forEach(id -> answer.addObject().put("id", id.asText()));
      } else {
        for (String id : m.group(3).split(",")) {
          String name = URLDecoder.decode(id, StandardCharsets.UTF_8);
          if (vertex.path("sums").hasNonNull(name)) {
            answer
                .addObject()
                .put("id", name)
                .put("sum", vertex.path("sums").path(name).asDouble());
          }
        }
      }
      return answer.toString();
    };
  }

  private static FlinkRestProgress source(JsonNode fx, FlinkRestProgress.Rest rest) {
    long nowMillis = fx.path("now_millis").asLong();
    return new FlinkRestProgress(rest, JOB, PLAN, () -> NANO_NOW, () -> nowMillis);
  }

  private static OptionalLong firstDeployed(JsonNode fx) {
    return OptionalLong.of(
        NANO_NOW - (fx.path("now_millis").asLong() - FIRST_DEPLOYED_MILLIS) * 1_000_000L);
  }

  @Test
  void aJobNotOnTheClusterYetHasNotStarted() throws IOException {
    JsonNode fx = fixture("reading");
    ((ArrayNode) fx.path("overview").path("jobs")).remove(0);
    assertThat(source(fx, recorded(fx)).poll(), equalTo(ProgressSnapshot.NOT_STARTED));
  }

  @Test
  void anEndedJobOfTheSameNameIsNotTheRunningOneButIsOnceItHasEnded() throws IOException {
    JsonNode fx = fixture("writing");
    JsonNode ours = fx.path("overview").path("jobs").get(0);
    ((com.fasterxml.jackson.databind.node.ObjectNode) ours).put("state", "FINISHED");
    assertThat(source(fx, recorded(fx)).poll(), equalTo(ProgressSnapshot.NOT_STARTED));
    assertThat(source(fx, recorded(fx)).pollEnded().flows(), equalTo(20_311L));
  }

  @Test
  void whileReadingBytesAreEstimatedFromTheRangesHandedToTheReadingTasks() throws IOException {
    JsonNode fx = fixture("reading");
    // 90 ranges handed to the reading operator, 2 of them still being read by its 2 tasks.
    long bytes = PLAN.totalBytes() * 88 / 240;
    long unknown = ProgressSnapshot.UNKNOWN;
    assertThat(
        source(fx, recorded(fx)).poll(),
        equalTo(
            new ProgressSnapshot(
                firstDeployed(fx), bytes, true, false, unknown, unknown, unknown, 0, 0)));
  }

  @Test
  void onceReadTheCountsAreExactAndTheKeyedStagesAreLive() throws IOException {
    JsonNode fx = fixture("assembling");
    // Read: the reading tasks' counters (the manifest's 4,816,700); assembling: the keyed stage's
    // live counters, 3,570,760 packets and 15,001 flows so far.
    assertThat(
        source(fx, recorded(fx)).poll(),
        equalTo(
            new ProgressSnapshot(
                firstDeployed(fx),
                PLAN.totalBytes(),
                false,
                true,
                4_816_700,
                4_816_700,
                4_816_700,
                3_570_760,
                15_001)));
  }

  @Test
  void onceTheKeyedStageHasEndedItsCountsAreTheManifests() throws IOException {
    JsonNode fx = fixture("writing");
    ProgressSnapshot s = source(fx, recorded(fx)).poll();
    assertThat(s.assembledPackets(), equalTo(4_816_700L));
    assertThat(s.flows(), equalTo(20_311L));
    assertThat(s.readDone(), equalTo(true));
  }

  @Test
  void aClusterThatStopsAnsweringLeavesTheLastSnapshot() throws IOException {
    JsonNode fx = fixture("assembling");
    FlinkRestProgress.Rest answering = recorded(fx);
    boolean[] down = {false};
    FlinkRestProgress source =
        source(
            fx,
            path -> {
              if (down[0]) {
                throw new IOException("Connection refused");
              }
              return answering.get(path);
            });
    ProgressSnapshot before = source.poll();
    down[0] = true;
    assertThat(source.poll(), equalTo(before));
  }

  @Test
  void theReadingOperatorsRecordsInAreFoundWhereverFlinkCutsItsName() throws IOException {
    JsonNode fx = fixture("reading");
    String vertexName = null;
    for (JsonNode v : fx.path("job").path("vertices")) {
      if (v.path("name").asText().contains(FlinkRestProgress.READING_OPERATOR)) {
        vertexName = v.path("name").asText();
      }
    }
    List<String> ids = new ArrayList<>();
    fx.path("metrics")
        .path("845e513ef11af7197ecbcb98615147eb")
        .path("ids")
        .forEach(i -> ids.add(i.asText()));
    String recorded =
        "FlatMap_(FlatMap_at_ReadCaptures/Read_files/Read_ranges/ProcessKeyedElements/Nai.numRecordsIn";
    assertThat(ids.contains(recorded), equalTo(true));
    // Not the "Drop key" operator beside it, whose cut name differs only after the cut.
    assertThat(FlinkRestProgress.rangesMetricId(ids, vertexName), equalTo(recorded));

    String cutShorter = "FlatMap_(FlatMap_at_ReadCaptures/Read_files/Read_ranges/Pro.numRecordsIn";
    String cutLonger =
        "FlatMap_(FlatMap_at_ReadCaptures/Read_files/Read_ranges/ProcessKeyedElements/NaiveProcess)"
            + ".numRecordsIn";
    for (String id : List.of(cutShorter, cutLonger)) {
      assertThat(
          FlinkRestProgress.rangesMetricId(List.of("numRecordsIn", id, "numBytesIn"), vertexName),
          equalTo(id));
    }
    assertThat(
        FlinkRestProgress.rangesMetricId(List.of("numRecordsIn"), vertexName), equalTo(null));
  }

  @Test
  void beamsCountersAreReadFromItsAccumulator() throws IOException {
    JsonNode fx = fixture("writing");
    var counters = FlinkRestProgress.beamCounters(fx.path("accumulators"));
    assertThat(counters.get("RangeReadFn.records"), equalTo(4_816_700L));
    assertThat(counters.get("RangeReadFn.bytes"), equalTo(PLAN.totalBytes()));
    assertThat(counters.get("RangeReadFn.ranges"), equalTo(240L));
    assertThat(counters.get("AssembleFlowsFn.flows"), equalTo(20_311L));
    // 240,835 as a varint: 0xC3 0xD9 0x0E.
    assertThat(
        FlinkRestProgress.varint(new byte[] {(byte) 0xc3, (byte) 0xd9, 0x0e}), equalTo(240_835L));
  }

  @Test
  void theRestAddressIsTheFlinkMastersWithFlinksDefaultPort() {
    assertThat(FlinkRestProgress.restBase("127.0.0.1:8081"), equalTo("http://127.0.0.1:8081"));
    assertThat(
        FlinkRestProgress.restBase("http://jm.example:1234/"), equalTo("http://jm.example:1234"));
    assertThat(FlinkRestProgress.restBase("jm.example"), equalTo("http://jm.example:8081"));
    assertThat(FlinkRestProgress.restBase("[::1]"), equalTo("http://[::1]:8081"));
    assertThat(FlinkRestProgress.restBase("[::1]:9000"), equalTo("http://[::1]:9000"));
  }
}
