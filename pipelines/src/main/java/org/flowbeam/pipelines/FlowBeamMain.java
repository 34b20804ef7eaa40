package org.flowbeam.pipelines;

/** Command-line entry point of the fat jar (work in progress). */
public final class FlowBeamMain {
  private FlowBeamMain() {}

  public static void main(String[] args) {
    System.err.println("flowbeam: not yet implemented");
    System.exit(2);
  }
}
