package org.flowbeam.io;

import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.flowbeam.io.pcap.CaptureRecords;
import org.flowbeam.io.pcap.CaptureSummary;

/**
 * Reads PCAP and PCAPNG captures (the format is detected from the magic number, not the file name)
 * into {@code Packet}s, splitting plain files into byte ranges that are read in parallel; a
 * compressed capture is read whole.
 *
 * <pre>{@code
 * PacketReadResult r = p.apply(PcapIO.read().from("/data/day1/*.pcap,/data/day2/*.pcapng"));
 * r.getOutput();                  // packets, event time = capture time
 * r.getErrors();                  // corrupt records, with file, offset, hex dump, reason
 * PcapIO.summaries(r);            // what capinfos would say of each file
 * p.apply(PcapIO.read().from("/data/*.pcap").withDecapsulation(false));  // outer headers
 * }</pre>
 *
 * <p>A tunnelled packet (IP-in-IP, GRE, GTP-U, VXLAN... see {@code src/docs/encapsulations.md}) is
 * read as the packet inside the tunnel, unless {@link Read#withDecapsulation} turns that off.
 *
 * <p>{@link #read()} is a {@link PacketFileRead} (match, open, {@link #readFiles()}), and the
 * records are framed by {@link CaptureRecords}; options, step names and outputs are those of every
 * FlowBeam read.
 */
public final class PcapIO {
  private PcapIO() {}

  /** Reads the captures matching a file pattern or a comma-separated list of patterns. */
  public static Read read() {
    return new Read(ReadSpec.defaults(), true);
  }

  /**
   * Reads captures from {@link org.apache.beam.sdk.io.FileIO.ReadableFile}s, decoding tunnelled
   * packets to the inner packet.
   */
  public static ReadFiles readFiles() {
    return readFiles(true);
  }

  /**
   * Reads captures from {@link org.apache.beam.sdk.io.FileIO.ReadableFile}s.
   *
   * @param decapsulate whether a tunnelled packet is the inner packet (true) or the outer one
   */
  public static ReadFiles readFiles(boolean decapsulate) {
    return ReadFiles.of(new CaptureRecords(decapsulate));
  }

  /** One {@link CaptureSummary} per capture file read, merged over its ranges. */
  public static PCollection<KV<String, CaptureSummary>> summaries(ReadResult read) {
    return read.get(CaptureRecords.SUMMARIES)
        .apply("Merge summaries per file", Combine.perKey(CaptureSummary::merge));
  }

  /** See {@link #read()}. */
  public static final class Read extends PacketFileRead<Read> {
    private final boolean decapsulate;

    private Read(ReadSpec spec, boolean decapsulate) {
      super(spec);
      this.decapsulate = decapsulate;
    }

    @Override
    protected Read with(ReadSpec spec) {
      return new Read(spec, decapsulate);
    }

    /**
     * Whether a tunnelled packet is read as the packet inside the tunnel (true, the default) or as
     * the outer packet, as FlowBeam read it before it decoded tunnels.
     */
    public Read withDecapsulation(boolean decapsulate) {
      return new Read(spec(), decapsulate);
    }

    public boolean decapsulates() {
      return decapsulate;
    }

    @Override
    protected ReadFiles readFiles() {
      return PcapIO.readFiles(decapsulate);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      builder.add(DisplayData.item("decapsulate", decapsulate));
    }

    @Override
    protected String readerName() {
      return "PcapIO";
    }
  }
}
