package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.Packet;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --layout=timearcs} writes the TimeArcs v2.0 layout beside FlowBeam's own outputs. */
class TimeArcsLayoutJobTest {
  @TempDir Path dir;

  @Test
  void writesTheChunkedLayoutAndOneMergedManifest() throws Exception {
    Trace a = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_700_000_000_000_000L);
    a.handshake().clientData(100).closeByClient();
    Trace b = Trace.between("10.0.0.3", 50000, "10.0.0.2", 443).at(1_700_000_000_500_000L);
    b.syn().resetByServer();
    List<Packet> packets = new java.util.ArrayList<>(a.packets());
    packets.addAll(b.packets());
    Path input = JobFixtures.writeCsv(dir.resolve("in.csv"), packets);
    Path out = dir.resolve("out");
    JobFixtures.Run r =
        JobFixtures.run(
            "--runner=DirectRunner",
            "--input=" + input,
            "--output=" + out,
            "--layout=timearcs",
            "--flowsPerChunk=1");
    assertThat(r.err(), r.exitCode(), is(0));

    Map<String, Object> manifest = JobFixtures.manifest(out);
    assertThat(manifest.get("version"), equalTo("2.0"));
    assertThat(manifest.get("format"), equalTo("chunked"));
    assertThat(
        ((Number) manifest.get("total_packets")).longValue(), equalTo((long) packets.size()));
    assertThat(((Number) manifest.get("total_flows")).longValue(), equalTo(2L));
    assertThat(((Number) manifest.get("total_chunks")).longValue(), equalTo(2L));
    assertThat(manifest, hasKey("counts"));
    assertThat(manifest, hasKey("structure"));

    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(out.resolve("flows/flows_index.json").toFile());
    assertThat(index.size(), equalTo(2));
    JsonNode first = index.get(0);
    assertThat(first.get("key").asText(), equalTo("10.0.0.1:40000-10.0.0.2:80"));
    assertThat(first.get("state").asText(), equalTo("closed"));
    assertThat(first.get("totalPackets").asLong(), equalTo(8L));
    JsonNode chunk = json.readTree(out.resolve("flows/chunk_00000.json").toFile());
    assertThat(chunk.get(0).get("packets").size(), equalTo(8));
    assertThat(chunk.get(0).get("phases").get("establishment").size(), equalTo(3));
    assertThat(Files.readAllLines(out.resolve("packets.csv")), hasSize(packets.size() + 1));
    assertThat(json.readTree(out.resolve("indices/bins.json").toFile()).size(), equalTo(100));
    assertThat(
        json.readTree(out.resolve("ips/unique_ips.json").toFile()).toString(),
        equalTo("[\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\"]"));
    assertThat(JobFixtures.csvRows(out, "flows"), hasSize(2));
  }
}
