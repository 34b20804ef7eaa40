package org.flowbeam.transforms;

import java.util.function.Consumer;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.tcp.KeyAssembly;

/**
 * Ends each key's share of a run that carries flows: {@link KeyAssembly#endRun} against the series
 * end (a side input) writes the flows that no later packet can change to the main output and
 * outputs the assemblies to carry on {@link #CARRIED}; with {@code flush}, every flow is written
 * ({@link KeyAssembly#finish(long, java.util.function.Consumer)}) and nothing is carried.
 *
 * <p>The series end is read once per DoFn instance, as {@code NameEndOfDataFn} reads the dataset
 * end. The input assembly is copied before it is ended: an element may not be changed.
 *
 * <p>The flows it writes are added to the job's {@link JobProgress} and its {@code flows} counter
 * every {@link #PROGRESS_FLOWS} flows and per bundle.
 */
final class EndRunFn extends DoFn<KV<FlowKey, KeyAssembly>, FlowRecord> {
  /** Assemblies holding a flow to carry to the next run. */
  static final TupleTag<KV<FlowKey, KeyAssembly>> CARRIED =
      new TupleTag<KV<FlowKey, KeyAssembly>>() {};

  private final PCollectionView<Long> seriesEnd;
  private final boolean flush;

  /** Flows written between two additions to the job's progress within a bundle. */
  static final int PROGRESS_FLOWS = 4096;

  private final Counter carried = Metrics.counter(EndRunFn.class, "carried");
  private final Counter flows = Metrics.counter(EndRunFn.class, "flows");
  private transient Long seriesEndUs;
  private transient JobProgress progress;
  private transient long pendingFlows;

  EndRunFn(PCollectionView<Long> seriesEnd, boolean flush) {
    this.seriesEnd = seriesEnd;
    this.flush = flush;
  }

  @Setup
  public void setup(PipelineOptions options) {
    progress = JobProgress.of(options);
  }

  @ProcessElement
  public void process(ProcessContext c) throws CoderException {
    if (seriesEndUs == null) {
      seriesEndUs = c.sideInput(seriesEnd);
    }
    KeyAssembly assembly = CoderUtils.clone(KeyAssemblyCoder.of(), c.element().getValue());
    Consumer<FlowRecord> written =
        f -> {
          c.output(f);
          pendingFlows++;
        };
    if (flush) {
      assembly.finish(seriesEndUs, written);
    } else if (assembly.endRun(seriesEndUs, written)) {
      c.output(CARRIED, KV.of(assembly.key(), assembly));
      carried.inc();
    }
    if (pendingFlows >= PROGRESS_FLOWS) {
      addProgress();
    }
  }

  @FinishBundle
  public void finishBundle() {
    addProgress();
  }

  private void addProgress() {
    if (pendingFlows > 0) {
      flows.inc(pendingFlows);
      progress.addAssembled(0, pendingFlows);
      pendingFlows = 0;
    }
  }
}
