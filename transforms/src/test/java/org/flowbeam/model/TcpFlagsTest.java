package org.flowbeam.model;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The TimeArcs {@code flag_type} names, AE and the reserved bits included. */
class TcpFlagsTest {
  @Test
  void theFourCombinationsKeepTheirNamesOnlyWhenExactlyThoseFlagsAreSet() {
    assertThat(TcpFlags.typeName(0x12), equalTo("SYN+ACK"));
    assertThat(TcpFlags.typeName(0x11), equalTo("FIN+ACK"));
    assertThat(TcpFlags.typeName(0x18), equalTo("PSH+ACK"));
    assertThat(TcpFlags.typeName(0x14), equalTo("RST+ACK"));
    assertThat(TcpFlags.typeName(0x112), equalTo("ACK+AE+SYN"));
    assertThat(TcpFlags.typeName(0x52), equalTo("ACK+ECE+SYN"));
  }

  @Test
  void aeAndTheReservedBitsHaveNames() {
    // tshark 4.0: tcp.flags 0x0110 is "···A···A····" (AE and ACK); 0x0e12 is "RRR····A··S·".
    assertThat(TcpFlags.typeName(0x110), equalTo("ACK+AE"));
    assertThat(TcpFlags.typeName(0xe12), equalTo("ACK+RES+SYN"));
    assertThat(TcpFlags.typeName(0x100), equalTo("AE"));
    assertThat(TcpFlags.typeName(0x200), equalTo("RES"));
    assertThat(TcpFlags.typeName(0x400), equalTo("RES"));
    assertThat(TcpFlags.typeName(0x800), equalTo("RES"));
    assertThat(TcpFlags.typeName(0xfff), equalTo("ACK+AE+CWR+ECE+FIN+PSH+RES+RST+SYN+URG"));
    assertThat(TcpFlags.typeName(0), equalTo("NONE"));
  }

  @Test
  void namesAreSortedSetsOfTheFlagNames() {
    // Independent of the implementation: rebuild each name from the bits and compare.
    String[] bitNames = {
      "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE", "RES", "RES", "RES"
    };
    Set<String> seen = new HashSet<>();
    for (int f = 1; f <= TcpFlags.ALL; f++) {
      java.util.TreeSet<String> names = new java.util.TreeSet<>();
      for (int i = 0; i < 12; i++) {
        if ((f & (1 << i)) != 0) {
          names.add(bitNames[i]);
        }
      }
      String name = TcpFlags.typeName(f);
      if (f != 0x12 && f != 0x11 && f != 0x18 && f != 0x14) {
        assertThat("flags " + f, name, equalTo(String.join("+", names)));
      }
      seen.add(name);
    }
    // 2^10 subsets of the ten names, less the empty one.
    assertThat(seen.size(), equalTo(1023));
  }
}
