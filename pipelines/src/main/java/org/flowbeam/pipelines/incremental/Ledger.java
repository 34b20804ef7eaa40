package org.flowbeam.pipelines.incremental;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.flowbeam.io.fs.Location;
import org.flowbeam.pipelines.HadoopErrors;
import org.flowbeam.pipelines.UsageException;

/**
 * The memory of an incremental output root ({@code _flowbeam/ledger.json}): every input file read,
 * with the fingerprint it had and the run that read it; the runs in the order they were committed,
 * with their inputs and the carried state each left; and the series' newest packet time. It is
 * immutable: a run builds the next ledger from this one and commits it last, so the ledger on disk
 * always describes exactly the runs whose results are in the root.
 *
 * <pre>{@code
 * Ledger ledger = Ledger.read(layout.ledger());
 * Ledger next = ledger.before(firstUndoneRun).withRun(run, inputsRead);
 * byte[] json = next.toJson();
 * }</pre>
 *
 * @param version the format version, {@value #VERSION}
 * @param seriesEndUs the newest packet time (µs since the epoch) of every run so far; null before
 *     any packet
 * @param files the input files read, in the order they were added
 * @param runs the committed runs, oldest first
 */
public record Ledger(
    @JsonProperty("version") int version,
    @JsonProperty("series_end_us") Long seriesEndUs,
    @JsonProperty("files") List<LedgerFile> files,
    @JsonProperty("runs") List<LedgerRun> runs) {

  /** The ledger format this class reads and writes. */
  public static final int VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * An input file read by a run.
   *
   * @param path absolute path
   * @param size size in bytes when it was read
   * @param mtime modification time when it was read (ISO-8601)
   * @param headTailSha256 see {@link FileFingerprint}
   * @param run the run that read it
   */
  public record LedgerFile(
      @JsonProperty("path") String path,
      @JsonProperty("size") long size,
      @JsonProperty("mtime") String mtime,
      @JsonProperty("head_tail_sha256") String headTailSha256,
      @JsonProperty("run") String run) {
    public LedgerFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(mtime, "mtime");
      Objects.requireNonNull(headTailSha256, "head_tail_sha256");
      requireRunId(run);
    }

    /** The entry for {@code f} read by {@code run}. */
    public static LedgerFile of(FileFingerprint f, String run) {
      return new LedgerFile(f.path(), f.size(), f.mtime(), f.headTailSha256(), run);
    }

    /** The fingerprint the file had when it was read. */
    public FileFingerprint fingerprint() {
      return new FileFingerprint(path, size, mtime, headTailSha256);
    }
  }

  /**
   * A committed run.
   *
   * @param run its id
   * @param inputs the paths of the files it read
   * @param carriedState the state of the flows it left open, relative to the root; null if none
   * @param seriesEndUs the series' newest packet time after this run; null before any packet
   */
  public record LedgerRun(
      @JsonProperty("run") String run,
      @JsonProperty("inputs") List<String> inputs,
      @JsonProperty("carried_state") String carriedState,
      @JsonProperty("series_end_us") Long seriesEndUs) {
    public LedgerRun {
      requireRunId(run);
      inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    }
  }

  public Ledger {
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "ledger version " + version + "; this FlowBeam reads version " + VERSION);
    }
    files = List.copyOf(Objects.requireNonNull(files, "files"));
    runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
    Set<String> known = runs.stream().map(LedgerRun::run).collect(Collectors.toSet());
    for (LedgerFile f : files) {
      if (!known.contains(f.run())) {
        throw new IllegalArgumentException("file " + f.path() + " names unknown run " + f.run());
      }
    }
  }

  /** The ledger of a root no run has committed to. */
  public static Ledger empty() {
    return new Ledger(VERSION, null, List.of(), List.of());
  }

  /**
   * Reads the ledger at {@code file}; an absent file is the empty ledger.
   *
   * @throws UsageException (one line naming the file) if it is not a FlowBeam ledger
   */
  public static Ledger read(Location file) {
    Optional<String> json;
    try {
      json = file.readStringIfPresent();
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + HadoopErrors.oneLine(e));
    }
    return json.isEmpty()
        ? empty()
        : parse(json.get().getBytes(StandardCharsets.UTF_8), file.toString());
  }

  /** Reads the local ledger at {@code file} as {@link #read(Location)} does. */
  public static Ledger read(Path file) {
    return read(Location.local(file));
  }

  /** Parses ledger JSON; {@code source} names it in the error. */
  public static Ledger parse(byte[] json, String source) {
    try {
      return MAPPER.readValue(json, Ledger.class);
    } catch (IOException | IllegalArgumentException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      throw new UsageException(
          source + " is not a FlowBeam ledger: " + why.lines().findFirst().orElse(""));
    }
  }

  /** The ledger as pretty-printed JSON, ending with a newline. */
  public byte[] toJson() {
    try {
      return (MAPPER.writeValueAsString(this) + "\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("a ledger is always writable as JSON", e);
    }
  }

  /** The entry of the file at {@code path}, if a committed run read it. */
  public Optional<LedgerFile> file(String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  /** The run {@code runId}. */
  public Optional<LedgerRun> run(String runId) {
    return runs.stream().filter(r -> r.run().equals(runId)).findFirst();
  }

  /** The id of the newest run. */
  @JsonIgnore
  public Optional<String> lastRunId() {
    return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1).run());
  }

  /** The carried state the newest run left (relative to the root), if any. */
  @JsonIgnore
  public Optional<String> lastCarriedState() {
    return runs.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(runs.get(runs.size() - 1).carriedState());
  }

  /** The series' newest packet time, if any. */
  @JsonIgnore
  public OptionalLong seriesEnd() {
    return seriesEndUs == null ? OptionalLong.empty() : OptionalLong.of(seriesEndUs);
  }

  /**
   * The ledger as it was before {@code runId} was committed: that run and every later one removed,
   * with the files they read, and the series end of the run before.
   */
  public Ledger before(String runId) {
    int i = indexOf(runId);
    List<LedgerRun> kept = runs.subList(0, i);
    Set<String> keptIds = kept.stream().map(LedgerRun::run).collect(Collectors.toSet());
    List<LedgerFile> keptFiles =
        files.stream().filter(f -> keptIds.contains(f.run())).collect(Collectors.toList());
    Long end = kept.isEmpty() ? null : kept.get(kept.size() - 1).seriesEndUs();
    return new Ledger(VERSION, end, keptFiles, kept);
  }

  /**
   * This ledger with {@code run} appended and {@code inputs} recorded as read by it.
   *
   * @throws IllegalArgumentException if an input is already recorded (it must be new, or its run
   *     undone first) or the run id does not sort after the newest run's
   */
  public Ledger withRun(LedgerRun run, List<FileFingerprint> inputs) {
    if (lastRunId().isPresent() && run.run().compareTo(lastRunId().get()) <= 0) {
      throw new IllegalArgumentException(
          "run " + run.run() + " does not sort after " + lastRunId().get());
    }
    List<LedgerFile> all = new ArrayList<>(files);
    for (FileFingerprint f : inputs) {
      if (file(f.path()).isPresent()) {
        throw new IllegalArgumentException(f.path() + " is already in the ledger");
      }
      all.add(LedgerFile.of(f, run.run()));
    }
    List<LedgerRun> allRuns = new ArrayList<>(runs);
    allRuns.add(run);
    return new Ledger(VERSION, run.seriesEndUs(), all, allRuns);
  }

  private int indexOf(String runId) {
    for (int i = 0; i < runs.size(); i++) {
      if (runs.get(i).run().equals(runId)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no run " + runId + " in the ledger");
  }

  private static void requireRunId(String run) {
    if (!RunId.isValid(run)) {
      throw new IllegalArgumentException("not a run id: " + run);
    }
  }
}
