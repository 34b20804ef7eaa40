package org.flowbeam.io.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.io.RecordFormat;

/**
 * PCAP and PCAPNG as a {@link RecordFormat}: a record is a packet record or block, framed by {@link
 * CaptureReader} (the format told by the magic number), and each range reports a {@link
 * CaptureSummary} of the records it claimed on {@link #SUMMARIES}.
 */
public final class CaptureRecords implements RecordFormat<CaptureReader> {
  private static final long serialVersionUID = 1L;

  /** Per-range capture summaries, keyed by file. */
  public static final TupleTag<KV<String, CaptureSummary>> SUMMARIES =
      new TupleTag<KV<String, CaptureSummary>>() {};

  @Override
  public CaptureReader open(MatchResult.Metadata file, SeekableByteChannel channel, long start)
      throws IOException {
    return CaptureReader.open(file.resourceId().toString(), channel, start);
  }

  @Override
  public CaptureReader open(MatchResult.Metadata file, InputStream stream) throws IOException {
    return CaptureReader.open(file.resourceId().toString(), stream);
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
