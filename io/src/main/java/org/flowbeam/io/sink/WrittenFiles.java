package org.flowbeam.io.sink;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What one {@link org.flowbeam.io.FlowSinks} write produced: the names of the CSV and the Avro
 * files it finalized (full paths, one element per shard). A format that was switched off gives an
 * empty collection. The pipeline can list them in its manifest, or wait on them.
 */
public final class WrittenFiles implements POutput {
  public static final TupleTag<String> CSV = new TupleTag<String>() {};
  public static final TupleTag<String> AVRO = new TupleTag<String>() {};

  private final Pipeline pipeline;
  private final PCollection<String> csvFiles;
  private final PCollection<String> avroFiles;

  private WrittenFiles(
      Pipeline pipeline, PCollection<String> csvFiles, PCollection<String> avroFiles) {
    this.pipeline = pipeline;
    this.csvFiles = csvFiles;
    this.avroFiles = avroFiles;
  }

  /** Wraps the file-name collections of the two writes. */
  public static WrittenFiles of(PCollection<String> csvFiles, PCollection<String> avroFiles) {
    return new WrittenFiles(csvFiles.getPipeline(), csvFiles, avroFiles);
  }

  /** The CSV shards written (full paths). */
  public PCollection<String> getCsvFiles() {
    return csvFiles;
  }

  /** The Avro shards written (full paths). */
  public PCollection<String> getAvroFiles() {
    return avroFiles;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> m = new LinkedHashMap<>();
    m.put(CSV, csvFiles);
    m.put(AVRO, avroFiles);
    return m;
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
