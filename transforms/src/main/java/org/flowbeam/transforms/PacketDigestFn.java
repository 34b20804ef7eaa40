package org.flowbeam.transforms;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.joda.time.Duration;

/**
 * Runs a {@link PacketDigester} over a packet collection, one bundle at a time: TCP packets keyed
 * by flow for the stateful stage (main output), and the statistics' partial sums per bundle on the
 * other {@link PacketDigest} tags.
 *
 * <p>A fragment that a packet fills is output while that packet is processed, timestamped at the
 * fragment's oldest packet, which may be earlier than the packet's own time: the keyed stage needs
 * the fragments in the order of their oldest packets. Hence the unbounded timestamp skew; the
 * statistics are unaffected (time bins are timestamped at their bin's start, the rest at the end).
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

  @Override
  @SuppressWarnings("deprecation") // the only way to let an output go back in event time
  public Duration getAllowedTimestampSkew() {
    return Duration.millis(Long.MAX_VALUE);
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    digester.finishBundle(c);
  }
}
