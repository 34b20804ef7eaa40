package org.flowbeam.transforms;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;

/**
 * Runs a {@link PacketDigester} over a packet collection, one bundle at a time: TCP packets keyed
 * by flow for the stateful stage (main output), and the statistics' partial sums per bundle on the
 * other {@link PacketDigest} tags.
 */
final class PacketDigestFn extends DoFn<Packet, KV<FlowKey, PacketFragment>> {
  private final PacketDigester digester;

  PacketDigestFn(PacketDigester digester) {
    this.digester = digester;
  }

  @StartBundle
  public void startBundle() {
    digester.startBundle();
  }

  @ProcessElement
  public void process(@Element Packet p, MultiOutputReceiver out) {
    digester.add(p, out);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    digester.finishBundle(c);
  }
}
