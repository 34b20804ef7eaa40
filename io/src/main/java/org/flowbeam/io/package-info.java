/**
 * FlowBeam's inputs and outputs: {@code PacketCsvIO} reads packet CSV in parallel byte ranges into
 * a {@code PacketReadResult} (packets, rejected records, records read per file); {@code FlowSinks}
 * writes flows, statistics and rejected records as sharded CSV and Avro, and the TimeArcs layout.
 */
package org.flowbeam.io;
