/**
 * The runnable FlowBeam job: options, the stages wired into one pipeline, the manifest stage, the
 * output directory that is replaced only on success, and the command line of the fat jar, which
 * runs the job with its progress shown ({@code JobRun}, package {@code progress}).
 */
package org.flowbeam.pipelines;
