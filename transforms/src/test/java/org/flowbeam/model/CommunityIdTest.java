package org.flowbeam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CommunityId} against the specification's published vectors: the tables of the spec's
 * {@code baseline/README.md} (default seed and seed 1), its JSON baselines (in {@code
 * resources/CommunityIdTest/}), and pycommunityid's unit tests, for TCP, UDP, SCTP, ICMP, ICMPv6
 * and a port-less protocol over IPv4 and IPv6.
 */
class CommunityIdTest {
  private static final String V6_A = "fe80:0001:0203:0405:0607:0809:0A0B:0C0D";
  private static final String V6_B = "fe80:1011:1213:1415:1617:1819:1A1B:1C1D";

  private static String id(int seed, int protocol, String src, String dst, int sport, int dport) {
    return CommunityId.withSeed(seed)
        .of(protocol, IpAddresses.parse(src), IpAddresses.parse(dst), sport, dport);
  }

  /** The spec's baseline tables: each row with the default seed and with seed 1. */
  @ParameterizedTest(name = "{0} {1}:{3} > {2}:{4}")
  @CsvSource({
    // protocol, src, dst, sport, dport, seed 0, seed 1
    "6, 1.2.3.4, 5.6.7.8, 1122, 3344, 1:wCb3OG7yAFWelaUydu0D+125CLM=, 1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=",
    "6, 5.6.7.8, 1.2.3.4, 3344, 1122, 1:wCb3OG7yAFWelaUydu0D+125CLM=, 1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=",
    "17, 1.2.3.4, 5.6.7.8, 1122, 3344, 1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=, 1:OShq+iKDAMVouh/4bMxB9Sz4amw=",
    "17, 5.6.7.8, 1.2.3.4, 3344, 1122, 1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=, 1:OShq+iKDAMVouh/4bMxB9Sz4amw=",
    "132, 1.2.3.4, 5.6.7.8, 1122, 3344, 1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=, 1:uitchpn5MMGAQKBJh7bIr/bAr7s=",
    "132, 5.6.7.8, 1.2.3.4, 3344, 1122, 1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=, 1:uitchpn5MMGAQKBJh7bIr/bAr7s=",
    // ICMP echo request and its reply (type in sport, code in dport) share an id.
    "1, 1.2.3.4, 5.6.7.8, 8, 0, 1:crodRHL2FEsHjbv3UkRrfbs4bZ0=, 1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
    "1, 5.6.7.8, 1.2.3.4, 0, 0, 1:crodRHL2FEsHjbv3UkRrfbs4bZ0=, 1:9pr4ZGTICiuZoIh90RRYE2RyXpU=",
    // Time exceeded is one-way.
    "1, 1.2.3.4, 5.6.7.8, 11, 0, 1:f/YiSyWqczrTgfUCZlBUnvHRcPk=, 1:1DD7cWGC/Yg91YGsQeni8du3pIA=",
    "58, "
        + V6_A
        + ", "
        + V6_B
        + ", 128, 0, 1:0bf7hyMJUwt3fMED7z8LIfRpBeo=,"
        + " 1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
    "58, "
        + V6_B
        + ", "
        + V6_A
        + ", 129, 0, 1:0bf7hyMJUwt3fMED7z8LIfRpBeo=,"
        + " 1:IO27GQzPuCtNnwFvjWALMHu5tJE=",
    "58, "
        + V6_A
        + ", "
        + V6_B
        + ", 146, 0, 1:fYC8+pz24E+EhANP1EZhpX0Dw10=,"
        + " 1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=",
    // RSVP has no ports: whatever is passed as ports is not hashed.
    "46, 1.2.3.4, 5.6.7.8, 0, 0, 1:ikv3kmf89luf73WPz1jOs49S768=, 1:/buhqeOmaRCopOZFy9HnoJd5XW8=",
    "46, 5.6.7.8, 1.2.3.4, 7, 9, 1:ikv3kmf89luf73WPz1jOs49S768=, 1:/buhqeOmaRCopOZFy9HnoJd5XW8=",
    "46, "
        + V6_A
        + ", "
        + V6_B
        + ", 0, 0, 1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=,"
        + " 1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=",
    "46, "
        + V6_B
        + ", "
        + V6_A
        + ", 0, 0, 1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=,"
        + " 1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=",
  })
  void baselineTables(
      int protocol, String src, String dst, int sport, int dport, String seed0, String seed1) {
    assertThat(id(0, protocol, src, dst, sport, dport), equalTo(seed0));
    assertThat(id(1, protocol, src, dst, sport, dport), equalTo(seed1));
  }

  /** pycommunityid's unit tests (its default and seed-1 columns). */
  @ParameterizedTest(name = "{0} {1}:{3} > {2}:{4}")
  @CsvSource({
    "1, 192.168.0.89, 192.168.0.1, 8, 0, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=, 1:03g6IloqVBdcZlPyX8r0hgoE7kA=",
    "1, 192.168.0.1, 192.168.0.89, 0, 8, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=, 1:03g6IloqVBdcZlPyX8r0hgoE7kA=",
    // Type 20 has no counterpart: the code is hashed, so codes 0 and 1 differ ...
    "1, 192.168.0.89, 192.168.0.1, 20, 0, 1:3o2RFccXzUgjl7zDpqmY7yJi8rI=, 1:lCXHHxavE1Vq3oX9NH5ladQg02o=",
    "1, 192.168.0.89, 192.168.0.1, 20, 1, 1:tz/fHIDUHs19NkixVVoOZywde+I=, 1:Ie3wmFyxiEyikbsbcO03d2nh+PM=",
    // ... while an echo reply's code is ignored.
    "1, 192.168.0.1, 192.168.0.89, 0, 20, 1:X0snYXpgwiv9TZtqg64sgzUn6Dk=, 1:03g6IloqVBdcZlPyX8r0hgoE7kA=",
    "58, fe80::200:86ff:fe05:80da, fe80::260:97ff:fe07:69ea, 135, 0, 1:dGHyGvjMfljg6Bppwm3bg0LO8TY=,"
        + " 1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=",
    "58, fe80::260:97ff:fe07:69ea, fe80::200:86ff:fe05:80da, 136, 0, 1:dGHyGvjMfljg6Bppwm3bg0LO8TY=,"
        + " 1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=",
    // Destination unreachable is one-way: the two directions differ.
    "58, 3ffe:507:0:1:260:97ff:fe07:69ea, 3ffe:507:0:1:200:86ff:fe05:80da, 3, 0,"
        + " 1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=, 1:OlOWx9psIbBFi7lOCw/4MhlKR9M=",
    "58, 3ffe:507:0:1:200:86ff:fe05:80da, 3ffe:507:0:1:260:97ff:fe07:69ea, 3, 0,"
        + " 1:/OGBt9BN1ofenrmSPWYicpij2Vc=, 1:Ij4ZxnC87/MXzhOjvH2vHu7LRmE=",
    "132, 192.168.170.8, 192.168.170.56, 7, 80, 1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=,"
        + " 1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU=",
    "132, 192.168.170.56, 192.168.170.8, 80, 7, 1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=,"
        + " 1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU=",
    "6, 128.232.110.120, 66.35.250.204, 34855, 80, 1:LQU9qZlK+B5F3KDmev6m5PMibrg=,"
        + " 1:3V71V58M3Ksw/yuFALMcW0LAHvc=",
    "6, 66.35.250.204, 128.232.110.120, 80, 34855, 1:LQU9qZlK+B5F3KDmev6m5PMibrg=,"
        + " 1:3V71V58M3Ksw/yuFALMcW0LAHvc=",
    // pycommunityid issue 3: ports compared as numbers, not as text.
    "6, 10.0.0.1, 10.0.0.2, 10, 11569, 1:SXBGMX1lBOwhhoDrZynfROxnhnM=, 1:HmBRGR+fUyXF4t8WEtal7Y0gEAo=",
    "17, 192.168.1.52, 8.8.8.8, 54585, 53, 1:d/FP5EW3wiY1vCndhwleRRKHowQ=, 1:Q9We8WO3piVF8yEQBNJF4uiSVrI=",
    "17, 8.8.8.8, 192.168.1.52, 53, 54585, 1:d/FP5EW3wiY1vCndhwleRRKHowQ=, 1:Q9We8WO3piVF8yEQBNJF4uiSVrI=",
    "46, 10.1.24.4, 10.1.12.1, 0, 0, 1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=, 1:BK3BVW3U2eemuwVQVN3zd/GULno=",
    "46, 10.1.12.1, 10.1.24.4, 0, 0, 1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=, 1:BK3BVW3U2eemuwVQVN3zd/GULno=",
  })
  void pycommunityidVectors(
      int protocol, String src, String dst, int sport, int dport, String seed0, String seed1) {
    assertThat(id(0, protocol, src, dst, sport, dport), equalTo(seed0));
    assertThat(id(1, protocol, src, dst, sport, dport), equalTo(seed1));
  }

  /** pycommunityid's command-line test: the same tuple with equal addresses ordered by port. */
  @Test
  void equalAddressesAreOrderedByPort() {
    assertThat(id(0, 6, "10.0.0.1", "10.0.0.2", 10, 20), equalTo("1:9j2Dzwrw7T9E+IZi4b4IVT66HBI="));
    String a = id(0, 6, "10.0.0.1", "10.0.0.1", 80, 40000);
    assertThat(id(0, 6, "10.0.0.1", "10.0.0.1", 40000, 80), equalTo(a));
    assertThat(id(0, 17, "10.0.0.1", "10.0.0.1", 40000, 80), not(equalTo(a)));
  }

  @Test
  void everyJsonBaselineRowWithTheDefaultSeed() throws IOException {
    assertThat(baselineMismatches("baseline_deflt.json", 0), equalTo(List.of()));
  }

  @Test
  void everyJsonBaselineRowWithSeedOne() throws IOException {
    assertThat(baselineMismatches("baseline_seed1.json", 1), equalTo(List.of()));
  }

  /** The rows of a spec baseline whose id differs from ours; fails if the file has no rows. */
  private static List<String> baselineMismatches(String resource, int seed) throws IOException {
    JsonNode rows;
    try (InputStream in =
        CommunityIdTest.class.getResourceAsStream("/CommunityIdTest/" + resource)) {
      rows = new ObjectMapper().readTree(in);
    }
    assertThat(rows.size(), equalTo(23));
    List<String> mismatches = new ArrayList<>();
    for (JsonNode r : rows) {
      int sport = r.get("sport").isNull() ? 0 : r.get("sport").asInt();
      int dport = r.get("dport").isNull() ? 0 : r.get("dport").asInt();
      String ours =
          id(
              seed,
              r.get("proto").asInt(),
              r.get("saddr").asText(),
              r.get("daddr").asText(),
              sport,
              dport);
      if (!ours.equals(r.get("communityid").asText())) {
        mismatches.add(r + " -> " + ours);
      }
    }
    return mismatches;
  }

  @Test
  void aFlowIsHashedFromItsInitiatorsTuple() {
    FlowRecord flow =
        new FlowRecord(
            "f",
            "66.35.250.204",
            80,
            "128.232.110.120",
            34855,
            IpProtocol.TCP,
            0,
            1,
            1,
            1,
            60,
            60,
            FlagCounts.of(new long[8]),
            false,
            FlowState.ONGOING,
            InvalidReason.NONE,
            CloseReason.END_OF_DATA,
            ConnSummary.UNKNOWN,
            List.of());
    assertThat(CommunityId.DEFAULT.of(flow), equalTo("1:LQU9qZlK+B5F3KDmev6m5PMibrg="));
    assertThat(CommunityId.withSeed(1).of(flow), equalTo("1:3V71V58M3Ksw/yuFALMcW0LAHvc="));
  }

  @Test
  void theSeedIsSixteenBits() {
    assertThat(CommunityId.withSeed(0), sameInstance(CommunityId.DEFAULT));
    assertThat(CommunityId.withSeed(65535).seed(), equalTo(65535));
    // Seeds equal in their low byte hash differently: both bytes are hashed.
    assertThat(
        id(256, 6, "1.2.3.4", "5.6.7.8", 1122, 3344),
        not(equalTo(id(0, 6, "1.2.3.4", "5.6.7.8", 1122, 3344))));
    for (int bad : new int[] {-1, 65536}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CommunityId.withSeed(bad));
      assertThat(e.getMessage(), containsString("between 0 and 65535"));
    }
  }

  @Test
  void refusesInputsTheHashCannotHold() {
    byte[] v4 = IpAddresses.parse("1.2.3.4");
    byte[] v6 = IpAddresses.parse("::1");
    CommunityId c = CommunityId.DEFAULT;
    List<Runnable> bad =
        List.of(
            () -> c.of(6, v4, v6, 1, 2),
            () -> c.of(6, new byte[5], new byte[5], 1, 2),
            () -> c.of(256, v4, v4, 1, 2),
            () -> c.of(6, v4, v4, 65536, 2),
            () -> c.of(17, v4, v4, 1, -1));
    for (Runnable r : bad) {
      assertThrows(IllegalArgumentException.class, r::run);
    }
  }
}
