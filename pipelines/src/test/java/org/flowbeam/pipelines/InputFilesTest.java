package org.flowbeam.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs are sorted by their first bytes, gzip looked through, never by their names. */
class InputFilesTest {
  private static final byte[] PCAP_LE = {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0};
  private static final byte[] PCAPNG = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0};
  private static final byte[] CSV = "timestamp,src_ip,dst_ip,length\n".getBytes();
  private static final byte[] JUNK = {0, 1, 2, 3, 4, 5, 6, 7};

  @TempDir Path dir;

  private String write(String name, byte[] bytes, boolean gzip) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      out.write(bytes);
    }
    return f.toString();
  }

  @Test
  void sortsByMagicNumberThroughGzip() throws IOException {
    String pcap = write("a.csv", PCAP_LE, false);
    String pcapng = write("b.txt", PCAPNG, true);
    String csv = write("c.pcap", CSV, true);
    String empty = write("d.csv", new byte[0], false);
    String junk = write("e.bin", JUNK, false);
    InputFiles in =
        InputFiles.classify(List.of(pcap, pcapng, csv, empty, junk), FlowBeamOptions.Format.AUTO);
    assertThat(in.captures(), contains(pcap, pcapng));
    assertThat(in.csv(), contains(csv, empty));
    assertThat(in.rejected(), hasSize(1));
    assertThat(in.rejected().get(0).file(), containsString("e.bin"));
  }

  @Test
  void aLoneUnknownFileIsAUsageError() throws IOException {
    String junk = write("junk.pcap", JUNK, false);
    UsageException e =
        assertThrows(
            UsageException.class,
            () -> InputFiles.classify(List.of(junk), FlowBeamOptions.Format.AUTO));
    assertThat(e.getMessage(), containsString(junk));
  }

  @Test
  void aForcedFormatSkipsDetection() throws IOException {
    String junk = write("junk.bin", JUNK, false);
    InputFiles in = InputFiles.classify(List.of(junk), FlowBeamOptions.Format.PCAP);
    assertThat(in.captures(), contains(junk));
    assertThat(in.csv(), empty());
    assertThat(
        EnumOption.parse(FlowBeamOptions.Format.class, "CSV"),
        org.hamcrest.Matchers.is(FlowBeamOptions.Format.CSV));
    assertThrows(
        UsageException.class, () -> EnumOption.parse(FlowBeamOptions.Format.class, "parquet"));
  }
}
