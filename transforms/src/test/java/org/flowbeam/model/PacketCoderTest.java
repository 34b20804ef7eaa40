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

  /**
   * A packet outside a tunnel: 40 bytes before tunnels were carried, 41 now (the tunnel type byte,
   * 0). Worked out by hand: time 8, addresses 1 + 4 + 4, ports 4, protocol 1, flags 2, seq and ack
   * 8, length 1514 and source offset 123456789 as var-ints 2 + 4, the unknown IP and payload
   * lengths 1 + 1, the tunnel 1. A packet from inside an IPv4 tunnel adds its two outer addresses
   * and their length (9 bytes), inside an IPv6 one 33.
   */
  @Test
  void ipv4PacketIsCompact() throws Exception {
    assertThat(CoderUtils.encodeToByteArray(PacketCoder.of(), V4).length, equalTo(41));
    assertThat(
        CoderUtils.encodeToByteArray(PacketCoder.of(), V4.toBuilder().tunnel(GTP).build()).length,
        equalTo(41 + 9));
    assertThat(
        CoderUtils.encodeToByteArray(PacketCoder.of(), V4.toBuilder().tunnel(TEREDO_V6).build())
            .length,
        equalTo(41 + 33));
  }

  private static final Tunnel GTP = Tunnel.of(TunnelType.GTP_U, "172.16.0.1", "172.16.0.2");
  private static final Tunnel TEREDO_V6 =
      Tunnel.of(TunnelType.TEREDO, "2001:db8:ffff::1", "2001:db8:ffff::2");

  @Test
  void tunnelsRoundTripThroughThePacketCoder() throws Exception {
    for (TunnelType type : TunnelType.values()) {
      Packet p = V6.toBuilder().tunnel(Tunnel.of(type, "192.0.2.1", "198.51.100.7")).build();
      CoderProperties.coderDecodeEncodeEqual(PacketCoder.of(), p);
      assertThat(
          CoderUtils.decodeFromByteArray(
                  PacketCoder.of(), CoderUtils.encodeToByteArray(PacketCoder.of(), p))
              .tunnel(),
          equalTo(p.tunnel()));
    }
    Packet inV6 = V4.toBuilder().tunnel(TEREDO_V6).build();
    CoderProperties.coderDecodeEncodeEqual(PacketCoder.of(), inV6);
    assertThat(inV6.equals(V4), equalTo(false));
    byte[] bad = CoderUtils.encodeToByteArray(PacketCoder.of(), V4.toBuilder().tunnel(GTP).build());
    bad[40] = (byte) (TunnelType.values().length + 1); // the tunnel type code after the lengths
    assertThrows(
        org.apache.beam.sdk.coders.CoderException.class,
        () -> CoderUtils.decodeFromByteArray(PacketCoder.of(), bad));
  }

  /**
   * A fragment holds a packet's tunnel in two spare bits of its direction byte unless the tunnel
   * changes: packets outside tunnels cost nothing more, and a conversation through one tunnel pays
   * for it once, replies (the tunnel reversed) included.
   */
  @Test
  void fragmentsCarryTunnelsAndPayForThemOnlyWhenTheyChange() throws Exception {
    List<Packet> plain =
        org.flowbeam.testing.Trace.between("10.0.0.1", 40000, "10.0.0.2", 80)
            .at(1_000)
            .handshake()
            .clientData(100)
            .serverData(20)
            .packets();
    FlowKey key = FlowKey.of(plain.get(0));
    List<Packet> tunnelled = new java.util.ArrayList<>();
    for (Packet p : plain) {
      boolean fromClient = p.srcIpText().equals("10.0.0.1");
      tunnelled.add(p.toBuilder().tunnel(fromClient ? GTP : GTP.reversed()).build());
    }
    int plainBytes = PacketFragment.of(key, plain).encodedUnsafe().length;
    PacketFragment once = PacketFragment.of(key, tunnelled);
    assertThat(once.packets(), equalTo(tunnelled));
    assertThat(once.encodedUnsafe().length, equalTo(plainBytes + 2 + 8));
    CoderProperties.coderDecodeEncodeEqual(PacketFragmentCoder.of(), once);

    List<Packet> mixed = new java.util.ArrayList<>(tunnelled);
    mixed.set(1, plain.get(1));
    mixed.set(2, plain.get(2).toBuilder().tunnel(TEREDO_V6).build());
    mixed.set(
        3,
        plain.get(3).toBuilder().tunnel(Tunnel.of(TunnelType.GRE, "10.9.9.9", "10.8.8.8")).build());
    PacketFragment changing = PacketFragment.of(key, mixed);
    assertThat(changing.packets(), equalTo(mixed));
    CoderProperties.coderDecodeEncodeEqual(PacketFragmentCoder.of(), changing);
    PacketFragment decoded =
        CoderUtils.decodeFromByteArray(
            PacketFragmentCoder.of(),
            CoderUtils.encodeToByteArray(PacketFragmentCoder.of(), changing));
    for (int i = 0; i < mixed.size(); i++) {
      assertThat(decoded.packets().get(i).tunnel(), equalTo(mixed.get(i).tunnel()));
    }
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
