/**
 * Packet CSV as a FlowBeam record format, read by {@link org.flowbeam.io.PacketCsvIO}.
 *
 * <p>The parsing is plain Java with its own tests: {@code CsvColumns} finds the columns from a
 * header line (TimeArcs names and tshark aliases), {@code PacketCsvRowParser} turns a row into a
 * packet or a rejection reason, {@code CsvLineReader} frames lines with their byte offsets, and
 * {@code PacketCsvReader} reads the rows from an offset under the TextSource split rule. {@link
 * org.flowbeam.io.csv.PacketCsvFormat} is the {@code InputFormat} the shared shell reads.
 */
package org.flowbeam.io.csv;
