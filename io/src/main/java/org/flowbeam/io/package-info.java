/**
 * FlowBeam's inputs and outputs.
 *
 * <p>Reading has one path for every format. A format implements {@link
 * org.flowbeam.io.InputFormat}: open a file at an offset and frame its records with a {@link
 * org.flowbeam.io.RecordReader} (each record's offset, and a packet, a non-IP frame or an error).
 * {@link org.flowbeam.io.RangeReadFn}, the one splittable DoFn, owns everything else: byte-range
 * restrictions (a compressed file read whole), the claim loop (a record belongs to the range in
 * which its first byte lies), the per-range counts, the metrics and the job's progress ({@code
 * JobProgress}), the digest into flow fragments and partial sums, the rejected records, and two
 * declared outputs with the rest multiplexed ({@link org.flowbeam.io.MultiplexedOutputs}). {@link
 * org.flowbeam.io.ReadFiles} applies it to {@code ReadableFile}s; {@link
 * org.flowbeam.io.PacketFileRead} matches the patterns of a {@link org.flowbeam.io.ReadSpec} first.
 * {@code PcapIO} (pcap and pcapng) and {@code PacketCsvIO} are that read with their format. A read
 * yields a {@link org.flowbeam.io.PacketReadResult} (packets) or, with {@code withDigest}, a {@link
 * org.flowbeam.io.DigestReadResult} (the digest, and the packets when asked for).
 *
 * <p>{@code FlowSinks} writes flows, statistics and rejected records as sharded CSV and Avro, and
 * the TimeArcs layout.
 */
package org.flowbeam.io;
