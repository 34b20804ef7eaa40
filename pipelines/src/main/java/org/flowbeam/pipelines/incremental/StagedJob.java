package org.flowbeam.pipelines.incremental;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.flowbeam.io.fs.Location;

/**
 * The Beam job as {@link IncrementalRun} sees it: read these files, starting from this carried
 * state, and write the results into this staging directory. The job does not know about ledgers,
 * locks or commits; everything it writes becomes visible only when the run commits.
 *
 * <pre>{@code
 * StagedJob job = in -> {
 *   Pipeline p = ...; // reads in.inputFiles(), CarriedFlows.read(in.carriedStateIn()),
 *                     // writes ROOT-relative paths under in.stagingDir(),
 *                     // CarriedFlows.write(in.carriedStateOut()) unless flushing
 *   p.run().waitUntilFinish();
 *   return new StagedJob.Output(newestPacketUs, counts);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface StagedJob {
  /**
   * Runs the job; throws (anything) if it failed, and the run is then abandoned with the root
   * untouched.
   */
  Output run(Input input) throws IOException;

  /**
   * What the job is given.
   *
   * @param runId the run id, to put in every file name ({@code flows-RUN-00000-of-00004.parquet})
   * @param stagingDir where to write results, at the paths they will have relative to the root
   *     ({@code flows/date=2024-05-01/hour=13/flows-RUN-...}); paths with a part beginning with
   *     {@code _} or {@code .} are not committed (temporary files may go there)
   * @param inputFiles the files to read, absolute (full URIs on HDFS); may be empty (a flush, or a
   *     rollback whose inputs are all gone)
   * @param carriedStateIn the flows the previous run left open, to enter the keyed stage first
   * @param seriesEndUs the newest packet time of every run before this one
   * @param carriedStateOut where to write the flows left open at the end, if any; leave it absent
   *     when nothing is carried
   * @param flushOpenFlows write every open flow instead of carrying it
   */
  record Input(
      String runId,
      Location stagingDir,
      List<Location> inputFiles,
      Optional<Location> carriedStateIn,
      OptionalLong seriesEndUs,
      Location carriedStateOut,
      boolean flushOpenFlows) {
    public Input {
      inputFiles = List.copyOf(inputFiles);
    }
  }

  /**
   * What the job reports.
   *
   * @param newestPacketUs the newest packet time of this run's data (absent if it read no packet)
   * @param counts additive totals (packets, flows, rejected, ...), summed over runs in the root
   *     manifest
   */
  record Output(OptionalLong newestPacketUs, Map<String, Long> counts) {
    public Output {
      Objects.requireNonNull(newestPacketUs, "newestPacketUs");
      counts = new LinkedHashMap<>(counts);
    }
  }
}
