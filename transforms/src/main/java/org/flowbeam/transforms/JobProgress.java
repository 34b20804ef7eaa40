package org.flowbeam.transforms;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * How far a running job has got, counted by its steps in this JVM for the client that runs it (the
 * command line's progress line): bytes and records read, packets and flow-protocol packets read,
 * those packets through the keyed flow stage, and flows that stage has ended.
 *
 * <p>Why not Beam's metrics: the Direct Runner and Flink's batch runner block in {@code run()}
 * until the job ends, and on Flink a reading task's metrics reach the client only when the task
 * ends. This registry is read while the job runs, by another thread of the same JVM; it works for
 * the Direct Runner and for Flink embedded in the client's JVM. In a JVM where no client registered
 * the job (a cluster's TaskManager) {@link #of} returns {@link #NONE}, which ignores what is added;
 * the client of a cluster reads the cluster's metrics instead.
 *
 * <p>Steps add per byte range or per bundle, never per packet, so the cost is a few atomic adds per
 * thousands of packets.
 *
 * <pre>{@code
 * JobProgress progress = JobProgress.register(options.getJobName()); // client, before run()
 * JobProgress.of(options).addRead(bytes, records, packets, flowPackets); // a step
 * progress.snapshot().bytes(); // client, while the job runs
 * JobProgress.unregister(options.getJobName(), progress); // client, after the job
 * }</pre>
 */
public final class JobProgress {
  /** The jobs whose clients run in this JVM, by job name. */
  private static final ConcurrentMap<String, JobProgress> REGISTERED = new ConcurrentHashMap<>();

  /** The progress of a job no client in this JVM watches: adds are ignored. */
  public static final JobProgress NONE = new JobProgress(false);

  private static final long NOT_STARTED = Long.MIN_VALUE;

  private final boolean watched;
  private final AtomicLong firstRangeNanos = new AtomicLong(NOT_STARTED);
  private final LongAdder bytes = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder packets = new LongAdder();
  private final LongAdder flowPackets = new LongAdder();
  private final LongAdder assembledPackets = new LongAdder();
  private final LongAdder flows = new LongAdder();

  private JobProgress(boolean watched) {
    this.watched = watched;
  }

  /**
   * Starts counting the job named {@code jobName} ({@link PipelineOptions#getJobName()}) in this
   * JVM; a job registered earlier under the name is replaced.
   */
  public static JobProgress register(String jobName) {
    JobProgress progress = new JobProgress(true);
    REGISTERED.put(jobName, progress);
    return progress;
  }

  /** Stops counting {@code progress}, registered under {@code jobName}. */
  public static void unregister(String jobName, JobProgress progress) {
    REGISTERED.remove(jobName, progress);
  }

  /** The progress of the job {@code options} belong to, or {@link #NONE} if none is registered. */
  public static JobProgress of(PipelineOptions options) {
    return REGISTERED.getOrDefault(options.getJobName(), NONE);
  }

  /** Notes that a byte range starts being read: the first call marks the start of processing. */
  public void rangeStarted() {
    if (watched && firstRangeNanos.get() == NOT_STARTED) {
      firstRangeNanos.compareAndSet(NOT_STARTED, System.nanoTime());
    }
  }

  /**
   * Adds bytes of input files and the records, packets and flow-protocol packets read from them.
   */
  public void addRead(long bytes, long records, long packets, long flowPackets) {
    if (watched) {
      this.bytes.add(bytes);
      this.records.add(records);
      this.packets.add(packets);
      this.flowPackets.add(flowPackets);
    }
  }

  /** Adds flow-protocol packets that went through the keyed flow stage and flows it ended. */
  public void addAssembled(long flowPackets, long flows) {
    if (watched) {
      assembledPackets.add(flowPackets);
      this.flows.add(flows);
    }
  }

  /** The counts so far. */
  public Snapshot snapshot() {
    long first = firstRangeNanos.get();
    return new Snapshot(
        first != NOT_STARTED,
        first == NOT_STARTED ? 0 : first,
        bytes.sum(),
        records.sum(),
        packets.sum(),
        flowPackets.sum(),
        assembledPackets.sum(),
        flows.sum());
  }

  /**
   * The counts of a job at one moment.
   *
   * @param started whether a byte range has started being read
   * @param firstRangeNanos when the first range started ({@link System#nanoTime()}), if started
   */
  public record Snapshot(
      boolean started,
      long firstRangeNanos,
      long bytes,
      long records,
      long packets,
      long flowPackets,
      long assembledPackets,
      long flows) {}
}
