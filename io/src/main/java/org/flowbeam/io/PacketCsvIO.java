package org.flowbeam.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.flowbeam.io.csv.IpMap;
import org.flowbeam.io.csv.PacketCsvFormat;
import org.flowbeam.io.csv.PacketCsvFormatException;

/**
 * Reads packet CSV files (the TimeArcs packet export, or a tshark field export) into {@link
 * org.flowbeam.model.Packet}s, with every unusable row kept as a {@link
 * org.flowbeam.model.RejectedRecord}.
 *
 * <p>{@link #read()} is a {@link PacketFileRead}: files are read in parallel ranges (64 MiB by
 * default) by {@link PacketCsvFormat}'s readers; a compressed file is read whole. Columns are found
 * by name from each file's header line, in any order; the accepted names, the defaults for absent
 * columns and the rejection reasons are those of {@code org.flowbeam.io.csv.PacketCsvRowParser}. A
 * row is one line (LF or CRLF): a quoted field containing a line break is not supported and its row
 * is rejected. Blank lines are skipped and not counted. A file whose header lacks a required column
 * ({@code timestamp}, {@code src_ip}, {@code dst_ip}, {@code length} or their aliases) fails the
 * read with a {@link PacketCsvFormatException} naming the file; an empty file yields nothing.
 *
 * <pre>{@code
 * PacketReadResult r = p.apply("ReadPackets",
 *     PacketCsvIO.read().from("/data/day1.csv.gz,/data/day2.csv.gz")
 *         .withIpMapFile("/data/ip_map.json"));
 * r.getOutput();  // packets, event time = capture time
 * r.getErrors();  // rejected rows: file, byte offset, text, reason
 * }</pre>
 */
public final class PacketCsvIO {
  private PacketCsvIO() {}

  /** Reads the files matching {@link Read#from}. */
  public static Read read() {
    return new Read(ReadSpec.defaults(), new IpMapSpec(IpMap.empty(), null));
  }

  /** Reads files from anywhere (a glob, a list, a watched directory), as {@code FileIO} gives. */
  public static ReadFiles readFiles() {
    return readFiles(IpMap.empty());
  }

  /** As {@link #readFiles()}, resolving integer address ids through {@code ipMap}. */
  public static ReadFiles readFiles(IpMap ipMap) {
    return ReadFiles.of(new PacketCsvFormat(ipMap));
  }

  /** The IP map as given: entries, or a file to load when the transform is expanded. */
  private record IpMapSpec(IpMap map, String file) implements java.io.Serializable {
    IpMap resolve() {
      if (file == null) {
        return map;
      }
      try {
        return IpMap.fromFile(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read IP map " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Reads packet CSV files named by file patterns. Immutable; configure with {@code with*}. */
  public static final class Read extends PacketFileRead<Read> {
    private final IpMapSpec ipMap;

    private Read(ReadSpec spec, IpMapSpec ipMap) {
      super(spec);
      this.ipMap = ipMap;
    }

    @Override
    protected Read with(ReadSpec spec) {
      return new Read(spec, ipMap);
    }

    /** Resolves integer address ids through {@code idToAddress} (replaces an IP map file). */
    public Read withIpMap(Map<Integer, String> idToAddress) {
      return new Read(spec(), new IpMapSpec(IpMap.of(idToAddress), null));
    }

    /**
     * Resolves integer address ids through the TimeArcs IP map JSON file {@code fileSpec} ({@code
     * {"1.2.3.4": 1, ...}}), read when the pipeline is built.
     */
    public Read withIpMapFile(String fileSpec) {
      return new Read(spec(), new IpMapSpec(IpMap.empty(), fileSpec));
    }

    @Override
    protected ReadFiles readFiles() {
      return PacketCsvIO.readFiles(ipMap.resolve());
    }

    @Override
    protected String readerName() {
      return "PacketCsvIO";
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      if (ipMap.file() != null) {
        builder.add(DisplayData.item("ipMapFile", ipMap.file()));
      }
    }
  }
}
