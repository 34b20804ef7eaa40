package org.flowbeam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.PCollection;
import org.flowbeam.testing.BeamTest;
import org.junit.jupiter.api.Test;

@BeamTest
class PacketCoderTest {
  private static final Packet V4 =
      Packet.builder()
          .timestampMicros(1_700_000_000_123_456L)
          .src("10.1.2.3", 40000)
          .dst("192.168.0.1", 443)
          .protocol(IpProtocol.TCP)
          .flags(TcpFlags.SYN | TcpFlags.ACK)
          .seq(0xfffffffeL)
          .ack(17)
          .length(1514)
          .sourceOffset(123456789L)
          .build();

  private static final Packet V6 =
      Packet.builder()
          .timestampMicros(-5)
          .src("2001:db8::1", 0)
          .dst("::ffff:1.2.3.4", 65535)
          .protocol(IpProtocol.UDP)
          .length(0)
          .build();

  @Test
  void roundTripsIpv4AndIpv6() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(PacketCoder.of(), V4);
    CoderProperties.coderDecodeEncodeEqual(PacketCoder.of(), V6);
    CoderProperties.coderDeterministic(PacketCoder.of(), V4, V4.toBuilder().build());
    CoderProperties.coderSerializable(PacketCoder.of());
  }

  @Test
  void flowKeysRoundTripAndABadAddressLengthIsRefused() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(FlowKeyCoder.of(), FlowKey.of(V4));
    CoderProperties.coderDecodeEncodeEqual(FlowKeyCoder.of(), FlowKey.of(V6));
    byte[] key = CoderUtils.encodeToByteArray(FlowKeyCoder.of(), FlowKey.of(V4));
    byte[] packet = CoderUtils.encodeToByteArray(PacketCoder.of(), V4);
    key[0] = 5; // the address length comes first in a key, after the 8-byte time in a packet
    packet[8] = 5;
    assertThrows(
        org.apache.beam.sdk.coders.CoderException.class,
        () -> CoderUtils.decodeFromByteArray(FlowKeyCoder.of(), key));
    assertThrows(
        org.apache.beam.sdk.coders.CoderException.class,
        () -> CoderUtils.decodeFromByteArray(PacketCoder.of(), packet));
  }

  @Test
  void fragmentsRoundTripCompactly() throws Exception {
    java.util.List<Packet> conversation =
        org.flowbeam.testing.Trace.between("2001:db8::1", 5000, "2001:db8::2", 443)
            .at(-3_000)
            .handshake()
            .clientData(100)
            .serverData(20)
            .packets();
    PacketFragment f = PacketFragment.of(FlowKey.of(conversation.get(0)), conversation);
    CoderProperties.coderDecodeEncodeEqual(PacketFragmentCoder.of(), f);
    CoderProperties.coderSerializable(PacketFragmentCoder.of());
    int bytes = CoderUtils.encodeToByteArray(PacketFragmentCoder.of(), f).length;
    // 18 a packet: 16 before the IP and payload lengths, one byte each for those.
    assertThat(bytes, lessThanOrEqualTo(40 + 18 * conversation.size()));
    PacketFragment decoded =
        CoderUtils.decodeFromByteArray(
            PacketFragmentCoder.of(), CoderUtils.encodeToByteArray(PacketFragmentCoder.of(), f));
    assertThat(decoded.packets(), equalTo(conversation));
    assertThat(decoded.size(), equalTo(conversation.size()));
  }

  @Test
  void fragmentsKeepPacketsOutOfOrderAndFarApart() {
    List<Packet> t =
        org.flowbeam.testing.Trace.between("10.0.0.1", 1, "10.0.0.2", 2)
            .at(1_700_000_000_000_000L)
            .handshake()
            .clientData(10)
            .packets();
    List<Packet> shuffled = new java.util.ArrayList<>();
    shuffled.add(t.get(2).toBuilder().sourceOffset(5_000_000_000L).build());
    shuffled.add(t.get(0).toBuilder().timestampMicros(-1).length(65_535).build());
    shuffled.add(t.get(1).toBuilder().seq(0xffffffffL).ack(0x80000000L).flags(255).build());
    shuffled.add(t.get(3));
    PacketFragment f = PacketFragment.of(FlowKey.of(t.get(0)), shuffled);
    assertThat(f.packets(), equalTo(shuffled));
    assertThat(f.oldestUs(), equalTo(-1L));
  }

  @Test
  void everyTwelveBitFlagsValueRoundTripsThroughBothCoders() throws Exception {
    Packet base = V4.toBuilder().flags(0).build();
    FlowKey key = FlowKey.of(base);
    List<Packet> all = new java.util.ArrayList<>();
    for (int f = 0; f <= TcpFlags.ALL; f++) {
      // Alternate directions: the direction shares its byte with the flags above the low eight.
      Packet p = base.toBuilder().flags(f).build();
      if (f % 2 == 1) {
        p = p.toBuilder().src("192.168.0.1", 443).dst("10.1.2.3", 40000).build();
      }
      all.add(p);
      CoderProperties.coderDecodeEncodeEqual(PacketCoder.of(), p);
    }
    PacketFragment f = PacketFragment.of(key, all);
    assertThat(f.packets(), equalTo(all));
    CoderProperties.coderDecodeEncodeEqual(PacketFragmentCoder.of(), f);
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> base.toBuilder().flags(0x1000).build())
            .getMessage(),
        equalTo("flags 4096 outside 0..4095"));
  }

  @Test
  void aFragmentRefusesAnotherKeysPacket() {
    List<Packet> a =
        org.flowbeam.testing.Trace.between("10.0.0.1", 1, "10.0.0.2", 2).syn().packets();
    List<Packet> b =
        org.flowbeam.testing.Trace.between("10.0.0.3", 1, "10.0.0.2", 2).syn().packets();
    PacketFragment.Builder builder = PacketFragment.builder(FlowKey.of(a.get(0)));
    assertThrows(IllegalArgumentException.class, () -> builder.add(b.get(0)));
  }

  @Test
  void theFragmentCoderRefusesImpossibleSizes() throws Exception {
    List<Packet> a =
        org.flowbeam.testing.Trace.between("10.0.0.1", 1, "10.0.0.2", 2).syn().packets();
    byte[] good =
        CoderUtils.encodeToByteArray(
            PacketFragmentCoder.of(), PacketFragment.of(FlowKey.of(a.get(0)), a));
    byte[] bad = good.clone();
    bad[14] = 100; // the packet count, after the 14-byte IPv4 key: 100 packets in 13 bytes
    assertThrows(
        org.apache.beam.sdk.coders.CoderException.class,
        () -> CoderUtils.decodeFromByteArray(PacketFragmentCoder.of(), bad));
  }

  @Test
  void ipv4PacketIsCompact() throws Exception {
    assertThat(CoderUtils.encodeToByteArray(PacketCoder.of(), V4).length, lessThanOrEqualTo(40));
  }

  @Test
  void formatsAddressesAsTsharkDoes() {
    assertThat(V6.srcIpText(), equalTo("2001:db8::1"));
    assertThat(V6.dstIpText(), equalTo("::ffff:102:304"));
    assertThat(
        IpAddresses.format(IpAddresses.parse("2001:6a8:3081:6f18:0cd4:07f6:494a:1267")),
        equalTo("2001:6a8:3081:6f18:cd4:7f6:494a:1267"));
  }

  @Test
  void survivesADirectRunnerPipeline(TestPipeline p) {
    PCollection<Packet> packets = p.apply(Create.of(V4, V6).withCoder(PacketCoder.of()));
    PAssert.that(packets).containsInAnyOrder(V4, V6);
    p.run().waitUntilFinish();
  }
}
