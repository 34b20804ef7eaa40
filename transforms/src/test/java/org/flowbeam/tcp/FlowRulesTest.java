package org.flowbeam.tcp;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.flowbeam.model.FlowProtocol;
import org.flowbeam.model.IpProtocol;
import org.junit.jupiter.api.Test;

class FlowRulesTest {
  private static final FlowRules FORMER =
      FlowRules.defaults().withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US);

  @Test
  void byDefaultNoCloseLingerEverPasses() {
    FlowRules rules = FlowRules.defaults();
    assertThat(rules.closeLingerUs(), equalTo(FlowRules.NO_CLOSE_LINGER_LIMIT));
    assertThat(rules.closeLingerPassed(0, 0), is(false));
    assertThat(rules.closeLingerPassed(0, 3_000_000_000_000L), is(false));
    assertThat(rules.closeLingerPassed(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2), is(false));
  }

  @Test
  void aSetLingerPassesStrictlyAfterItsLength() {
    assertThat(FORMER.closeLingerPassed(1_000_000, 3_000_000), is(false));
    assertThat(FORMER.closeLingerPassed(1_000_000, 3_000_001), is(true));
    FlowRules zero = FlowRules.defaults().withCloseLingerUs(0);
    assertThat(zero.closeLingerPassed(5, 5), is(false));
    assertThat(zero.closeLingerPassed(5, 6), is(true));
  }

  @Test
  void negativeLingerIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> FlowRules.defaults().withCloseLingerUs(-1));
  }

  @Test
  void readsAsTheOptionsThatSetIt() {
    assertThat(
        FlowRules.defaults().toString(),
        equalTo(
            "FlowRules[protocols tcp,udp,icmp, idle timeout 300 s, UDP idle timeout 60 s, ICMP idle"
                + " timeout 60 s, active timeout off, close linger none, packets not retained]"));
    assertThat(
        FORMER
            .withActiveTimeoutUs(1_500)
            .withRetainPackets(true)
            .withProtocols(Set.of(FlowProtocol.ICMP, FlowProtocol.TCP))
            .withUdpIdleTimeoutUs(30_000_000)
            .toString(),
        equalTo(
            "FlowRules[protocols tcp,icmp, idle timeout 300 s, UDP idle timeout 30 s, ICMP idle"
                + " timeout 60 s, active timeout 0.0015 s, close linger 2 s, packets retained]"));
  }

  @Test
  void eachProtocolHasItsIdleTimeoutAndTheProtocolsAskedForMakeFlows() {
    FlowRules rules =
        FlowRules.defaults()
            .withUdpIdleTimeoutUs(10)
            .withIcmpIdleTimeoutUs(20)
            .withProtocols(Set.of(FlowProtocol.UDP, FlowProtocol.ICMP));
    assertThat(rules.idleTimeoutUs(IpProtocol.TCP), equalTo(FlowRules.DEFAULT_IDLE_TIMEOUT_US));
    assertThat(rules.idleTimeoutUs(IpProtocol.UDP), equalTo(10L));
    assertThat(rules.idleTimeoutUs(IpProtocol.ICMP), equalTo(20L));
    assertThat(rules.idleTimeoutUs(IpProtocol.ICMPV6), equalTo(20L));
    assertThat(rules.makesFlows(IpProtocol.TCP), is(false));
    assertThat(rules.makesFlows(IpProtocol.ICMPV6), is(true));
    assertThat(rules.makesFlows(47), is(false));
    assertThrows(IllegalArgumentException.class, () -> rules.withProtocols(Set.of()));
    assertThrows(IllegalArgumentException.class, () -> rules.withUdpIdleTimeoutUs(0));
  }
}
