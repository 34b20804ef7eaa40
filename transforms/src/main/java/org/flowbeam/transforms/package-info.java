/**
 * Beam transforms over packets: {@code PacketDigest} (one pass that keys TCP packets by flow and
 * fills the statistics' partial sums), {@code AssembleFlows} (the keyed sort-buffer stateful stage
 * around the TCP state machine; {@code AssembleFlows.Carrying} is its form for one run of a
 * recurring job, resuming the flows the previous run carried and carrying those still open) and
 * {@code TrafficStats} (per-IP, per-IP-and-hour, flag-type, time-bin and total statistics). Each
 * partial sum ({@code IpTraffic}, {@code BinTraffic}, {@code TotalTraffic}, {@code SumMinMax}) is a
 * small {@code PartialSum} type declaring its fields and its coder once, and all of them are
 * combined by the one {@code PartialSumFn}.
 */
package org.flowbeam.transforms;
