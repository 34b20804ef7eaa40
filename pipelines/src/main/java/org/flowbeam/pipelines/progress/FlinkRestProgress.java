package org.flowbeam.pipelines.progress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The progress of a job submitted to a Flink cluster, from the cluster's REST API (the JobManager's
 * {@code --flinkMaster} address). The job is found by its name ({@code --jobName}, which Beam gives
 * the Flink job).
 *
 * <p>What Flink tells while a batch job runs, and so what this reads (measured on Flink 1.19 with
 * Beam 2.62's DataSet translation): Beam's counters of a step reach the cluster when its Flink task
 * ends — a reading task's when it has read all its ranges — except in the keyed flow stage, whose
 * bundles are one key each, so that its counters ({@code packets}, {@code flows}) are live. Flink's
 * own operator metrics are live, refreshed by the JobManager every few seconds: the reading
 * operator's {@code numRecordsIn} counts the byte ranges handed to it. So:
 *
 * <ul>
 *   <li>bytes read are estimated from ranges: those started, less one per reading task still
 *       running, out of {@link ProgressPlan#totalRanges}, times the input's size (all of it once
 *       every reading task has ended);
 *   <li>records, packets and flow-protocol packets read are exact from the job's accumulators once
 *       every reading task has ended, unknown before;
 *   <li>Flow-protocol packets assembled and flows are live from the keyed stage's counters (or its
 *       accumulators, when larger);
 *   <li>processing began when the job's first task started.
 * </ul>
 *
 * <p>Each poll makes a handful of requests: the job, the metrics of its reading and keyed vertices,
 * its accumulators. A cluster that does not answer leaves the last snapshot in place.
 */
public final class FlinkRestProgress implements ProgressSource {
  /** The Flink vertex that reads byte ranges: the naive expansion of a splittable DoFn. */
  static final String READING_OPERATOR = "Read ranges/ProcessKeyedElements/NaiveProcess";

  /** The keyed flow stage's step, in both its forms. */
  static final String KEYED_STEP = "AssembleFlows/AssembleByKey";

  /**
   * The counters of flow-protocol packets through the keyed flow stage, by Beam namespace and name.
   */
  static final List<String> ASSEMBLED_PACKETS =
      List.of("AssembleFlowsFn.packets", "AssembleCarriedFlowsFn.packets");

  /** The counters of flows the keyed stage ended and a run of a series wrote at its end. */
  static final List<String> FLOWS =
      List.of("AssembleFlowsFn.flows", "AssembleCarriedFlowsFn.flows", "EndRunFn.flows");

  /** Beam's accumulator of a Flink job, holding every counter of the tasks that ended. */
  static final String BEAM_ACCUMULATOR = "__metricscontainers";

  /** The states of a Flink job that has ended. */
  private static final List<String> ENDED = List.of("FINISHED", "FAILED", "CANCELED");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUM_INT64 = "beam:metric:user:sum_int64:v1";

  /** Reads a path of the REST API. */
  @FunctionalInterface
  public interface Rest {
    /** The body of a GET of {@code path} ({@code /jobs/overview}); IOException if it fails. */
    String get(String path) throws IOException;
  }

  private final Rest rest;
  private final String jobName;
  private final ProgressPlan plan;
  private final LongSupplier nanoClock;
  private final LongSupplier millisClock;
  private String jobId;

  /** Per vertex, the id of the metric that counts the ranges handed to its reading operator. */
  private final Map<String, String> rangesMetric = new HashMap<>();

  /** Per vertex, the ids of the keyed stage's packet and flow counters. */
  private final Map<String, List<String>> keyedMetrics = new HashMap<>();

  private ProgressSnapshot last = ProgressSnapshot.NOT_STARTED;

  public FlinkRestProgress(
      Rest rest,
      String jobName,
      ProgressPlan plan,
      LongSupplier nanoClock,
      LongSupplier millisClock) {
    this.rest = rest;
    this.jobName = jobName;
    this.plan = plan;
    this.nanoClock = nanoClock;
    this.millisClock = millisClock;
  }

  /**
   * Polls the REST API of the JobManager at {@code flinkMaster} ({@code host:port}, as {@code
   * --flinkMaster} takes it; port 8081 if none).
   */
  public static FlinkRestProgress of(String flinkMaster, String jobName, ProgressPlan plan) {
    return new FlinkRestProgress(
        http(restBase(flinkMaster)), jobName, plan, System::nanoTime, System::currentTimeMillis);
  }

  /** {@code http://host:port} of a {@code --flinkMaster} value. */
  static String restBase(String flinkMaster) {
    String address = flinkMaster.trim().replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
    while (address.endsWith("/")) {
      address = address.substring(0, address.length() - 1);
    }
    if (!address.matches(".*:\\d+$") || address.endsWith("]")) {
      address = address + ":8081";
    }
    return "http://" + address;
  }

  private static Rest http(String base) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return path -> {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build();
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    };
  }

  @Override
  public ProgressSnapshot poll() {
    return poll(false);
  }

  /** As {@link #poll()}, and the job may be found among ended ones: it has ended. */
  @Override
  public ProgressSnapshot pollEnded() {
    return poll(true);
  }

  private ProgressSnapshot poll(boolean ended) {
    try {
      ProgressSnapshot s = fetch(ended);
      if (s != null) {
        last = s;
      }
    } catch (IOException | RuntimeException e) {
      // The cluster did not answer, or answered something unexpected: keep what was known.
    }
    return last;
  }

  /**
   * The job's progress now, or null if the job is not (yet) on the cluster. If {@code jobEnded},
   * the job may be found among the jobs that have ended.
   */
  private ProgressSnapshot fetch(boolean jobEnded) throws IOException {
    if (jobId == null) {
      jobId = findJob(get("/jobs/overview"), jobEnded);
      if (jobId == null) {
        return null;
      }
    }
    JsonNode job = get("/jobs/" + jobId);
    long firstStartMillis = Long.MAX_VALUE;
    long rangesStarted = 0;
    long rangesRunning = 0;
    int readers = 0;
    int readersDone = 0;
    long liveAssembled = 0;
    long liveFlows = 0;
    for (JsonNode v : job.path("vertices")) {
      long start = v.path("start-time").asLong(-1);
      if (start > 0) {
        firstStartMillis = Math.min(firstStartMillis, start);
      }
      String name = v.path("name").asText();
      String id = v.path("id").asText();
      boolean finished = v.path("status").asText().equals("FINISHED");
      if (name.contains(READING_OPERATOR)) {
        readers++;
        if (finished) {
          readersDone++;
        }
        long started = rangesStarted(id, name);
        rangesStarted += started;
        rangesRunning += finished ? 0 : Math.min(started, v.path("tasks").path("RUNNING").asLong());
      } else if (name.contains(KEYED_STEP) && start > 0) {
        Map<String, Long> keyed = keyedCounters(id);
        liveAssembled += keyed.getOrDefault("packets", 0L);
        liveFlows += keyed.getOrDefault("flows", 0L);
      }
    }
    if (firstStartMillis == Long.MAX_VALUE) {
      return ProgressSnapshot.NOT_STARTED;
    }
    long startNanos =
        nanoClock.getAsLong() - (millisClock.getAsLong() - firstStartMillis) * 1_000_000L;
    Map<String, Long> ended = beamCounters(get("/jobs/" + jobId + "/accumulators"));
    boolean readDone = readers > 0 && readersDone == readers;
    long bytes;
    if (readDone) {
      bytes = plan.totalBytes();
    } else if (plan.totalRanges() > 0) {
      long rangesDone = Math.max(0, rangesStarted - rangesRunning);
      bytes = Math.min(plan.totalBytes(), plan.totalBytes() * rangesDone / plan.totalRanges());
    } else {
      bytes = 0;
    }
    long assembled = Math.max(liveAssembled, sum(ended, ASSEMBLED_PACKETS));
    long flows = Math.max(liveFlows, sum(ended, FLOWS));
    long unknown = ProgressSnapshot.UNKNOWN;
    return new ProgressSnapshot(
        OptionalLong.of(startNanos),
        bytes,
        !readDone,
        readDone,
        readDone ? ended.getOrDefault("RangeReadFn.records", 0L) : unknown,
        readDone ? ended.getOrDefault("RangeReadFn.packets", 0L) : unknown,
        readDone ? ended.getOrDefault("RangeReadFn.flow_packets", 0L) : unknown,
        assembled,
        flows);
  }

  private static long sum(Map<String, Long> counters, List<String> names) {
    long sum = 0;
    for (String name : names) {
      sum += counters.getOrDefault(name, 0L);
    }
    return sum;
  }

  /**
   * The id of the newest job named {@link #jobName} in a {@code /jobs/overview}, or null. While the
   * job runs, jobs that have ended are not it: an earlier run given the same {@code --jobName}.
   */
  private String findJob(JsonNode overview, boolean includeEnded) {
    String found = null;
    long newest = Long.MIN_VALUE;
    for (JsonNode j : overview.path("jobs")) {
      boolean candidate =
          j.path("name").asText().equals(jobName)
              && (includeEnded || !ENDED.contains(j.path("state").asText()));
      if (candidate && j.path("start-time").asLong() > newest) {
        newest = j.path("start-time").asLong();
        found = j.path("jid").asText();
      }
    }
    return found;
  }

  /**
   * The ranges handed so far to the reading operator of the vertex {@code id}, named {@code
   * vertexName}: the sum over its subtasks of the operator's {@code numRecordsIn}.
   */
  private long rangesStarted(String id, String vertexName) throws IOException {
    String metric = rangesMetric.get(id);
    if (metric == null) {
      metric = rangesMetricId(metricIds(id), vertexName);
      if (metric == null) {
        return 0; // the vertex's tasks are not running yet: no metrics
      }
      rangesMetric.put(id, metric);
    }
    return sums(id, List.of(metric)).getOrDefault(metric, 0L);
  }

  /**
   * Among a reading vertex's metric ids, the one of its reading operator's {@code numRecordsIn}.
   * Flink names an operator's metrics after the operator's name with spaces and dots replaced by
   * {@code _} and cut to a length (80 in Flink 1.19); the reading operator's name is the chained
   * one in {@code vertexName} that names {@link #READING_OPERATOR}.
   */
  static String rangesMetricId(List<String> ids, String vertexName) {
    String operator = null;
    for (String chained : vertexName.split(" -> ")) {
      if (chained.contains(READING_OPERATOR)) {
        operator = chained.trim().replace(' ', '_').replace('.', '_');
      }
    }
    if (operator == null) {
      return null;
    }
    String suffix = ".numRecordsIn";
    String best = null;
    int bestLength = 0;
    for (String id : ids) {
      int length = id.length() - suffix.length();
      if (id.endsWith(suffix)
          && length > bestLength
          && operator.startsWith(id.substring(0, length))) {
        best = id;
        bestLength = length;
      }
    }
    return best;
  }

  /**
   * The keyed stage's live counters in the vertex {@code id}: {@code packets} ({@link
   * #ASSEMBLED_PACKETS}) and {@code flows} ({@link #FLOWS}). Flink names a counter's metric after
   * its operator, a dot, and Beam's namespace and name with dots made {@code _}.
   */
  private Map<String, Long> keyedCounters(String id) throws IOException {
    List<String> ids = keyedMetrics.get(id);
    if (ids == null) {
      ids = new ArrayList<>();
      for (String m : metricIds(id)) {
        if (counterOf(m, ASSEMBLED_PACKETS) || counterOf(m, FLOWS)) {
          ids.add(m);
        }
      }
      if (ids.isEmpty()) {
        return Map.of();
      }
      keyedMetrics.put(id, ids);
    }
    Map<String, Long> counters = new HashMap<>();
    for (Map.Entry<String, Long> e : sums(id, ids).entrySet()) {
      String name = counterOf(e.getKey(), ASSEMBLED_PACKETS) ? "packets" : "flows";
      counters.merge(name, e.getValue(), Long::sum);
    }
    return counters;
  }

  /** Whether the Flink metric {@code metricId} is one of the Beam {@code counters}. */
  private static boolean counterOf(String metricId, List<String> counters) {
    for (String c : counters) {
      if (metricId.endsWith("_" + c.replace('.', '_'))) {
        return true;
      }
    }
    return false;
  }

  /** The ids of the metrics of vertex {@code id}'s subtasks. */
  private List<String> metricIds(String id) throws IOException {
    List<String> ids = new ArrayList<>();
    for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + id + "/subtasks/metrics")) {
      ids.add(m.path("id").asText());
    }
    return ids;
  }

  /** The sums over vertex {@code id}'s subtasks of the metrics {@code ids}. */
  private Map<String, Long> sums(String id, List<String> ids) throws IOException {
    List<String> encoded = new ArrayList<>();
    for (String m : ids) {
      encoded.add(URLEncoder.encode(m, StandardCharsets.UTF_8));
    }
    JsonNode values =
        get(
            "/jobs/"
                + jobId
                + "/vertices/"
                + id
                + "/subtasks/metrics?get="
                + String.join(",", encoded)
                + "&agg=sum");
    Map<String, Long> sums = new HashMap<>();
    for (JsonNode m : values) {
      if (m.has("sum")) {
        sums.put(m.path("id").asText(), Math.round(m.path("sum").asDouble()));
      }
    }
    return sums;
  }

  /**
   * Beam's counters in a job's {@code /accumulators}: the JSON of the {@link #BEAM_ACCUMULATOR}
   * (Beam's monitoring infos, each counter a base-64 varint), summed per {@code Class.name} of the
   * counter's namespace's simple class name, over the steps that report it.
   */
  static Map<String, Long> beamCounters(JsonNode accumulators) throws IOException {
    Map<String, Long> counters = new HashMap<>();
    for (JsonNode a : accumulators.path("user-task-accumulators")) {
      if (!a.path("name").asText().equals(BEAM_ACCUMULATOR)) {
        continue;
      }
      JsonNode infos = JSON.readTree(a.path("value").asText()).path("metrics").path("attempted");
      for (JsonNode info : infos) {
        if (!info.path("urn").asText().equals(SUM_INT64)) {
          continue;
        }
        String namespace = info.path("labels").path("NAMESPACE").asText();
        String name = namespace.substring(namespace.lastIndexOf('.') + 1);
        long value = varint(Base64.getDecoder().decode(info.path("payload").asText()));
        counters.merge(name + "." + info.path("labels").path("NAME").asText(), value, Long::sum);
      }
    }
    return counters;
  }

  /** A protobuf varint (a Beam sum_int64 counter's payload). */
  static long varint(byte[] bytes) {
    long value = 0;
    for (int i = 0; i < bytes.length && i < 10; i++) {
      value |= (long) (bytes[i] & 0x7f) << (7 * i);
      if ((bytes[i] & 0x80) == 0) {
        break;
      }
    }
    return value;
  }

  private JsonNode get(String path) throws IOException {
    return JSON.readTree(rest.get(path));
  }
}
