package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.ProgramInvocationException;
import org.junit.jupiter.api.Test;

/**
 * {@code main} returns or throws, never exits the JVM, when Flink calls it (application mode,
 * {@code flink run}); run here through Flink's own {@link PackagedProgram}, as the JobManager does.
 * A {@code System.exit} in this path would end the test JVM and fail the build.
 */
class ProgramHostTest {
  @Test
  void flinksProgramRunnerOnTheStackIsFlink() {
    assertThat(
        ProgramHost.calledByFlink(
            List.of(
                "org.flowbeam.pipelines.FlowBeamMain",
                "jdk.internal.reflect.DirectMethodHandleAccessor",
                "org.apache.flink.client.program.PackagedProgram",
                "org.apache.flink.client.ClientUtils")),
        is(true));
    assertThat(
        ProgramHost.calledByFlink(List.of("org.flowbeam.pipelines.FlowBeamMain")), is(false));
    assertThat(ProgramHost.calledByFlink(), is(false)); // JUnit's stack
  }

  @Test
  void aSuccessfulRunCalledByFlinkReturns() throws Exception {
    PackagedProgram program =
        PackagedProgram.newBuilder()
            .setEntryPointClassName(FlowBeamMain.class.getName())
            .setArguments("--help")
            .build();

    program.invokeInteractiveModeForExecution(); // returns: no exit, no exception
  }

  @Test
  void aFailedRunCalledByFlinkThrowsWithItsExitCode() throws Exception {
    PackagedProgram program =
        PackagedProgram.newBuilder()
            .setEntryPointClassName(FlowBeamMain.class.getName())
            .setArguments("--input=no-such-input-*.csv", "--output=/tmp/flowbeam-never-written")
            .build();

    ProgramInvocationException e =
        assertThrows(ProgramInvocationException.class, program::invokeInteractiveModeForExecution);

    assertThat(e.getCause(), instanceOf(ProgramHost.FailedRun.class));
    assertThat(e.getCause().getMessage(), containsString("exit code 2"));
  }
}
