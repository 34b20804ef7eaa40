package org.flowbeam.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.values.KV;
import org.flowbeam.io.PacketFileRead;
import org.flowbeam.io.RangeReadFn;

/**
 * The input cut to its first {@code --maxRecords} records: the files taken in the order of their
 * paths, each framed from its start by the reader that reads it in the job, until the records add
 * up. The files before the cut are read whole, the file of the cut up to the offset of its first
 * record beyond it, the files after it not at all. Done by the client before the job, in one
 * sequential pass over the records it keeps (a look at a sample of a large capture costs what the
 * sample costs), so that the job's parallel ranges still read every kept record once.
 *
 * @param csv the packet CSV files to read
 * @param captures the captures to read
 * @param endOffsets where reading stops in the file of the cut (keyed by its resource id's text)
 */
record FirstRecordsCut(List<String> csv, List<String> captures, Map<String, Long> endOffsets) {

  static FirstRecordsCut of(
      InputFiles inputs,
      long maxRecords,
      PacketFileRead<?> csvRead,
      PacketFileRead<?> captureRead) {
    Set<String> csvFiles = new HashSet<>(inputs.csv());
    List<String> all = new ArrayList<>(inputs.csv());
    all.addAll(inputs.captures());
    all.sort(null);
    List<String> csv = new ArrayList<>();
    List<String> captures = new ArrayList<>();
    Map<String, Long> ends = new HashMap<>();
    long left = maxRecords;
    for (String file : all) {
      if (left == 0) {
        break;
      }
      boolean isCsv = csvFiles.contains(file);
      KV<String, RangeReadFn.FirstRecords> first;
      try {
        first = (isCsv ? csvRead : captureRead).firstRecords(file, left);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": " + e.getMessage(), e);
      }
      (isCsv ? csv : captures).add(file);
      if (first.getValue().wholeFile()) {
        left -= first.getValue().records();
      } else {
        ends.put(first.getKey(), first.getValue().endOffset());
        left = 0;
      }
    }
    return new FirstRecordsCut(List.copyOf(csv), List.copyOf(captures), Map.copyOf(ends));
  }
}
