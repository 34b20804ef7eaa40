package org.flowbeam.pipelines.incremental;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Run ids name the UTC start and always sort after the previous run's. */
class RunIdTest {
  private static final Instant T = Instant.parse("2024-05-01T13:00:07.900Z");

  @Test
  void namesTheUtcStartSecondAndFourHexDigits() {
    String id = RunId.next(T, new Random(1), Optional.empty());
    assertThat(id, startsWith("20240501T130007Z-"));
    assertThat(id.length(), equalTo(21));
    assertThat(RunId.isValid(id), is(true));
    assertThat(RunId.isValid("20240501T130007Z-ABCD"), is(false));
    assertThat(RunId.isValid("2024-05-01"), is(false));
  }

  @Test
  void sortsAfterThePreviousRunInTheSameSecondOrAfterAClockStepBack() {
    Random random = new Random(7);
    String previous = "20240501T130007Z-ffff";
    String next = RunId.next(T, random, Optional.of(previous));
    assertThat(next, startsWith("20240501T130008Z-"));
    for (int i = 0; i < 1000; i++) {
      String id = RunId.next(T, random, Optional.of("20240501T130007Z-8000"));
      assertThat(id.compareTo("20240501T130007Z-8000"), greaterThan(0));
      assertThat(id, startsWith("20240501T130007Z-"));
    }
    String later = "20240501T150000Z-0001";
    assertThat(RunId.next(T, random, Optional.of(later)).compareTo(later), greaterThan(0));
  }
}
