package org.flowbeam.testing;

import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies a fresh Beam {@link TestPipeline} to each JUnit 5 test method that declares one.
 *
 * <p>Beam 2.62's {@code TestPipeline} is a JUnit 4 rule; outside a rule its abandoned-node check
 * cannot run, so it is switched off here and the test calls {@code p.run().waitUntilFinish()}
 * itself. Options come from the {@code beamTestPipelineOptions} system property as usual (the
 * Direct Runner by default).
 */
public final class TestPipelineExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestPipeline.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return TestPipeline.create().enableAbandonedNodeEnforcement(false);
  }
}
