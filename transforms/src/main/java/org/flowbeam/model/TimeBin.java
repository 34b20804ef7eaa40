package org.flowbeam.model;

import java.io.Serializable;

/**
 * Traffic in one time bin {@code [startUs, endUs)}: every packet and byte, the TCP flag counts and
 * the number of flows that started in it.
 */
public record TimeBin(
    long startUs, long endUs, long packets, long bytes, FlagCounts flags, long flowsStarted)
    implements Serializable {}
