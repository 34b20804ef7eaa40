package org.flowbeam.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.flowbeam.model.Packet;
import org.flowbeam.model.RejectedRecord;

/**
 * A tiny {@link InputFormat} for testing the shell: a record is a line, {@code P <µs> <src port>} a
 * TCP packet, {@code N <type>} a non-IP frame, anything else an error. A reader opened at {@code a
 * > 0} begins at the first line starting at or after {@code a} (TextSource's rule).
 */
final class LineRecords implements InputFormat<RecordReader> {
  private static final long serialVersionUID = 1L;

  @Override
  public RecordReader open(MatchResult.Metadata file, SeekableByteChannel channel, long start)
      throws IOException {
    channel.position(0);
    return new Reader(file.resourceId().toString(), Channels.newInputStream(channel), start);
  }

  @Override
  public RecordReader open(MatchResult.Metadata file, InputStream stream) throws IOException {
    return new Reader(file.resourceId().toString(), stream, 0);
  }

  private static final class Reader implements RecordReader {
    private final String file;
    private final byte[] bytes;
    private int next;
    private long offset;
    private String line;
    private Kind kind;
    private Packet packet;

    Reader(String file, InputStream in, long start) throws IOException {
      this.file = file;
      this.bytes = in.readAllBytes();
      this.next = (int) Math.min(start, bytes.length);
      if (next > 0) {
        while (next <= bytes.length && bytes[next - 1] != '\n') {
          next++;
        }
      }
    }

    @Override
    public boolean advance() {
      if (next >= bytes.length) {
        return false;
      }
      offset = next;
      int end = next;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      line = new String(bytes, next, end - next, StandardCharsets.UTF_8);
      next = end + 1;
      String[] f = line.split(" ");
      if (f[0].equals("P") && f.length == 3) {
        kind = Kind.PACKET;
        packet =
            Packet.builder()
                .timestampMicros(Long.parseLong(f[1]))
                .src("10.0.0.1", Integer.parseInt(f[2]))
                .dst("10.0.0.2", 80)
                .protocol(6)
                .length(60)
                .sourceOffset(offset)
                .build();
      } else if (f[0].equals("N") && f.length == 2) {
        kind = Kind.NON_IP;
      } else {
        kind = Kind.ERROR;
      }
      return true;
    }

    @Override
    public long offset() {
      return offset;
    }

    @Override
    public Kind kind() {
      return kind;
    }

    @Override
    public Packet packet() {
      return packet;
    }

    @Override
    public String nonIpType() {
      return line.substring(2);
    }

    @Override
    public RejectedRecord error() {
      return reject("not a record");
    }

    @Override
    public RejectedRecord reject(String reason) {
      return new RejectedRecord(file, offset, line, reason);
    }

    @Override
    public void close() {}
  }
}
