package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.flowbeam.io.fs.Location;

/**
 * A stand-in for the Beam job with the same contract: every input line {@code TIMESTAMP_US,TAG} is
 * a "packet"; it is written as {@code FILE_NAME,TIMESTAMP_US,TAG} to the flows partition of its UTC
 * hour, one file per partition. The "carried state" is the chain of run ids that carried it, one a
 * line, so a test can see which state a run started from. Also leaves a temporary file and a {@code
 * _}-file in staging, which must not be committed.
 */
final class FakeJob implements StagedJob {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR =
      DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);

  /** The inputs the job was given, one per call. */
  final List<Input> calls = new ArrayList<>();

  /** What the carried state held at each call ({@code ""} for none). */
  final List<String> carriedIn = new ArrayList<>();

  @Override
  public Output run(Input in) throws IOException {
    calls.add(in);
    carriedIn.add(in.carriedStateIn().isPresent() ? in.carriedStateIn().get().readString() : "");
    TreeMap<String, List<String>> byPartition = new TreeMap<>();
    long newest = Long.MIN_VALUE;
    long packets = 0;
    Location staging = in.stagingDir();
    for (Location file : in.inputFiles()) {
      for (String line : file.readString().split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        long ts = Long.parseLong(line.substring(0, line.indexOf(',')));
        Instant t = Instant.ofEpochSecond(ts / 1_000_000);
        String partition = "flows/date=" + DATE.format(t) + "/hour=" + HOUR.format(t);
        byPartition
            .computeIfAbsent(partition, p -> new ArrayList<>())
            .add(file.name() + "," + line);
        newest = Math.max(newest, ts);
        packets++;
      }
    }
    int seq = 0;
    for (Map.Entry<String, List<String>> e : byPartition.entrySet()) {
      String name = String.format("flows-%s-%05d.csv", in.runId(), seq++);
      write(staging.resolve(e.getKey() + "/" + name), lines(e.getValue()));
    }
    write(
        staging.resolve("flag_stats/run=" + in.runId() + "/flag_stats-" + in.runId() + ".csv"),
        "packets," + packets);
    write(staging.resolve("flows/.temp-beam-1234/leftover"), "not a result");
    write(staging.resolve("_SUCCESS"), "");
    if (!in.flushOpenFlows()) {
      String chain =
          (in.carriedStateIn().isPresent() ? in.carriedStateIn().get().readString() : "")
              + in.runId()
              + "\n";
      write(in.carriedStateOut(), chain);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("packets", packets);
    counts.put("input_files", (long) in.inputFiles().size());
    return new Output(
        newest == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(newest), counts);
  }

  private static String lines(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  /** Writes {@code text} to {@code file}, creating its directory, on any file system. */
  static void write(Location file, String text) throws IOException {
    file.parent().mkdirs();
    try (OutputStream out = file.create()) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
