/**
 * The TimeArcs v2.0 chunked layout, the folder the TCP TimeArcs browser viewer loads: {@code
 * packets.csv}, flow chunks with their packets and handshake/data/closing phases, a flow index, IP
 * and flag statistics, time bins and the manifest keys.
 *
 * <p>The logic is plain Java ({@link org.flowbeam.io.timearcs.PhaseClassifier}, {@link
 * org.flowbeam.io.timearcs.TimeBins}, {@link org.flowbeam.io.timearcs.TimeArcsLayoutWriter}),
 * tested without a pipeline; {@link org.flowbeam.io.timearcs.TimeArcsWrite} is the thin Beam shell
 * that gathers the data to one worker and calls the writer. The layout speaks the viewer's
 * vocabulary ({@link org.flowbeam.io.timearcs.ViewerVocabulary}: close types {@code graceful},
 * {@code abortive}, {@code invalid}, {@code open}), not FlowBeam's close reasons.
 */
package org.flowbeam.io.timearcs;
