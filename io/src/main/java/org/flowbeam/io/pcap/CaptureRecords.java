package org.flowbeam.io.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.io.InputFormat;

/**
 * PCAP and PCAPNG as a {@link InputFormat}: a record is a packet record or block, framed by {@link
 * CaptureReader} (the format told by the magic number), and each range reports a {@link
 * CaptureSummary} of the records it claimed on {@link #SUMMARIES}.
 *
 * <p>The ranges of a pcapng file share its {@link PcapngCheckpoints} within the JVM, so that each
 * range resumes from a recorded section state near its start.
 */
public final class CaptureRecords implements InputFormat<CaptureReader> {
  private static final long serialVersionUID = 1L;

  /** Whether frames are decoded to the packet inside a tunnel ({@link FrameDecoder}). */
  private final boolean decapsulate;

  /** Captures whose tunnelled packets are decoded to the inner packet. */
  public CaptureRecords() {
    this(true);
  }

  /**
   * @param decapsulate whether a tunnelled packet is the inner packet (true) or the outer one
   */
  public CaptureRecords(boolean decapsulate) {
    this.decapsulate = decapsulate;
  }

  /** Whether tunnelled packets are decoded to the inner packet. */
  public boolean decapsulates() {
    return decapsulate;
  }

  /** Per-range capture summaries, keyed by file. */
  public static final TupleTag<KV<String, CaptureSummary>> SUMMARIES =
      new TupleTag<KV<String, CaptureSummary>>() {};

  /**
   * Names this format instance, serialized with its step: the copies that run the step's ranges
   * (threads and bundles of one job) share pcapng section states, other jobs do not.
   */
  private final String checkpointScope = UUID.randomUUID().toString();

  @Override
  public CaptureReader open(MatchResult.Metadata file, SeekableByteChannel channel, long start)
      throws IOException {
    PcapngCheckpoints checkpoints =
        CaptureReader.formatOf(channel) == CaptureFormat.PCAPNG ? checkpoints(file) : null;
    return CaptureReader.open(
        file.resourceId().toString(),
        channel,
        start,
        CaptureInput.DEFAULT_BUFFER,
        checkpoints,
        decapsulate);
  }

  /**
   * The pcapng section states of {@code file}, shared by this step's readers in this JVM (the key
   * holds the step instance's scope, so another job or a changed file never sees them).
   */
  private PcapngCheckpoints checkpoints(MatchResult.Metadata file) {
    String key =
        checkpointScope
            + '\n'
            + file.resourceId()
            + '\n'
            + file.sizeBytes()
            + '\n'
            + file.lastModifiedMillis();
    return PcapngCheckpoints.forFile(key, file.sizeBytes());
  }

  @Override
  public CaptureReader open(MatchResult.Metadata file, InputStream stream) throws IOException {
    return CaptureReader.open(file.resourceId().toString(), stream, decapsulate);
  }

  @Override
  public Map<TupleTag<?>, Coder<?>> reportOutputs() {
    return Map.of(
        SUMMARIES, KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(CaptureSummary.class)));
  }

  @Override
  public RangeReport<CaptureReader> newReport(String file) {
    CaptureSummary.Builder summary = new CaptureSummary.Builder(file);
    return new RangeReport<>() {
      @Override
      public void add(CaptureReader reader) {
        summary.add(reader);
      }

      @Override
      public void output(CaptureReader reader, MultiOutputReceiver out) {
        out.get(SUMMARIES).output(KV.of(file, summary.describe(reader).build()));
      }
    };
  }
}
