package org.flowbeam.io.sink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestWriterTest {
  @TempDir Path dir;

  @Test
  void writesPrettyJsonInKeyOrderAndReplacesAtomically() throws Exception {
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("version", "2.0");
    first.put("time_range", Map.of("start", 1L));
    ManifestWriter.write(dir, first);

    Map<String, Object> own = new LinkedHashMap<>();
    own.put("records_read", 15L);
    own.put("inputs", List.of("a.csv"));
    own.put("version", "2.0");
    Map<String, Object> merged = ManifestWriter.merge(first, own);
    Path written = ManifestWriter.write(dir, merged);

    assertThat(written, equalTo(dir.resolve("manifest.json")));
    String text = Files.readString(written);
    assertThat(
        text,
        equalTo(
            "{\n"
                + "  \"version\" : \"2.0\",\n"
                + "  \"time_range\" : {\n"
                + "    \"start\" : 1\n"
                + "  },\n"
                + "  \"records_read\" : 15,\n"
                + "  \"inputs\" : [ \"a.csv\" ]\n"
                + "}\n"));
    assertThat(
        new ArrayList<>(ManifestWriter.parse(text).keySet()),
        contains("version", "time_range", "records_read", "inputs"));
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(
          s.map(p -> p.getFileName().toString()).collect(Collectors.toList()),
          contains("manifest.json"));
    }
  }
}
