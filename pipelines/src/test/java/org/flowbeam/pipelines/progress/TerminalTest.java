package org.flowbeam.pipelines.progress;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class TerminalTest {
  @Test
  void aStreamOtherThanStandardErrorIsNoTerminal() {
    assertThat(
        Terminal.isInteractive(new PrintStream(new ByteArrayOutputStream())), equalTo(false));
  }

  @Test
  void theWidthIsColumnsWhenTheShellExportsIt() {
    assertThat(Terminal.width("120"), equalTo(120));
    assertThat(Terminal.width(null), equalTo(80));
    assertThat(Terminal.width("wide"), equalTo(80));
    assertThat(Terminal.width("5"), equalTo(80));
  }
}
