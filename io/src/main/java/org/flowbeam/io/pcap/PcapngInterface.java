package org.flowbeam.io.pcap;

/**
 * One interface of a pcapng section, as its Interface Description Block defines it: link type,
 * snaplen, timestamp resolution ({@code if_tsresol}: a power of 10 or of 2) and offset ({@code
 * if_tsoffset}). Immutable.
 *
 * <p>Each interface links to the one defined before it in its section, so the last one defined
 * stands for the whole interface table: a {@link PcapngCheckpoints.State} keeps the table by that
 * one reference, and the states recorded along a section share their interfaces instead of each
 * copying the table (which may hold up to 65,536 interfaces).
 *
 * <pre>{@code
 * PcapngInterface eth0 = new PcapngInterface(null, 1, 65535, false, 6, 0);
 * PcapngInterface eth1 = new PcapngInterface(eth0, 1, 65535, false, 9, 0); // eth1.index() == 1
 * }</pre>
 */
final class PcapngInterface {
  final int linkType;
  final long snaplen;
  final boolean pow2;
  final int exponent;
  final long offsetSeconds;
  private final PcapngInterface previous;
  private final int index;

  PcapngInterface(
      PcapngInterface previous,
      int linkType,
      long snaplen,
      boolean pow2,
      int exponent,
      long offsetSeconds) {
    this.previous = previous;
    this.index = previous == null ? 0 : previous.index + 1;
    this.linkType = linkType;
    this.snaplen = snaplen;
    this.pow2 = pow2;
    this.exponent = exponent;
    this.offsetSeconds = offsetSeconds;
  }

  /** The interface's id in its section: 0 for the first defined. */
  int index() {
    return index;
  }

  /** The interface defined before this one in the section, or null. */
  PcapngInterface previous() {
    return previous;
  }
}
