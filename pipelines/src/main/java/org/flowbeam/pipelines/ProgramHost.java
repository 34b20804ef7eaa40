package org.flowbeam.pipelines;

import java.util.List;

/**
 * Who called {@code main}: the JVM's launcher ({@code java -jar}), or Flink's {@code
 * PackagedProgram}, which calls a jar's {@code main} inside its own process — the client of {@code
 * flink run}, or the JobManager in application mode (YARN, Kubernetes). Inside Flink, {@code main}
 * must return rather than call {@link System#exit}: in the JobManager an exit ends the process
 * before Flink finishes the application (Kubernetes then restarts the pod and the job), and with
 * {@code cluster.intercept-user-system-exit: THROW} it turns even a successful run into a failed
 * application.
 */
final class ProgramHost {
  /** The Flink class that invokes a packaged program's {@code main}. */
  static final String FLINK_PACKAGED_PROGRAM = "org.apache.flink.client.program.PackagedProgram";

  private ProgramHost() {}

  /** True if this thread's {@code main} was called by Flink's {@code PackagedProgram}. */
  static boolean calledByFlink() {
    return calledByFlink(
        StackWalker.getInstance()
            .walk(frames -> frames.map(StackWalker.StackFrame::getClassName).toList()));
  }

  /** True if one of {@code callerClasses} (a stack, innermost first) is Flink's program runner. */
  static boolean calledByFlink(List<String> callerClasses) {
    return callerClasses.contains(FLINK_PACKAGED_PROGRAM);
  }

  /** Thrown from {@code main} inside Flink for a run that failed; its line is already printed. */
  static final class FailedRun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FailedRun(int exitCode) {
      super(
          "flowbeam ended with exit code " + exitCode + " (its error line is above)",
          null,
          false,
          false);
    }
  }
}
