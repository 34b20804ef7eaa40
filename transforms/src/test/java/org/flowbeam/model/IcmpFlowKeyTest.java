package org.flowbeam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.flowbeam.testing.Datagrams;
import org.junit.jupiter.api.Test;

/**
 * ICMP messages get the ports of Zeek's connection tuple ({@link IcmpMessages}) and flow keys that
 * join a request with its reply, keep identifiers apart, and code as compactly as before for every
 * other key.
 */
class IcmpFlowKeyTest {
  private static Packet icmp(String src, String dst, int type, int code, int id) {
    return Datagrams.icmp(1, src, dst, type, code, id, 1, 98);
  }

  @Test
  void portsAreTheTypeAndTheCounterpartOrTheCode() {
    assertThat(icmp("10.0.0.1", "10.0.0.2", 8, 0, 1).dstPort(), equalTo(0));
    assertThat(icmp("10.0.0.1", "10.0.0.2", 0, 0, 1).dstPort(), equalTo(8));
    assertThat(icmp("10.0.0.1", "10.0.0.2", 13, 0, 1).dstPort(), equalTo(14));
    assertThat(icmp("10.0.0.1", "10.0.0.2", 3, 3, 0).dstPort(), equalTo(3));
    assertThat(icmp("10.0.0.1", "10.0.0.2", 11, 1, 0).dstPort(), equalTo(1));
    assertThat(icmp("2001:db8::1", "2001:db8::2", 128, 0, 1).dstPort(), equalTo(129));
    assertThat(icmp("2001:db8::1", "ff02::2", 133, 0, 0).dstPort(), equalTo(134));
    assertThat(icmp("2001:db8::1", "2001:db8::2", 1, 4, 0).dstPort(), equalTo(4));
    // ICMPv4 type numbers mean other things in ICMPv6 and the other way round.
    assertThat(icmp("2001:db8::1", "2001:db8::2", 8, 5, 0).dstPort(), equalTo(5));
    assertThat(icmp("10.0.0.1", "10.0.0.2", 128, 5, 0).dstPort(), equalTo(5));
  }

  @Test
  void everyPairIsSymmetric() {
    for (int protocol : new int[] {IpProtocol.ICMP, IpProtocol.ICMPV6}) {
      for (int type = 0; type < 256; type++) {
        int c = IcmpMessages.counterpart(protocol, type);
        if (c >= 0) {
          assertThat(IcmpMessages.counterpart(protocol, c), equalTo(type));
          assertThat(
              IcmpMessages.hasIdentifier(protocol, c),
              equalTo(IcmpMessages.hasIdentifier(protocol, type)));
        } else {
          assertThat(IcmpMessages.hasIdentifier(protocol, type), is(false));
        }
      }
    }
  }

  @Test
  void aRequestAndItsReplyShareAKey() {
    FlowKey request = FlowKey.of(icmp("10.0.0.1", "10.0.0.2", 8, 0, 77));
    FlowKey reply = FlowKey.of(icmp("10.0.0.2", "10.0.0.1", 0, 0, 77));
    assertThat(reply, equalTo(request));
    assertThat(request.icmpId(), equalTo(77));
    assertThat(request.toString(), equalTo("10.0.0.1:8-10.0.0.2:0/1#77"));
    FlowKey v6 = FlowKey.of(icmp("2001:db8::2", "2001:db8::1", 129, 0, 3));
    assertThat(v6, equalTo(FlowKey.of(icmp("2001:db8::1", "2001:db8::2", 128, 0, 3))));
  }

  @Test
  void identifiersAndTypesKeepConversationsApart() {
    FlowKey echo = FlowKey.of(icmp("10.0.0.1", "10.0.0.2", 8, 0, 77));
    assertThat(FlowKey.of(icmp("10.0.0.1", "10.0.0.2", 8, 0, 78)), not(equalTo(echo)));
    assertThat(FlowKey.of(icmp("10.0.0.1", "10.0.0.2", 13, 0, 77)), not(equalTo(echo)));
    // A one-way message has no identifier: the header's second word does not key it.
    FlowKey unreachable = FlowKey.of(icmp("10.0.0.2", "10.0.0.1", 3, 3, 5));
    assertThat(unreachable.icmpId(), equalTo(0));
    assertThat(unreachable, equalTo(FlowKey.of(icmp("10.0.0.2", "10.0.0.1", 3, 3, 6))));
    assertThat(unreachable.toString(), equalTo("10.0.0.1:3-10.0.0.2:3/1"));
  }

  @Test
  void portsThatAreNoIcmpTupleAreNotKeyedByIdentifier() {
    // A packet CSV row of an ICMP packet carries no type: ports 0 and 0 (or the ports an error
    // quotes), not an echo reply's tuple (0, 8).
    Packet row =
        Packet.builder()
            .src("10.0.0.1", 0)
            .dst("10.0.0.2", 0)
            .protocol(IpProtocol.ICMP)
            .seq(0x12345678L)
            .build();
    assertThat(FlowKey.of(row).hasIcmpId(), is(false));
    assertThat(FlowKey.of(row).icmpId(), equalTo(0));
  }

  @Test
  void theCoderAddsTwoBytesForAnIdentifierOnly() throws Exception {
    FlowKey tcp =
        FlowKey.of(
            Packet.builder()
                .src("10.0.0.1", 40000)
                .dst("10.0.0.2", 80)
                .protocol(IpProtocol.TCP)
                .build());
    FlowKey echo = FlowKey.of(icmp("10.0.0.1", "10.0.0.2", 8, 0, 65535));
    FlowKey error = FlowKey.of(icmp("10.0.0.1", "10.0.0.2", 3, 1, 9));
    assertThat(CoderUtils.encodeToByteArray(FlowKeyCoder.of(), tcp).length, equalTo(14));
    assertThat(CoderUtils.encodeToByteArray(FlowKeyCoder.of(), error).length, equalTo(14));
    assertThat(CoderUtils.encodeToByteArray(FlowKeyCoder.of(), echo).length, equalTo(16));
    for (FlowKey k : List.of(tcp, echo, error)) {
      CoderProperties.coderDecodeEncodeEqual(FlowKeyCoder.of(), k);
    }
  }

  @Test
  void aFragmentRefusesAPacketOfAnotherIdentifier() {
    Packet a = icmp("10.0.0.1", "10.0.0.2", 8, 0, 1);
    PacketFragment.Builder b = PacketFragment.builder(FlowKey.of(a)).add(a);
    b.add(icmp("10.0.0.2", "10.0.0.1", 0, 0, 1));
    assertThrows(
        IllegalArgumentException.class, () -> b.add(icmp("10.0.0.1", "10.0.0.2", 8, 0, 2)));
    assertThat(b.build().packets().get(1).icmpIdentifier(), equalTo(1));
  }

  @Test
  void typeAndCodeAreForIcmpOnlyAndInRange() {
    assertThrows(
        IllegalArgumentException.class, () -> Packet.builder().protocol(IpProtocol.UDP).icmp(8, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> Packet.builder().protocol(IpProtocol.ICMP).icmp(256, 0));
  }
}
