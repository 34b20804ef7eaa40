/**
 * Beam transforms over packets: {@code AssembleFlows} (the keyed sort-buffer stateful stage around
 * the TCP state machine; {@code AssembleFlows.Carrying} is its form for one run of a recurring job,
 * resuming the flows the previous run carried and carrying those still open) and {@code
 * TrafficStats} (per-IP, flag-type and time-bin combiners).
 */
package org.flowbeam.transforms;
