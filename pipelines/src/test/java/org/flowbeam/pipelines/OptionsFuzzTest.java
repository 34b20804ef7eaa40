package org.flowbeam.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Fuzzes the command line as {@link FlowBeamMain#run} reads it before any file is touched: {@code
 * @file} expansion ({@link FlowBeamMain#expandArgFiles}), Beam's option parsing with FlowBeam's
 * list checks ({@link FlowBeamMain#parse}) and {@link FlowBeamPipeline#validate}.
 *
 * <p>Input (UTF-8): the arguments, one a line, then a NUL byte and the content of an options file;
 * every argument starting with {@code @} names that file. The seeds in {@code
 * OptionsFuzzTestInputs/} are sample command lines with the run configurations of {@code
 * run-configs/} as the file (src/fuzz/seeds.py).
 *
 * <p>The options file is written only for an input with an {@code @} argument, and only when its
 * content differs from the file's: rewriting it for every input took about 0.2 ms, more than half
 * of what Beam's parsing of the arguments takes, and the file is read only through an {@code @}
 * argument.
 *
 * <p>The contract checked: the options are accepted, or what is thrown is a user error that {@link
 * FlowBeamMain#report} prints as one line, {@code flowbeam: error: ...}, with exit code 2 — never
 * an unexpected failure (exit 1) or a stack trace.
 */
class OptionsFuzzTest {
  private static final Path OPTIONS_FILE = optionsFile();

  /** What {@link #OPTIONS_FILE} holds, null before the first write. */
  private static String optionsFileContent;

  static {
    PipelineOptionsFactory.register(FlowBeamOptions.class);
  }

  @FuzzTest
  void parseOptions(byte[] input) throws IOException {
    String text = new String(input, StandardCharsets.UTF_8);
    int nul = text.indexOf('\0');
    String argText = nul < 0 ? text : text.substring(0, nul);
    List<String> args = new ArrayList<>();
    boolean namesFile = false;
    for (String a : argText.split("\n", -1)) {
      if (!a.isEmpty()) {
        namesFile |= a.startsWith("@");
        args.add(a.startsWith("@") ? "@" + OPTIONS_FILE : a);
      }
    }
    if (namesFile) {
      writeOptionsFile(nul < 0 ? "" : text.substring(nul + 1));
    }
    try {
      FlowBeamPipeline.validate(
          FlowBeamMain.parse(FlowBeamMain.expandArgFiles(args.toArray(new String[0]))));
    } catch (RuntimeException e) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = FlowBeamMain.report(e, new PrintStream(err, true, StandardCharsets.UTF_8));
      String printed = err.toString(StandardCharsets.UTF_8);
      assertEquals(FlowBeamMain.EXIT_USAGE, code, "not a user error: " + printed);
      assertTrue(printed.startsWith("flowbeam: error: "), printed);
      assertEquals(printed.length() - 1, printed.indexOf('\n'), "not one line: " + printed);
    }
  }

  /**
   * Makes {@link #OPTIONS_FILE} hold {@code content}, writing only when it differs from what the
   * file holds already: an input's arguments are read against the same file content either way.
   */
  private static void writeOptionsFile(String content) throws IOException {
    if (!content.equals(optionsFileContent)) {
      Files.writeString(OPTIONS_FILE, content);
      optionsFileContent = content;
    }
  }

  private static Path optionsFile() {
    try {
      Path f = Files.createTempFile("flowbeam-fuzz-options", ".args");
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
