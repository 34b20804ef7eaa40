/**
 * Beam transforms over packets: {@code AssembleFlows} (the keyed sort-buffer stateful stage around
 * the TCP state machine) and {@code TrafficStats} (per-IP, flag-type and time-bin combiners).
 */
package org.flowbeam.transforms;
