package org.flowbeam.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.SeekableByteChannel;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An input file format that {@link RangeReadFn} reads in byte ranges (named, with {@link
 * RecordReader}, after the pair Hadoop users know): all a format implements to be read by FlowBeam
 * (packet CSV, pcap and pcapng do; a Zeek log or NetFlow reader would too). The shell owns the
 * restriction, the claim loop, the counters, the digest and the outputs; the format only frames
 * records.
 *
 * <pre>{@code
 * ReadFiles.of(new MyFormat()).withSplitSize(64 << 20)   // a PTransform of ReadableFiles
 * }</pre>
 *
 * <p>Instances are serialized with the DoFn: one instance per reading step, shared by the copies
 * that read its ranges.
 *
 * @param <R> the format's reader
 */
public interface InputFormat<R extends RecordReader> extends Serializable {
  /**
   * Opens an uncompressed file at the first record whose first byte lies at or after {@code start}
   * (a record belongs to the range in which its first byte lies); {@code start} 0 is the file's
   * first record.
   */
  R open(MatchResult.Metadata file, SeekableByteChannel channel, long start) throws IOException;

  /**
   * Opens a stream of the file's bytes from offset 0 (a decompressed file, or one that cannot
   * seek); offsets count bytes of this stream.
   */
  R open(MatchResult.Metadata file, InputStream stream) throws IOException;

  /** The outputs of the format's own per-range report ({@link #newReport}), with their coders. */
  default Map<TupleTag<?>, Coder<?>> reportOutputs() {
    return Map.of();
  }

  /** A new per-range report of {@code file}, or null if the format reports nothing of its own. */
  default @Nullable RangeReport<R> newReport(String file) {
    return null;
  }

  /** What a format reports of a range beyond the shell's counts, on its {@link #reportOutputs}. */
  interface RangeReport<R> {
    /** Adds the reader's current record, which the range claimed. */
    void add(R reader);

    /** Outputs the report once the range's last record is read. */
    void output(R reader, MultiOutputReceiver out);
  }
}
