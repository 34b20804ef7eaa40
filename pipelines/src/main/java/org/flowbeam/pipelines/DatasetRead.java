package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.flowbeam.io.DigestReadResult;
import org.flowbeam.io.PacketCsvIO;
import org.flowbeam.io.PacketFileRead;
import org.flowbeam.io.PcapIO;
import org.flowbeam.io.filter.PacketFilter;
import org.flowbeam.io.pcap.CaptureSummary;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.RejectedRecordCoder;
import org.flowbeam.transforms.PacketDigest;

/**
 * Reads a dataset of packet CSV files and captures as one: the CSV reader and the capture reader
 * each get their files and digest the packets they decode, and their digests, rejected records,
 * counts (and packets, when asked for) are flattened, so everything downstream is shared.
 *
 * @param digest the digest of every packet read
 * @param packets every packet read, or null unless asked for
 * @param errors rejected records of every input
 * @param recordsRead records framed per file (one element per range)
 * @param nonIpCounts frames without an IP packet, by type
 * @param filteredCounts packets the filter options left out, by reason
 * @param captureSummaries what {@code capinfos} would say of each capture
 */
record DatasetRead(
    PacketDigest.Result digest,
    @Nullable PCollection<Packet> packets,
    PCollection<RejectedRecord> errors,
    PCollection<KV<String, Long>> recordsRead,
    PCollection<KV<String, Long>> nonIpCounts,
    PCollection<KV<String, Long>> filteredCounts,
    PCollection<KV<String, CaptureSummary>> captureSummaries) {

  /**
   * @param keepPackets output the packets too (for the TimeArcs layout), beside their digest
   */
  static DatasetRead read(
      Pipeline p, InputFiles inputs, FlowBeamOptions o, PacketDigest digest, boolean keepPackets) {
    List<DigestReadResult> reads = new ArrayList<>();
    List<PCollection<KV<String, CaptureSummary>>> summaries = new ArrayList<>();
    long splitSize = (long) o.getSplitSizeMb() << 20;
    PacketFilter filter = PacketFilterOptions.filter(o);
    PacketCsvIO.Read csvRead = PacketCsvIO.read().withSplitSize(splitSize).withFilter(filter);
    if (o.getIpMap() != null) {
      csvRead = csvRead.withIpMapFile(o.getIpMap());
    }
    PcapIO.Read captureRead =
        PcapIO.read()
            .withSplitSize(splitSize)
            .withFilter(filter)
            .withDecapsulation(o.getDecapsulate());
    List<String> csv = inputs.csv();
    List<String> captures = inputs.captures();
    if (o.getMaxRecords() > 0) {
      FirstRecordsCut cut = FirstRecordsCut.of(inputs, o.getMaxRecords(), csvRead, captureRead);
      csv = cut.csv();
      captures = cut.captures();
      csvRead = csvRead.withEndOffsets(cut.endOffsets());
      captureRead = captureRead.withEndOffsets(cut.endOffsets());
    }
    if (!csv.isEmpty()) {
      reads.add(
          p.apply("ReadCsv", digesting(csvRead.from(String.join(",", csv)), digest, keepPackets)));
    }
    if (!captures.isEmpty()) {
      DigestReadResult pcap =
          p.apply(
              "ReadCaptures",
              digesting(captureRead.from(String.join(",", captures)), digest, keepPackets));
      reads.add(pcap);
      summaries.add(PcapIO.summaries(pcap));
    }
    List<PacketDigest.Result> digests = new ArrayList<>();
    List<PCollection<Packet>> packets = new ArrayList<>();
    List<PCollection<RejectedRecord>> errors = new ArrayList<>();
    List<PCollection<KV<String, Long>>> recordsRead = new ArrayList<>();
    List<PCollection<KV<String, Long>>> nonIp = new ArrayList<>();
    List<PCollection<KV<String, Long>>> filtered = new ArrayList<>();
    for (DigestReadResult r : reads) {
      digests.add(r.getDigest());
      if (keepPackets) {
        packets.add(r.getPackets());
      }
      errors.add(r.getErrors());
      recordsRead.add(r.getRecordsRead());
      nonIp.add(r.getNonIpCounts());
      filtered.add(r.getFilteredCounts());
    }
    KvCoder<String, Long> countCoder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    return new DatasetRead(
        digests.isEmpty()
            ? PacketDigest.Result.empty(p, "NoInput", digest.binSizeUs())
            : PacketDigest.Result.flatten("AllDigests", digests),
        keepPackets ? flatten(p, "AllPackets", packets, PacketCoder.of()) : null,
        flatten(p, "AllRejected", errors, RejectedRecordCoder.of()),
        flatten(p, "AllRecordsRead", recordsRead, countCoder),
        flatten(p, "AllNonIp", nonIp, countCoder),
        flatten(p, "AllFiltered", filtered, countCoder),
        flatten(
            p,
            "AllCaptureSummaries",
            summaries,
            KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(CaptureSummary.class))));
  }

  private static PacketFileRead.Digesting digesting(
      PacketFileRead<?> read, PacketDigest digest, boolean keepPackets) {
    PacketFileRead.Digesting digesting = read.withDigest(digest);
    return keepPackets ? digesting.withPackets() : digesting;
  }

  private static <T> PCollection<T> flatten(
      Pipeline p, String name, List<PCollection<T>> parts, Coder<T> coder) {
    if (parts.isEmpty()) {
      return p.apply(name, Create.empty(coder));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return PCollectionList.of(parts).apply(name, Flatten.pCollections()).setCoder(coder);
  }
}
