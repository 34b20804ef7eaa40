package org.flowbeam.io.sink;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What one {@link org.flowbeam.io.FlowSinks} write produced: for each file format it wrote, the
 * names of the files it finalized (full paths, one element per file). The pipeline can list them in
 * its manifest, or wait on them.
 *
 * <p>A format that was not asked for has no collection here (rather than an empty one): an empty
 * collection would cost the job a source step per output and format, each a task on Flink.
 */
public final class WrittenFiles implements POutput {
  private final Pipeline pipeline;
  private final Map<FileFormat, PCollection<String>> files;

  private WrittenFiles(Pipeline pipeline, Map<FileFormat, PCollection<String>> files) {
    this.pipeline = pipeline;
    Map<FileFormat, PCollection<String>> copy = new EnumMap<>(FileFormat.class);
    copy.putAll(files);
    this.files = Collections.unmodifiableMap(copy);
  }

  /** Wraps the file-name collections of the writes, one per format written. */
  public static WrittenFiles of(Pipeline pipeline, Map<FileFormat, PCollection<String>> files) {
    return new WrittenFiles(pipeline, files);
  }

  /** The formats written. */
  public Set<FileFormat> formats() {
    return files.keySet();
  }

  /**
   * The files written in {@code format} (full paths).
   *
   * @throws IllegalArgumentException if the write did not write {@code format}
   */
  public PCollection<String> files(FileFormat format) {
    PCollection<String> c = files.get(format);
    if (c == null) {
      throw new IllegalArgumentException(
          format.label() + " was not written; the write wrote " + formats());
    }
    return c;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new LinkedHashMap<>();
    files.forEach((format, c) -> m.put(new TupleTag<String>(format.label()), c));
    return m;
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
