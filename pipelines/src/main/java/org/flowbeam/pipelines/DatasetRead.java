package org.flowbeam.pipelines;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
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
import org.flowbeam.io.PacketCsvIO;
import org.flowbeam.io.PacketReadResult;
import org.flowbeam.io.PcapIO;
import org.flowbeam.io.pcap.CaptureSummary;
import org.flowbeam.io.pcap.PcapReadResult;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketCoder;
import org.flowbeam.model.RejectedRecord;
import org.flowbeam.model.RejectedRecordCoder;
import org.flowbeam.transforms.PacketDigest;

/**
 * Reads a dataset of packet CSV files and captures as one: the CSV reader and the capture reader
 * each get their files, and their packets, rejected records and records read are flattened, so
 * everything downstream is shared. With a digest, the readers digest their packets and the digests
 * are flattened too. Captures add non-IP frame counts and per-file summaries.
 *
 * @param packets packets, rejected records and records read per file, of every input
 * @param nonIpCounts frames without an IP packet, by type (captures only)
 * @param captureSummaries what {@code capinfos} would say of each capture
 */
record DatasetRead(
    PacketReadResult packets,
    PCollection<KV<String, Long>> nonIpCounts,
    PCollection<KV<String, CaptureSummary>> captureSummaries) {

  /**
   * @param digest digest the packets in the readers (see {@link PacketReadResult#getDigest()}), or
   *     null to output them
   */
  static DatasetRead read(
      Pipeline p, InputFiles inputs, FlowBeamOptions o, @Nullable PacketDigest digest) {
    List<PCollection<Packet>> packets = new ArrayList<>();
    List<PacketDigest.Result> digests = new ArrayList<>();
    List<PCollection<RejectedRecord>> errors = new ArrayList<>();
    List<PCollection<KV<String, Long>>> recordsRead = new ArrayList<>();
    List<PCollection<KV<String, Long>>> nonIp = new ArrayList<>();
    List<PCollection<KV<String, CaptureSummary>>> summaries = new ArrayList<>();
    long splitSize = (long) o.getSplitSizeMb() << 20;
    if (!inputs.csv().isEmpty()) {
      PacketCsvIO.Read read =
          PacketCsvIO.read()
              .from(String.join(",", inputs.csv()))
              .withDesiredSplitSizeBytes(splitSize);
      if (o.getIpMap() != null) {
        read = read.withIpMapFile(o.getIpMap());
      }
      if (digest != null) {
        read = read.withDigest(digest);
      }
      PacketReadResult csv = p.apply("ReadCsv", read);
      packets.add(csv.getOutput());
      if (digest != null) {
        digests.add(csv.getDigest());
      }
      errors.add(csv.getErrors());
      recordsRead.add(csv.getRecordsRead());
    }
    if (!inputs.captures().isEmpty()) {
      PcapIO.Read read =
          PcapIO.read().from(String.join(",", inputs.captures())).withSplitSize(splitSize);
      if (digest != null) {
        read = read.withDigest(digest);
      }
      PcapReadResult pcap = p.apply("ReadCaptures", read);
      packets.add(pcap.getOutput());
      if (digest != null) {
        digests.add(pcap.packetResult().getDigest());
      }
      errors.add(pcap.getErrors());
      recordsRead.add(pcap.getRecordsRead());
      nonIp.add(pcap.getNonIpCounts());
      summaries.add(pcap.getSummaries());
    }
    KvCoder<String, Long> countCoder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    return new DatasetRead(
        PacketReadResult.of(
            flatten(p, "AllPackets", packets, PacketCoder.of()),
            flatten(p, "AllRejected", errors, RejectedRecordCoder.of()),
            flatten(p, "AllRecordsRead", recordsRead, countCoder),
            digest == null ? null : PacketDigest.Result.flatten("AllDigests", digests)),
        flatten(p, "AllNonIp", nonIp, countCoder),
        flatten(
            p,
            "AllCaptureSummaries",
            summaries,
            KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(CaptureSummary.class))));
  }

  private static <T> PCollection<T> flatten(
      Pipeline p,
      String name,
      List<PCollection<T>> parts,
      org.apache.beam.sdk.coders.Coder<T> coder) {
    if (parts.isEmpty()) {
      return p.apply(name, Create.empty(coder));
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return PCollectionList.of(parts).apply(name, Flatten.pCollections()).setCoder(coder);
  }
}
