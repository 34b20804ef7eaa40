package org.flowbeam.io;

import java.io.IOException;
import java.util.Map;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.transforms.PacketDigest;

/**
 * The {@code read()} of every packet format: match the file patterns of a {@link ReadSpec}, open
 * the files, and read them with the format's {@link ReadFiles}. A format's IO ({@code PcapIO},
 * {@code PacketCsvIO}) subclasses it with its own options; the step names, defaults and checks are
 * the same for all.
 *
 * <pre>{@code
 * PacketReadResult r = p.apply(PcapIO.read().from("/data/day1/*.pcap,/data/day2/*.pcapng"));
 * DigestReadResult d = p.apply(PacketCsvIO.read().from("/data/*.csv.gz").withDigest(digest));
 * }</pre>
 *
 * @param <SELF> the format's read, which every {@code with*} returns
 */
public abstract class PacketFileRead<SELF extends PacketFileRead<SELF>>
    extends PTransform<PBegin, PacketReadResult> {
  private final ReadSpec spec;

  protected PacketFileRead(ReadSpec spec) {
    this.spec = spec;
  }

  /** The same read with {@code spec}. */
  protected abstract SELF with(ReadSpec spec);

  /**
   * The format's files read, in ranges of the default size; called when the transform is expanded
   * (so that, say, an IP map file is read when the pipeline is built).
   */
  protected abstract ReadFiles readFiles();

  /** The reader's name in messages, such as {@code PcapIO}. */
  protected abstract String readerName();

  public ReadSpec spec() {
    return spec;
  }

  /** See {@link ReadSpec#from}. */
  public SELF from(String filepatterns) {
    return with(spec.from(filepatterns));
  }

  /** See {@link ReadSpec#withSplitSize}. */
  public SELF withSplitSize(long bytes) {
    return with(spec.withSplitSize(bytes));
  }

  /** See {@link ReadSpec#withEmptyMatchTreatment}. */
  public SELF withEmptyMatchTreatment(EmptyMatchTreatment treatment) {
    return with(spec.withEmptyMatchTreatment(treatment));
  }

  /** See {@link ReadSpec#withCompression}. */
  public SELF withCompression(Compression compression) {
    return with(spec.withCompression(compression));
  }

  /** See {@link ReadSpec#withFilter}. */
  public SELF withFilter(PacketFilter filter) {
    return with(spec.withFilter(filter));
  }

  /** See {@link ReadSpec#withEndOffsets}. */
  public SELF withEndOffsets(Map<String, Long> endOffsets) {
    return with(spec.withEndOffsets(endOffsets));
  }

  /**
   * The first {@code n} records of the file {@code file} (a path, not a pattern) as this read
   * frames them, and its resource id's text (the key of {@link #withEndOffsets}).
   */
  public KV<String, RangeReadFn.FirstRecords> firstRecords(String file, long n) throws IOException {
    MatchResult.Metadata m = FileSystems.matchSingleFileSpec(file);
    return KV.of(m.resourceId().toString(), readFiles().firstRecords(m, n));
  }

  /** See {@link ReadFiles#withDigest}. */
  public Digesting withDigest(PacketDigest digest) {
    return new Digesting(this, digest, false);
  }

  @Override
  public PacketReadResult expand(PBegin input) {
    return spec.match(input, readerName())
        .apply(
            "Read files",
            readFiles()
                .withSplitSize(spec.splitSize())
                .withFilter(spec.filter())
                .withEndOffsets(spec.endOffsets()));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    spec.populateDisplayData(builder);
  }

  /** See {@link PacketFileRead#withDigest}. */
  public static final class Digesting extends PTransform<PBegin, DigestReadResult> {
    private final PacketFileRead<?> read;
    private final PacketDigest digest;
    private final boolean packets;

    private Digesting(PacketFileRead<?> read, PacketDigest digest, boolean packets) {
      this.read = read;
      this.digest = digest;
      this.packets = packets;
    }

    /** See {@link ReadFiles.Digesting#withPackets}. */
    public Digesting withPackets() {
      return new Digesting(read, digest, true);
    }

    @Override
    public DigestReadResult expand(PBegin input) {
      ReadFiles.Digesting files =
          read.readFiles()
              .withSplitSize(read.spec.splitSize())
              .withFilter(read.spec.filter())
              .withEndOffsets(read.spec.endOffsets())
              .withDigest(digest);
      return read.spec
          .match(input, read.readerName())
          .apply("Read files", packets ? files.withPackets() : files);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      super.populateDisplayData(builder);
      read.populateDisplayData(builder);
    }
  }
}
