package org.flowbeam.io;

import org.apache.beam.sdk.transforms.Combine;
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
 * }</pre>
 *
 * <p>{@link #read()} is a {@link PacketFileRead} (match, open, {@link #readFiles()}), and the
 * records are framed by {@link CaptureRecords}; options, step names and outputs are those of every
 * FlowBeam read.
 */
public final class PcapIO {
  private PcapIO() {}

  /** Reads the captures matching a file pattern or a comma-separated list of patterns. */
  public static Read read() {
    return new Read(ReadSpec.defaults());
  }

  /** Reads captures from {@link org.apache.beam.sdk.io.FileIO.ReadableFile}s. */
  public static ReadFiles readFiles() {
    return ReadFiles.of(new CaptureRecords());
  }

  /** One {@link CaptureSummary} per capture file read, merged over its ranges. */
  public static PCollection<KV<String, CaptureSummary>> summaries(ReadResult read) {
    return read.get(CaptureRecords.SUMMARIES)
        .apply("Merge summaries per file", Combine.perKey(CaptureSummary::merge));
  }

  /** See {@link #read()}. */
  public static final class Read extends PacketFileRead<Read> {
    private Read(ReadSpec spec) {
      super(spec);
    }

    @Override
    protected Read with(ReadSpec spec) {
      return new Read(spec);
    }

    @Override
    protected ReadFiles readFiles() {
      return PcapIO.readFiles();
    }

    @Override
    protected String readerName() {
      return "PcapIO";
    }
  }
}
