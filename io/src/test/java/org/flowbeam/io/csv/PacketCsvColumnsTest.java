package org.flowbeam.io.csv;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.arrayWithSize;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.flowbeam.io.csv.CsvColumns.Field;
import org.junit.jupiter.api.Test;

class PacketCsvColumnsTest {
  @Test
  void missingRequiredColumnsAreNamedWithTheFile() {
    PacketCsvFormatException e =
        assertThrows(
            PacketCsvFormatException.class,
            () -> CsvColumns.fromHeader("/data/x.csv", "timestamp,src_ip,dst_port"));
    assertThat(
        e.getMessage(),
        equalTo(
            "/data/x.csv: missing required columns dst_ip, length (header: timestamp,src_ip,"
                + "dst_port)"));
  }

  @Test
  void oneMissingColumn() {
    PacketCsvFormatException e =
        assertThrows(
            PacketCsvFormatException.class,
            () -> CsvColumns.fromHeader("f", "timestamp,src_ip,dst_ip"));
    assertThat(
        e.getMessage(),
        equalTo("f: missing required column length (header: timestamp," + "src_ip,dst_ip)"));
  }

  @Test
  void duplicateColumnIsAnError() {
    PacketCsvFormatException e =
        assertThrows(
            PacketCsvFormatException.class,
            () -> CsvColumns.fromHeader("f", "timestamp,src_ip,dst_ip,length,Length"));
    assertThat(e.getMessage(), equalTo("f: column 'length' appears twice"));
  }

  @Test
  void aliasesAreOrderedByPriorityNotHeaderPosition() {
    CsvColumns c = CsvColumns.fromHeader("f", "ipv6.src,ip.src,ip.dst,frame.time_epoch,frame.len");
    assertThat(c.get(Field.SRC), arrayWithSize(2));
    assertThat(c.get(Field.SRC)[0].name(), equalTo("ip.src"));
    assertThat(c.get(Field.SRC)[1].name(), equalTo("ipv6.src"));
    assertThat(c.width(), equalTo(5));
    assertThat(c.has(Field.PROTOCOL), equalTo(false));
  }

  @Test
  void emptyHeaderLacksEverything() {
    assertThrows(PacketCsvFormatException.class, () -> CsvColumns.fromHeader("f", ""));
  }
}
