package org.flowbeam.io.sink;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.TimeBin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Partition paths: UTC date and hour of a time, run partitions, and what a path may hold. */
class HivePartitionsTest {
  private static final DateTimeFormatter HIVE_HOUR =
      DateTimeFormatter.ofPattern("'date='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

  private static long micros(String instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1970-01-01T00:00:00Z",
        "2026-12-03T09:00:00Z",
        "2026-12-03T09:59:59.999999Z",
        "2026-12-03T23:59:59.999999Z",
        "2026-12-04T00:00:00Z",
        "2024-02-29T13:30:00.5Z",
        "1969-12-31T23:59:59.999999Z",
        "1960-06-01T05:00:00Z"
      })
  void theHourIsTheUtcHourOfTheInstant(String instant) {
    assertThat(
        HivePartitions.hourOf(micros(instant)), equalTo(HIVE_HOUR.format(Instant.parse(instant))));
  }

  @Test
  void hoursChangeExactlyOnTheHourAndTheDateAtMidnight() {
    long midnight = micros("2026-12-04T00:00:00Z");
    assertThat(HivePartitions.hourOf(midnight - 1), equalTo("date=2026-12-03/hour=23"));
    assertThat(HivePartitions.hourOf(midnight), equalTo("date=2026-12-04/hour=00"));
    assertThat(HivePartitions.hourOf(-1), equalTo("date=1969-12-31/hour=23"));
  }

  @Test
  void timeBinsGoToTheHourOfTheirStart() {
    long start = micros("2026-12-03T09:59:59.500Z");
    TimeBin bin = new TimeBin(start, start + 1_000_000, 1, 60, FlagCounts.ZERO, 0);
    assertThat(HivePartitions.timeBinsByStartHour().apply(bin), equalTo("date=2026-12-03/hour=09"));
  }

  @Test
  void aRunPartitionIsTheSameForEveryRecord() {
    assertThat(
        HivePartitions.<String>run("20261203T100000Z-1a2b").apply("anything"),
        equalTo("run=20261203T100000Z-1a2b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "../x", "a/b", ".hidden", "_meta", "run id", "x\ny"})
  void refusesARunIdThatIsNotAPlainName(String runId) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HivePartitions.checkRunId(runId));
    assertThat(e.getMessage(), containsString("run id must be"));
  }

  @Test
  void refusesARunIdOfMoreThanAHundredCharacters() {
    String ok = "a".repeat(100);
    assertThat(HivePartitions.checkRunId(ok), equalTo(ok));
    assertThrows(IllegalArgumentException.class, () -> HivePartitions.checkRunId(ok + "a"));
  }

  @Test
  void acceptsKeyValueDirectories() {
    for (String ok :
        List.of("date=2026-12-03/hour=09", "run=20261203T100000Z-1a2b", "date=+10000-01-01")) {
      assertThat(HivePartitions.checkPartition(ok), equalTo(ok));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/date=2026-12-03",
        "date=2026-12-03/",
        "date=2026-12-03//hour=09",
        "../date=x",
        "date=x/../y",
        "date",
        "date=",
        "=x",
        "date=a b"
      })
  void refusesAnythingElseAsAPartitionPath(String partition) {
    assertThrows(IllegalArgumentException.class, () -> HivePartitions.checkPartition(partition));
  }
}
