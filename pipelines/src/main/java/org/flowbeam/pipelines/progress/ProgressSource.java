package org.flowbeam.pipelines.progress;

/** Where the progress of a running job comes from; polled by one thread at a time. */
public interface ProgressSource {
  /**
   * What the job has done so far. Never throws: a source that cannot find out (a cluster that does
   * not answer) returns what it knew last.
   */
  ProgressSnapshot poll();

  /** What the job did, polled once it has ended. */
  default ProgressSnapshot pollEnded() {
    return poll();
  }
}
