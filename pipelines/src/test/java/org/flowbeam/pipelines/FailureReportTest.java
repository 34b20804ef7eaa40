package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException;
import org.junit.jupiter.api.Test;

/**
 * The one line {@link FlowBeamMain#report} prints for a job that the Flink cluster failed for want
 * of task slots — what a user sees when a TaskManager died and none replaced it — against the cause
 * chain Flink's client hands back (a job failure wrapping the scheduler's
 * NoResourceAvailableException, whose root is a bare timeout).
 */
class FailureReportTest {
  private static final String SLOT_TIMEOUT =
      "Slot request bulk is not fulfillable! Could not allocate the required slot within slot"
          + " request timeout";

  private static Throwable jobFailedForWantOfSlots() {
    return new RuntimeException(
        "Pipeline execution failed",
        new CompletionException(
            new NoResourceAvailableException(
                SLOT_TIMEOUT, new TimeoutException("Timeout has occurred: 120000 ms"))));
  }

  private static String reported(Throwable e, String output, int expectedCode) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = FlowBeamMain.report(e, new PrintStream(err, true, StandardCharsets.UTF_8), output);
    assertThat(code, equalTo(expectedCode));
    String printed = err.toString(StandardCharsets.UTF_8);
    assertThat("one line: " + printed, printed.indexOf('\n'), equalTo(printed.length() - 1));
    return printed;
  }

  @Test
  void aJobWithoutSlotsNamesTheLostTaskManagerAndTheUnchangedOutput() {
    String line = reported(jobFailedForWantOfSlots(), "/data/flows", FlowBeamMain.EXIT_FAILURE);
    assertThat(line, startsWith("flowbeam: failed: the Flink cluster had no free task slot"));
    assertThat(line, containsString("start-taskmanager.sh"));
    assertThat(line, endsWith("the previous output is unchanged\n"));
  }

  @Test
  void aSerializedSlotFailureIsRecognisedByItsText() {
    // The client could not rebuild the exception: only its class name survives, in the text.
    Throwable serialized =
        new RuntimeException(
            "Job failed",
            new Exception(
                "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException: "
                    + SLOT_TIMEOUT));
    assertThat(
        reported(serialized, null, FlowBeamMain.EXIT_FAILURE),
        startsWith("flowbeam: failed: the Flink cluster had no free task slot"));
  }

  @Test
  void anotherFailureStillNamesItsRootCause() {
    Throwable other =
        new RuntimeException("Pipeline execution failed", new TimeoutException("too slow"));
    assertThat(
        reported(other, "/data/flows", FlowBeamMain.EXIT_FAILURE),
        startsWith("flowbeam: failed: TimeoutException: too slow"));
  }
}
