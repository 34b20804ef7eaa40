/**
 * The packet CSV reader behind {@link org.flowbeam.io.PacketCsvIO}.
 *
 * <p>The parsing is plain Java with its own tests: {@code CsvColumns} finds the columns from a
 * header line (TimeArcs names and tshark aliases), {@code PacketCsvRowParser} turns a row into a
 * packet or a rejection reason, {@code CsvLineReader} frames lines with their byte offsets, and
 * {@code PacketCsvRangeReader} reads the rows of one offset range under the TextSource split rule.
 * {@link org.flowbeam.io.csv.PacketCsvReadFn} is the thin splittable DoFn around them.
 */
package org.flowbeam.io.csv;
