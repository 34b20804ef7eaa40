package org.flowbeam.pipelines;

/**
 * A problem with what the user asked for (options, input files, output directory), reported as one
 * line and a non-zero exit code, without a stack trace.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
