package org.flowbeam.io.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PacketCsvIpMapTest {
  @Test
  void parsesAndInverts() {
    IpMap m =
        IpMap.parseJson(
            "\uFEFF { \"172.28.185.51\": 1,\n \"2001:db8::1\" : 2, \"60.203.52.184\":30 }", "m");
    assertThat(
        m.asMap(), equalTo(Map.of(1, "172.28.185.51", 2, "2001:db8::1", 30, "60.203.52.184")));
    assertThat(m.lookup(3), nullValue());
    assertThat(IpMap.parseJson("{}", "m").isEmpty(), equalTo(true));
  }

  @Test
  void escapesInKeys() {
    assertThat(
        IpMap.parseJson("{\"1\\u002e2.3.4\": 5}", "m").asMap(), equalTo(Map.of(5, "1.2.3.4")));
  }

  @Test
  void refusesWhatIsNotAFlatMap() {
    for (String bad :
        new String[] {
          "",
          "[]",
          "{\"1.2.3.4\": 1",
          "{\"1.2.3.4\": 1.5}",
          "{\"1.2.3.4\": \"1\"}",
          "{\"1.2.3.4\": 1,}",
          "{\"1.2.3.4\": 1} x",
          "{\"1.2.3.4\": -1}",
          "{\"nohost\": 1}",
          "{\"1.2.3.4\": 1, \"1.2.3.4\": 2}",
          "{\"1.2.3.4\": 1, \"5.6.7.8\": 1}",
          "{\"1.2.3.4\": 99999999999}"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> IpMap.parseJson(bad, "map.json"), bad);
      assertThat(bad, e.getMessage(), containsString("map.json"));
    }
  }
}
