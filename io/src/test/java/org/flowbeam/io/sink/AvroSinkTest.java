package org.flowbeam.io.sink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.flowbeam.model.FlowRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sinks outside a pipeline: byte-level determinism and schema/columns agreement. */
class AvroSinkTest {
  @TempDir Path dir;

  private static <T> byte[] write(FileIO.Sink<T> sink, List<T> rows) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (WritableByteChannel ch = Channels.newChannel(bytes)) {
      sink.open(ch);
      for (T r : rows) {
        sink.write(r);
      }
      sink.flush();
    }
    return bytes.toByteArray();
  }

  @Test
  void sameRowsGiveTheSameBytes() throws Exception {
    List<FlowRecord> flows = SinkFixtures.flows(30);
    byte[] a = write(RecordFormats.FLOWS.avroSink(), flows);
    byte[] b = write(RecordFormats.FLOWS.avroSink(), flows);
    assertThat(Arrays.equals(a, b), equalTo(true));
    Path f = dir.resolve("x.avro");
    Files.write(f, a);
    assertThat(SinkFixtures.avroCodec(f), equalTo("deflate"));
    assertThat(SinkFixtures.avroRows(f, "/avro/flow.avsc").size(), equalTo(30));
  }

  @Test
  void csvSinkWritesHeaderThenRows() throws Exception {
    byte[] csv = write(RecordFormats.FLOWS.csvSink(), SinkFixtures.flows(2));
    Path f = dir.resolve("x.csv");
    Files.write(f, csv);
    assertThat(SinkFixtures.csvHeader(f), equalTo(RecordFormats.FLOWS.columns()));
    assertThat(SinkFixtures.csvRows(f).size(), equalTo(2));
    assertThat(
        new String(csv, java.nio.charset.StandardCharsets.UTF_8).contains("\r"), equalTo(false));
  }

  @Test
  void everySchemaShipsInTheJarAndMatchesItsColumns() {
    for (RecordFormat<?> f :
        List.of(
            RecordFormats.FLOWS,
            RecordFormats.IP_STATS,
            RecordFormats.FLAG_STATS,
            RecordFormats.TIME_BINS,
            RecordFormats.REJECTED)) {
      assertThat(
          f.avroSchema().getFields().stream()
              .map(x -> x.name())
              .collect(java.util.stream.Collectors.toList()),
          equalTo(f.columns()));
    }
    assertThat(
        List.of(
            RecordFormats.FLOWS.name(),
            RecordFormats.IP_STATS.name(),
            RecordFormats.REJECTED.name()),
        contains("flows", "ip_stats", "rejected"));
  }
}
