package org.flowbeam.io.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.flowbeam.io.InputFormat;
import org.flowbeam.io.RecordReader;

/**
 * Packet CSV as a {@link InputFormat}: a record is a row, framed by {@link PacketCsvReader} under
 * TextSource's split rule and parsed by {@link PacketCsvRowParser}; integer address ids are
 * resolved through an {@link IpMap}.
 */
public final class PacketCsvFormat implements InputFormat<RecordReader> {
  private static final long serialVersionUID = 1L;

  private final IpMap ipMap;
  private final int maxRowBytes;

  public PacketCsvFormat(IpMap ipMap) {
    this(ipMap, PacketCsvReader.DEFAULT_MAX_ROW_BYTES);
  }

  PacketCsvFormat(IpMap ipMap, int maxRowBytes) {
    this.ipMap = ipMap;
    this.maxRowBytes = maxRowBytes;
  }

  @Override
  public RecordReader open(MatchResult.Metadata file, SeekableByteChannel channel, long start)
      throws IOException {
    return PacketCsvReader.open(file.resourceId().toString(), ipMap, maxRowBytes, channel, start);
  }

  @Override
  public RecordReader open(MatchResult.Metadata file, InputStream stream) throws IOException {
    return PacketCsvReader.open(file.resourceId().toString(), ipMap, maxRowBytes, stream);
  }
}
