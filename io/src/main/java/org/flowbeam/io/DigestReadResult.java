package org.flowbeam.io;

import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.flowbeam.model.Packet;
import org.flowbeam.transforms.PacketDigest;

/**
 * What a read that digests its packets produces ({@code read().withDigest(digest)}): the {@link
 * PacketDigest.Result} (TCP packets in fragments keyed by flow, and the statistics' partial sums),
 * the packets themselves when asked for ({@code withPackets()}), and the rejected records and
 * counts of every {@link ReadResult}.
 *
 * <p>{@link #getDigest()} is what {@code getOutput().apply(digest)} of the same read without the
 * digest would give, with no element per packet between the reader and the digest.
 *
 * <pre>{@code
 * DigestReadResult r = p.apply(PcapIO.read().from("/data/*.pcap").withDigest(digest));
 * r.getDigest().byFlowKey();   // fragments for AssembleFlows.keyed
 * }</pre>
 */
public final class DigestReadResult extends ReadResult {
  private final PacketDigest.Result digest;
  private final boolean packets;

  DigestReadResult(PCollectionTuple outputs, PacketDigest.Result digest, boolean packets) {
    super(outputs);
    this.digest = digest;
    this.packets = packets;
  }

  /** The digest of the packets read. */
  public PacketDigest.Result getDigest() {
    return digest;
  }

  /**
   * The packets, each with its capture time as event timestamp.
   *
   * @throws IllegalStateException unless the read was asked for them ({@code withPackets()})
   */
  public PCollection<Packet> getPackets() {
    if (!packets) {
      throw new IllegalStateException("the read was not asked for its packets (withPackets)");
    }
    return get(PACKETS);
  }
}
