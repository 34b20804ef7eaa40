package org.flowbeam.io.pcap;

import java.io.Serializable;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import org.flowbeam.model.Packet;

/**
 * What capinfos would report about one capture, for the run manifest: format, link types, snaplen,
 * records, IP packets and their bytes, and the first and last packet time. Built per range and
 * merged per file; immutable once built.
 *
 * <pre>{@code
 * CaptureSummary all = CaptureSummary.merge(rangeSummaries);
 * }</pre>
 */
public final class CaptureSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final CaptureFormat format;
  private final TreeSet<String> linkTypes;
  private final long snaplen;
  private final long records;
  private final long packets;
  private final long nonIp;
  private final long errors;
  private final long packetBytes;
  private final long firstMicros;
  private final long lastMicros;

  private CaptureSummary(Builder b) {
    this.file = b.file;
    this.format = b.format;
    this.linkTypes = new TreeSet<>(b.linkTypes);
    this.snaplen = b.snaplen;
    this.records = b.records;
    this.packets = b.packets;
    this.nonIp = b.nonIp;
    this.errors = b.errors;
    this.packetBytes = b.packetBytes;
    this.firstMicros = b.firstMicros;
    this.lastMicros = b.lastMicros;
  }

  public String file() {
    return file;
  }

  public CaptureFormat format() {
    return format;
  }

  /** Link type names seen in the range(s) read. */
  public SortedSet<String> linkTypes() {
    return java.util.Collections.unmodifiableSortedSet(linkTypes);
  }

  public long snaplen() {
    return snaplen;
  }

  /** Records framed: {@code packets + nonIp + errors}. */
  public long records() {
    return records;
  }

  public long packets() {
    return packets;
  }

  public long nonIp() {
    return nonIp;
  }

  public long errors() {
    return errors;
  }

  /** Sum of the IP packets' wire lengths. */
  public long packetBytes() {
    return packetBytes;
  }

  /** Earliest IP packet time in microseconds ({@code Long.MAX_VALUE} if no packet). */
  public long firstMicros() {
    return firstMicros;
  }

  /** Latest IP packet time in microseconds ({@code Long.MIN_VALUE} if no packet). */
  public long lastMicros() {
    return lastMicros;
  }

  /** Merges the summaries of ranges of the same file. */
  public static CaptureSummary merge(Iterable<CaptureSummary> parts) {
    Builder b = null;
    for (CaptureSummary s : parts) {
      if (b == null) {
        b = new Builder(s.file);
      }
      if (b.format == CaptureFormat.UNKNOWN) {
        b.format = s.format;
      }
      b.linkTypes.addAll(s.linkTypes);
      b.snaplen = Math.max(b.snaplen, s.snaplen);
      b.records += s.records;
      b.packets += s.packets;
      b.nonIp += s.nonIp;
      b.errors += s.errors;
      b.packetBytes += s.packetBytes;
      b.firstMicros = Math.min(b.firstMicros, s.firstMicros);
      b.lastMicros = Math.max(b.lastMicros, s.lastMicros);
    }
    if (b == null) {
      throw new IllegalArgumentException("no summary to merge");
    }
    return b.build();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CaptureSummary)) {
      return false;
    }
    CaptureSummary s = (CaptureSummary) o;
    return file.equals(s.file)
        && format == s.format
        && linkTypes.equals(s.linkTypes)
        && snaplen == s.snaplen
        && records == s.records
        && packets == s.packets
        && nonIp == s.nonIp
        && errors == s.errors
        && packetBytes == s.packetBytes
        && firstMicros == s.firstMicros
        && lastMicros == s.lastMicros;
  }

  @Override
  public int hashCode() {
    return Objects.hash(file, format, linkTypes, records, packets, packetBytes, firstMicros);
  }

  @Override
  public String toString() {
    return file
        + ": "
        + format
        + " "
        + linkTypes
        + " snaplen="
        + snaplen
        + " records="
        + records
        + " packets="
        + packets
        + " non_ip="
        + nonIp
        + " errors="
        + errors
        + " bytes="
        + packetBytes
        + " first="
        + firstMicros
        + " last="
        + lastMicros;
  }

  /** Accumulates a summary while a range is read. */
  public static final class Builder {
    private final String file;
    private CaptureFormat format = CaptureFormat.UNKNOWN;
    private final TreeSet<String> linkTypes = new TreeSet<>();
    private long snaplen;
    private long records;
    private long packets;
    private long nonIp;
    private long errors;
    private long packetBytes;
    private long firstMicros = Long.MAX_VALUE;
    private long lastMicros = Long.MIN_VALUE;

    public Builder(String file) {
      this.file = file;
    }

    /** Counts the reader's current record. */
    public Builder add(CaptureReader reader) {
      records++;
      switch (reader.kind()) {
        case PACKET:
          Packet p = reader.packet();
          packets++;
          packetBytes += p.length();
          firstMicros = Math.min(firstMicros, p.timestampMicros());
          lastMicros = Math.max(lastMicros, p.timestampMicros());
          break;
        case NON_IP:
          nonIp++;
          break;
        default:
          errors++;
      }
      return this;
    }

    /** Takes format, link types and snaplen from the reader. */
    public Builder describe(CaptureReader reader) {
      format = reader.format();
      linkTypes.addAll(reader.linkTypes());
      snaplen = reader.snaplen();
      return this;
    }

    public CaptureSummary build() {
      return new CaptureSummary(this);
    }
  }
}
