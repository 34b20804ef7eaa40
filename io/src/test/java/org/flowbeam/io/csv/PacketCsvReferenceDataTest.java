package org.flowbeam.io.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flowbeam.io.RecordReader;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Reads the tshark-derived packet CSVs of the shared reference data and checks each packet count
 * against the {@code ip_packets} of its {@code .info} file. Skipped where the data is absent.
 */
class PacketCsvReferenceDataTest {
  private static final Pattern IP_PACKETS = Pattern.compile("ip_packets=(\\d+)");

  @Test
  void tcpEdgePacketCountsMatchTshark() throws IOException {
    String shared = System.getProperty("flowbeam.shared.data");
    Assumptions.assumeTrue(shared != null, "flowbeam.shared.data is not set");
    Path dir = Paths.get(shared, "refs", "tcp-edge");
    Assumptions.assumeTrue(Files.isDirectory(dir), dir + " is missing");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".packets.csv")).sorted().toList();
    }
    assertThat(files.size(), greaterThan(0));
    for (Path csv : files) {
      String base = csv.getFileName().toString().replace(".packets.csv", "");
      Matcher m = IP_PACKETS.matcher(Files.readString(dir.resolve(base + ".info")));
      assertThat(base + ".info has ip_packets", m.find(), equalTo(true));
      long expected = Long.parseLong(m.group(1));

      List<Packet> packets = new ArrayList<>();
      List<RejectedRecord> errors = new ArrayList<>();
      long framed = 0;
      try (SeekableByteChannel ch = Files.newByteChannel(csv);
          PacketCsvReader reader =
              PacketCsvReader.open(
                  csv.toString(), IpMap.empty(), PacketCsvReader.DEFAULT_MAX_ROW_BYTES, ch, 0)) {
        while (reader.advance()) {
          framed++;
          if (reader.kind() == RecordReader.Kind.PACKET) {
            packets.add(reader.packet());
          } else {
            errors.add(reader.error());
          }
        }
      }
      assertThat(base, errors, empty());
      assertThat(base, (long) packets.size(), equalTo(expected));
      assertThat(base, framed, equalTo(expected));
    }
  }
}
