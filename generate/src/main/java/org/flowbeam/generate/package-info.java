/**
 * {@code flowbeam generate}: synthetic packet traffic for tests and benchmarks, as TimeArcs packet
 * CSV, pcap or pcapng, streamed in constant memory from a seed, with a ground-truth file of the
 * flows FlowBeam's rules must find in it, optionally with elephants (connections of millions of
 * packets, {@link org.flowbeam.generate.ElephantPlan}). Plain Java, no Beam: {@link
 * org.flowbeam.generate.GenerateMain} is the command, {@link
 * org.flowbeam.generate.TrafficGenerator} the engine and its traffic model; {@code
 * src/docs/generate.md} describes both.
 */
package org.flowbeam.generate;
