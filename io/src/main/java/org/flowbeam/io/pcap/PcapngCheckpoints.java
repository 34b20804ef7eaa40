package org.flowbeam.io.pcap;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The pcapng section states recorded at block boundaries of one file, so that a reader of a byte
 * range resumes from the nearest recorded state at or before its start instead of hopping block by
 * block from the file start. Thread-safe: the readers of all ranges of a file share one instance.
 *
 * <p>Why states and not a resynchronisation at the range start: what a pcapng block means depends
 * on everything before it (the byte order of its section, the interfaces defined so far, the
 * previous packet's timestamp for a Simple Packet Block), and a second Section Header Block can
 * start anywhere in a file (writers leave the section length unknown), so only framing the blocks
 * before a range tells its state. A state is recorded by whichever reader framed that boundary,
 * while reading its range or hopping to it, so each file's block headers are hopped about once per
 * index instead of once per range, and the framing is exactly that of a sequential read.
 *
 * <p>Bounded: states lie at least {@link #spacing()} bytes apart (at most about {@value
 * #MAX_STATES} per file), the interface tables they hold share their entries within a section, and
 * states whose tables would take the interfaces held past {@value #MAX_INTERFACES_HELD} are not
 * recorded (readers then hop further). {@link #forFile} keeps the indexes of the {@value
 * #MAX_FILES} files used last.
 *
 * <pre>{@code
 * PcapngCheckpoints index = PcapngCheckpoints.forFile(scope + file + size, size);
 * try (CaptureReader r = CaptureReader.open(file, channel, start, bufferSize, index)) { ... }
 * }</pre>
 */
final class PcapngCheckpoints {
  /** About the most states recorded per file. */
  static final int MAX_STATES = 4096;

  /** The least distance between two states. */
  static final long MIN_SPACING = 1 << 20;

  /** The most interface entries the recorded states may hold in all, per file. */
  static final int MAX_INTERFACES_HELD = 1 << 18;

  /** Files whose indexes {@link #forFile} keeps. */
  static final int MAX_FILES = 16;

  /**
   * The state in force at a block boundary of a sequential read: everything the framing from there
   * on depends on.
   *
   * @param offset the boundary: the offset of the next block to frame
   * @param lastInterface the last interface defined in the current section (it links to the
   *     others), or null
   * @param firstSnaplen the snaplen of the file's first interface, or -1 before any
   * @param lastMicros the timestamp of the previous packet block, for Simple Packet Blocks
   */
  record State(
      long offset,
      boolean bigEndian,
      boolean inSection,
      PcapngInterface lastInterface,
      long firstSnaplen,
      long lastMicros) {}

  private static final Map<String, PcapngCheckpoints> FILES =
      new LinkedHashMap<String, PcapngCheckpoints>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PcapngCheckpoints> eldest) {
          return size() > MAX_FILES;
        }
      };

  private final long spacing;
  private final ConcurrentSkipListMap<Long, State> states = new ConcurrentSkipListMap<>();

  /** Interface tables already charged to the budget, by their last interface. */
  private final Set<PcapngInterface> charged = Collections.newSetFromMap(new IdentityHashMap<>());

  private long interfacesHeld;

  /** An index for a file of {@code fileSize} bytes. */
  PcapngCheckpoints(long fileSize) {
    this(fileSize, MIN_SPACING);
  }

  /** As {@link #PcapngCheckpoints(long)} with a smaller least spacing (tests use a few bytes). */
  PcapngCheckpoints(long fileSize, long minSpacing) {
    this.spacing = Math.max(minSpacing, fileSize / MAX_STATES);
  }

  /**
   * The index shared by the readers that use {@code key}: the caller's key names the file and
   * version (path, size, modification time) and the scope that may share it (one job).
   */
  static PcapngCheckpoints forFile(String key, long fileSize) {
    synchronized (FILES) {
      return FILES.computeIfAbsent(key, k -> new PcapngCheckpoints(fileSize));
    }
  }

  /** The least distance between two recorded states; readers offer states this far apart. */
  long spacing() {
    return spacing;
  }

  /** The recorded state with the greatest offset at or before {@code offset}, or null. */
  State floor(long offset) {
    Map.Entry<Long, State> e = states.floorEntry(offset);
    return e == null ? null : e.getValue();
  }

  /**
   * Records {@code s} unless a recorded state lies within {@link #spacing()} bytes of it, or its
   * interface table would take the interfaces held past {@value #MAX_INTERFACES_HELD}.
   */
  synchronized void offer(State s) {
    Long below = states.floorKey(s.offset());
    Long above = states.ceilingKey(s.offset());
    if ((below != null && s.offset() - below < spacing)
        || (above != null && above - s.offset() < spacing)) {
      return;
    }
    PcapngInterface last = s.lastInterface();
    if (last != null && !charged.contains(last)) {
      if (interfacesHeld + last.index() + 1 > MAX_INTERFACES_HELD) {
        return;
      }
      interfacesHeld += last.index() + 1;
      charged.add(last);
    }
    states.put(s.offset(), s);
  }

  /** How many states are recorded. */
  int size() {
    return states.size();
  }
}
