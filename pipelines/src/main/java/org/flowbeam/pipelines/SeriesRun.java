package org.flowbeam.pipelines;

import java.util.Optional;

/**
 * What makes a build of the job one run of a recurring series ({@code --incremental}, see {@code
 * src/docs/incremental.md}): the flows the previous run carried enter the keyed stage, and the
 * flows still open at the end of this run's data are carried out to a file instead of written.
 *
 * @param carriedIn the previous run's carried-flows file, if any
 * @param seriesEndBeforeUs the newest packet time of every earlier run ({@code Long.MIN_VALUE} for
 *     the first run)
 * @param carriedOut where this run writes the flows it carries (not written when flushing)
 * @param flush write every open flow instead of carrying it: the series ends
 * @param manifestDir where the job's own manifest goes (a directory the commit does not publish)
 */
record SeriesRun(
    Optional<String> carriedIn,
    long seriesEndBeforeUs,
    String carriedOut,
    boolean flush,
    String manifestDir) {}
