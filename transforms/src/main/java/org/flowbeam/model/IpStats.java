package org.flowbeam.model;

import java.io.Serializable;

/**
 * Traffic of one address: packets and bytes it sent and received, first and last time seen (µs).
 */
public record IpStats(
    String ip,
    long sentPackets,
    long recvPackets,
    long sentBytes,
    long recvBytes,
    long firstTs,
    long lastTs)
    implements Serializable {}
