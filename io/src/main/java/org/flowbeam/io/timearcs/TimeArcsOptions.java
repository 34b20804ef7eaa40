package org.flowbeam.io.timearcs;

import java.io.Serializable;
import java.util.List;

/**
 * Settings of the TimeArcs v2.0 layout: flows per chunk file, the source files and creation time
 * recorded in the manifest, and whether the layout writes its own {@code manifest.json}.
 *
 * <pre>{@code
 * TimeArcsOptions o = TimeArcsOptions.defaults().withSourceFiles(List.of("day1.csv.gz"));
 * }</pre>
 *
 * @param flowsPerChunk flows per {@code flows/chunk_NNNNN.json} file (TimeArcs' default: 200)
 * @param sourceFiles the inputs, for the manifest's {@code source_files}
 * @param created the manifest's {@code created} text (ISO-8601); {@code null} for the time of
 *     writing. Tests fix it so the output is reproducible
 * @param writeManifest whether to write {@code manifest.json} holding the TimeArcs keys alone;
 *     switch it off when the pipeline writes one manifest merging them with its own keys
 */
public record TimeArcsOptions(
    int flowsPerChunk, List<String> sourceFiles, String created, boolean writeManifest)
    implements Serializable {

  /** TimeArcs' default chunk size. */
  public static final int DEFAULT_FLOWS_PER_CHUNK = 200;

  public TimeArcsOptions {
    if (flowsPerChunk <= 0) {
      throw new IllegalArgumentException("flowsPerChunk must be positive, got " + flowsPerChunk);
    }
    sourceFiles = List.copyOf(sourceFiles);
  }

  /** 200 flows per chunk, no source files, created now, manifest written. */
  public static TimeArcsOptions defaults() {
    return new TimeArcsOptions(DEFAULT_FLOWS_PER_CHUNK, List.of(), null, true);
  }

  public TimeArcsOptions withFlowsPerChunk(int n) {
    return new TimeArcsOptions(n, sourceFiles, created, writeManifest);
  }

  public TimeArcsOptions withSourceFiles(List<String> files) {
    return new TimeArcsOptions(flowsPerChunk, files, created, writeManifest);
  }

  public TimeArcsOptions withCreated(String isoTime) {
    return new TimeArcsOptions(flowsPerChunk, sourceFiles, isoTime, writeManifest);
  }

  public TimeArcsOptions withWriteManifest(boolean write) {
    return new TimeArcsOptions(flowsPerChunk, sourceFiles, created, write);
  }
}
