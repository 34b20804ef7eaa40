/**
 * The file of flows carried from one run of a recurring job to the next: {@link
 * org.flowbeam.io.carried.CarriedFlowsFile} writes and checks it in plain Java, and {@code
 * org.flowbeam.io.CarriedFlows} reads and writes it in a pipeline. A bad file is one line naming it
 * and the byte where it went wrong ({@link org.flowbeam.io.carried.CarriedFlowsFileException}).
 */
package org.flowbeam.io.carried;
