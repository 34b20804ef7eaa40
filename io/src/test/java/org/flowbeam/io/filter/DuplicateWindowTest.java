package org.flowbeam.io.filter;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateWindowTest {
  private static List<Boolean> run(int window, String frames) {
    DuplicateWindow w = new DuplicateWindow(window);
    List<Boolean> out = new ArrayList<>();
    for (char c : frames.toCharArray()) {
      out.add(w.isDuplicate(new byte[] {(byte) c}));
    }
    return out;
  }

  @Test
  void aFrameIsComparedWithTheWindowMinusOneFramesBeforeIt() {
    // editcap -D 3: each frame against the 2 before it.
    assertThat(run(3, "abab"), contains(false, false, true, true));
    assertThat(run(3, "abca"), contains(false, false, false, false));
    // -D 2: against the frame just before.
    assertThat(run(2, "aab"), contains(false, true, false));
    assertThat(run(2, "aba"), contains(false, false, false));
  }

  @Test
  void duplicatesEnterTheWindowToo() {
    // a a a with -D 2: the third is the duplicate of the second, itself a duplicate.
    assertThat(run(2, "aaa"), contains(false, true, true));
    // -D 3, "a b a c a": the last a is 2 frames after the duplicate a.
    assertThat(run(3, "abaca"), contains(false, false, true, false, true));
  }

  @Test
  void windowsOutsideEditcapsBoundsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new DuplicateWindow(1));
    assertThrows(
        IllegalArgumentException.class, () -> new DuplicateWindow(DuplicateWindow.MAX_WINDOW + 1));
  }
}
