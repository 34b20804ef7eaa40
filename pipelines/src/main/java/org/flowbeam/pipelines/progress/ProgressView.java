package org.flowbeam.pipelines.progress;

/**
 * What the progress line shows at one moment ({@link ProgressMeter} makes it, {@link ProgressLine}
 * formats it). A count not known is {@link ProgressSnapshot#UNKNOWN}, a rate or percent not known
 * is NaN, a time left not known is -1.
 *
 * @param phase what the job is doing
 * @param percent how much of the phase is done (of the input's bytes while reading, of the TCP
 *     packets read while assembling flows)
 * @param elapsedNanos time since the command started
 * @param etaNanos estimated time until the phase ends
 * @param packetsPerSecond packets read a second while reading, packets assembled while assembling
 * @param bytesPerSecond input bytes read a second
 */
public record ProgressView(
    Phase phase,
    double percent,
    long elapsedNanos,
    long etaNanos,
    long bytes,
    boolean bytesEstimated,
    long totalBytes,
    long records,
    long packets,
    double packetsPerSecond,
    double bytesPerSecond,
    long flows) {

  /** What a job is doing. */
  public enum Phase {
    /** Options, translation, cluster start, deployment: no input read yet. */
    STARTING("starting", "starting"),
    /** Reading the input. */
    READING("reading", "reading"),
    /** Input read; the keyed stage assembles the TCP flows. */
    ASSEMBLING("assembling flows", "assembling"),
    /** Flows assembled; statistics and outputs are being written. */
    WRITING("writing", "writing"),
    /** The job has ended. */
    DONE("done", "done");

    private final String label;
    private final String shortLabel;

    Phase(String label, String shortLabel) {
      this.label = label;
      this.shortLabel = shortLabel;
    }

    /** How a plain line names it. */
    public String label() {
      return label;
    }

    /** How a terminal's line names it. */
    public String shortLabel() {
      return shortLabel;
    }
  }
}
