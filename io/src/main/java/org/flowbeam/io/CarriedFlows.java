package org.flowbeam.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.flowbeam.io.carried.CarriedFlowsFile;
import org.flowbeam.io.carried.CarriedFlowsFileException;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowKeyCoder;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.transforms.AssembleFlows;
import org.flowbeam.transforms.KeyAssemblyCoder;

/**
 * Reads and writes the flows one run of a recurring job carries to the next ({@link
 * AssembleFlows.Carrying}) as one file ({@link CarriedFlowsFile}: a versioned header with the
 * series end, then one checksummed record per carried flow). A path names one file, not a pattern.
 *
 * <pre>{@code
 * // Before building the run: checks the whole file, so a bad one is one line, not a failed job.
 * CarriedFlowsFile.Summary before = CarriedFlows.inspect(previous);    // NONE if there is no file
 * AssembleFlows.Carrying.Result run =
 *     byKey.apply(
 *         AssembleFlows.keyed(rules, lastPacketUs)
 *             .carrying(p.apply(CarriedFlows.read(previous)), before.seriesEndUs()));
 * run.carried().apply(CarriedFlows.write(next, run.seriesEndUs()));
 * }</pre>
 *
 * <p>A missing file is nothing carried. The file is written whole or not at all (a temporary file
 * beside it, then renamed), even when nothing is carried: it also holds the series end.
 */
public final class CarriedFlows {
  private CarriedFlows() {}

  /**
   * Reads and checks the whole file at {@code path} in plain Java, for the job that builds a run:
   * the series end to pass as {@code seriesEndBeforeUs}, how many flows are carried and the rules
   * they were assembled with (a run with other rules should flush instead of resuming them).
   *
   * @return {@link CarriedFlowsFile.Summary#NONE} if there is no file
   * @throws CarriedFlowsFileException for a bad file, naming it and the byte (one line)
   */
  public static CarriedFlowsFile.Summary inspect(String path) throws IOException {
    MatchResult.Metadata file = matchOne(path);
    if (file == null) {
      return CarriedFlowsFile.Summary.NONE;
    }
    try (InputStream in = open(file.resourceId())) {
      return CarriedFlowsFile.inspect(path, in, file.sizeBytes());
    }
  }

  /** The carried flows in the file at {@code path}; none if there is no file. */
  public static Read read(String path) {
    return new Read(path);
  }

  /**
   * Writes the carried flows to one file at {@code path}, with the series end of {@code
   * seriesEndUs} ({@link AssembleFlows.Carrying.Result#seriesEndUs}) in its header; outputs the
   * path once written.
   */
  public static Write write(String path, PCollectionView<Long> seriesEndUs) {
    return new Write(path, seriesEndUs);
  }

  private static MatchResult.Metadata matchOne(String path) throws IOException {
    MatchResult match = FileSystems.match(path, EmptyMatchTreatment.ALLOW);
    if (match.status() == MatchResult.Status.NOT_FOUND || match.metadata().isEmpty()) {
      return null;
    }
    if (match.metadata().size() > 1) {
      throw new IOException(path + " names " + match.metadata().size() + " files, not one");
    }
    return match.metadata().get(0);
  }

  private static InputStream open(ResourceId file) throws IOException {
    return new BufferedInputStream(Channels.newInputStream(FileSystems.open(file)), 1 << 16);
  }

  /** See {@link #read}. */
  public static final class Read extends PTransform<PBegin, PCollection<KV<FlowKey, KeyAssembly>>> {
    private final String path;

    private Read(String path) {
      this.path = path;
    }

    @Override
    public PCollection<KV<FlowKey, KeyAssembly>> expand(PBegin begin) {
      return begin
          .apply(
              "Match",
              FileIO.match().filepattern(path).withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
          .apply("Open", FileIO.readMatches())
          .apply("Records", ParDo.of(new ReadFn()))
          .setCoder(KvCoder.of(FlowKeyCoder.of(), KeyAssemblyCoder.of()));
    }
  }

  /** Outputs each record of a carried-flows file, keyed by its flow key. */
  private static final class ReadFn extends DoFn<FileIO.ReadableFile, KV<FlowKey, KeyAssembly>> {
    @ProcessElement
    public void process(
        @Element FileIO.ReadableFile file, OutputReceiver<KV<FlowKey, KeyAssembly>> out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (InputStream in = open(file.getMetadata().resourceId());
          CarriedFlowsFile.Reader reader =
              CarriedFlowsFile.reader(name, in, file.getMetadata().sizeBytes())) {
        for (KeyAssembly a = reader.next(); a != null; a = reader.next()) {
          out.output(KV.of(a.key(), a));
        }
      }
    }
  }

  /** See {@link #write}. */
  public static final class Write
      extends PTransform<PCollection<KV<FlowKey, KeyAssembly>>, PCollection<String>> {
    private final String path;
    private final PCollectionView<Long> seriesEndUs;

    private Write(String path, PCollectionView<Long> seriesEndUs) {
      this.path = path;
      this.seriesEndUs = seriesEndUs;
    }

    @Override
    public PCollection<String> expand(PCollection<KV<FlowKey, KeyAssembly>> carried) {
      KvCoder<Void, byte[]> coder = KvCoder.of(VoidCoder.of(), ByteArrayCoder.of());
      PCollection<KV<Void, byte[]>> records =
          carried
              .apply(
                  "Encode",
                  MapElements.into(new TypeDescriptor<KV<Void, byte[]>>() {})
                      .via(kv -> KV.of((Void) null, encode(kv.getValue()))))
              .setCoder(coder);
      // An empty record, so the one group exists (and the file is written) when nothing is carried.
      PCollection<KV<Void, byte[]>> always =
          carried
              .getPipeline()
              .apply("Always", Create.of(KV.of((Void) null, new byte[0])).withCoder(coder));
      return PCollectionList.of(always)
          .and(records)
          .apply("AllRecords", Flatten.pCollections())
          .apply("OneFile", GroupByKey.create())
          .apply("Write", ParDo.of(new WriteFn(path, seriesEndUs)).withSideInputs(seriesEndUs))
          .setCoder(StringUtf8Coder.of());
    }

    private static byte[] encode(KeyAssembly a) {
      try {
        return CoderUtils.encodeToByteArray(KeyAssemblyCoder.of(), a);
      } catch (IOException e) {
        throw new IllegalStateException("a carried flow that does not encode", e);
      }
    }
  }

  /** Writes the one group of encoded records as the file, beside it first, then renamed. */
  private static final class WriteFn extends DoFn<KV<Void, Iterable<byte[]>>, String> {
    private final String path;
    private final PCollectionView<Long> seriesEndUs;

    WriteFn(String path, PCollectionView<Long> seriesEndUs) {
      this.path = path;
      this.seriesEndUs = seriesEndUs;
    }

    @ProcessElement
    public void process(ProcessContext c) throws IOException {
      ResourceId target = FileSystems.matchNewResource(path, false);
      ResourceId temp =
          target
              .getCurrentDirectory()
              .resolve(
                  "." + target.getFilename() + ".tmp-" + UUID.randomUUID(),
                  StandardResolveOptions.RESOLVE_FILE);
      try (WritableByteChannel channel = FileSystems.create(temp, MimeTypes.BINARY);
          CarriedFlowsFile.Writer writer =
              CarriedFlowsFile.writer(
                  new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16),
                  c.sideInput(seriesEndUs))) {
        for (byte[] record : c.element().getValue()) {
          if (record.length > 0) {
            writer.addEncoded(record);
          }
        }
      }
      FileSystems.rename(List.of(temp), List.of(target));
      c.output(path);
    }
  }
}
