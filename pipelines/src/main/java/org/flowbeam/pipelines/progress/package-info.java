/**
 * The progress line of a running job: bytes and records read, percent of the input, packets per
 * second, flows so far, elapsed time and an estimate of the time left. A {@code ProgressSource}
 * says what the job has done — {@code InProcessProgress} from the steps' counts in this JVM (the
 * Direct Runner, Flink embedded), {@code FlinkRestProgress} from a Flink cluster's REST API; the
 * pure {@code ProgressMeter} turns its snapshots into rates, a phase and an estimate, {@code
 * ProgressLine} formats them, and {@code ProgressReporter} prints them while the job runs: one
 * updated line on a terminal, a plain line every few seconds otherwise.
 */
package org.flowbeam.pipelines.progress;
