package org.flowbeam.io.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.flowbeam.io.fuzz.AllocationMeter;
import org.flowbeam.model.IpAddresses;

/**
 * Fuzzes the IP map file parser ({@link IpMap#parseJson}). Input: the file's bytes (UTF-8); the
 * seeds in {@code IpMapFuzzTestInputs/} are the repository's map files and a few escapes and
 * families (src/fuzz/seeds.py).
 *
 * <p>The contract checked: a map, or an {@link IllegalArgumentException} whose message is one line
 * starting with the file's name; a map written back as JSON (canonical address text) parses to the
 * same map, and every id looks up the address {@link IpMap#asMap} shows; allocation is in
 * proportion to the text.
 */
class IpMapFuzzTest {
  private static final String NAME = "map.json";

  @FuzzTest
  void parseJson(byte[] input) throws Exception {
    String json = new String(input, StandardCharsets.UTF_8);
    IpMap map;
    try {
      map = IpMap.parseJson(json, NAME);
    } catch (IllegalArgumentException e) {
      assertNotNull(e.getMessage());
      assertTrue(e.getMessage().startsWith(NAME + ": "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "not one line: " + e.getMessage());
      return;
    }
    AllocationMeter.check(
        AllocationMeter.steady(() -> IpMap.parseJson(json, NAME)),
        64 * 1024 + 256L * json.length(),
        "parsing an IP map of " + json.length() + " chars");
    Map<Integer, String> entries = map.asMap();
    assertEquals(map.size(), entries.size());
    for (Map.Entry<Integer, String> e : entries.entrySet()) {
      assertEquals(e.getValue(), IpAddresses.format(map.lookup(e.getKey())));
    }
    String back =
        entries.entrySet().stream()
            .map(e -> "\"" + e.getValue() + "\": " + e.getKey())
            .collect(Collectors.joining(", ", "{", "}"));
    assertEquals(entries, IpMap.parseJson(back, NAME).asMap(), "written back: " + back);
  }
}
