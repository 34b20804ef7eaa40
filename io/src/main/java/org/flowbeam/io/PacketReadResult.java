package org.flowbeam.io;

import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.flowbeam.model.Packet;

/**
 * What a read that outputs its packets produces ({@code PcapIO.read()}, {@code
 * PacketCsvIO.read()}): the packets, and the rejected records and counts of every {@link
 * ReadResult}.
 *
 * <pre>{@code
 * PacketReadResult r = p.apply(PcapIO.read().from("/data/*.pcap"));
 * r.getOutput();   // packets, event time = capture time
 * r.getErrors();   // rejected records: file, offset, raw bytes or text, reason
 * }</pre>
 */
public final class PacketReadResult extends ReadResult {
  PacketReadResult(PCollectionTuple outputs) {
    super(outputs);
  }

  /** The packets, each with its capture time as event timestamp. */
  public PCollection<Packet> getOutput() {
    return get(PACKETS);
  }
}
