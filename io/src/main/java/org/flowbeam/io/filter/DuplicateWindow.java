package org.flowbeam.io.filter;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Duplicate frames within a window, as {@code editcap -D N} finds them: a frame is a duplicate if
 * its content digest equals that of one of the {@code N - 1} frames before it in the file
 * (duplicates included); {@code editcap -d} is a window of 5. Every frame enters the window,
 * duplicate or not, and pushes the oldest out.
 *
 * <pre>{@code
 * DuplicateWindow w = new DuplicateWindow(5);
 * w.isDuplicate(md5OfFrame); // then the frame is in the window
 * }</pre>
 */
public final class DuplicateWindow {
  /** The largest window, as editcap's. */
  public static final int MAX_WINDOW = 1_000_000;

  private final ByteBuffer[] ring;
  private final Map<ByteBuffer, Integer> inRing = new HashMap<>();
  private int next;
  private int size;

  /**
   * @param window editcap's duplicate window: the frame and the {@code window - 1} before it
   * @throws IllegalArgumentException unless {@code 2 <= window <= MAX_WINDOW}
   */
  public DuplicateWindow(int window) {
    ring = new ByteBuffer[checkWindow(window) - 1];
  }

  /**
   * Returns {@code window} if it is a window size editcap accepts.
   *
   * @throws IllegalArgumentException unless {@code 2 <= window <= MAX_WINDOW}
   */
  public static int checkWindow(int window) {
    if (window < 2 || window > MAX_WINDOW) {
      throw new IllegalArgumentException(
          "the duplicate window must be from 2 to " + MAX_WINDOW + " frames, got " + window);
    }
    return window;
  }

  /** The frames a frame is compared with: {@code window - 1}. */
  public int previousFrames() {
    return ring.length;
  }

  /**
   * True if {@code digest} equals that of one of the frames in the window; then adds it, as the
   * newest frame.
   */
  public boolean isDuplicate(byte[] digest) {
    ByteBuffer key = ByteBuffer.wrap(digest.clone());
    boolean duplicate = inRing.containsKey(key);
    if (size == ring.length) {
      ByteBuffer oldest = ring[next];
      inRing.computeIfPresent(oldest, (k, n) -> n == 1 ? null : n - 1);
    } else {
      size++;
    }
    ring[next] = key;
    inRing.merge(key, 1, Integer::sum);
    next = (next + 1) % ring.length;
    return duplicate;
  }
}
