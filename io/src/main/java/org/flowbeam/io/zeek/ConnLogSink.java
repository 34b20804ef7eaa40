package org.flowbeam.io.zeek;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.flowbeam.model.CommunityId;
import org.flowbeam.model.FlowRecord;

/**
 * A {@link FileIO.Sink} writing flows as Zeek's conn.log ({@link ZeekConnLog}): each shard a whole
 * log that Zeek's tools read on its own. In {@link ConnLogFormat#TSV} a shard starts with Zeek's
 * header lines ({@code #separator} ... {@code #types}) and ends with {@code #close}; the {@code
 * #open} and {@code #close} times are when the shard was opened and finished (UTC). In {@link
 * ConnLogFormat#JSON} a shard holds one JSON object a line and nothing else, as Zeek's JSON logs.
 *
 * <pre>{@code
 * flows.apply(FileIO.<FlowRecord>write().via(new ConnLogSink(ConnLogFormat.TSV, CommunityId.DEFAULT))
 *     .to(dir).withPrefix("conn").withSuffix(".log"));
 * }</pre>
 */
public final class ConnLogSink implements FileIO.Sink<FlowRecord> {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();

  private final ConnLogFormat format;
  private final CommunityId communityId;
  private transient Writer writer;

  public ConnLogSink(ConnLogFormat format, CommunityId communityId) {
    this.format = format;
    this.communityId = communityId;
  }

  @Override
  public void open(WritableByteChannel channel) throws IOException {
    writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
    if (format == ConnLogFormat.TSV) {
      writer.write(ZeekConnLog.tsvHeader(Instant.now()));
    }
  }

  @Override
  public void write(FlowRecord flow) throws IOException {
    List<Object> row = ZeekConnLog.values(flow, communityId);
    if (format == ConnLogFormat.TSV) {
      writer.write(ZeekConnLog.tsvRow(row));
    } else {
      try (JsonGenerator g = JSON.createGenerator(writer)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        ZeekConnLog.jsonRow(row, g);
      }
      writer.write('\n');
    }
  }

  @Override
  public void flush() throws IOException {
    if (format == ConnLogFormat.TSV) {
      writer.write(ZeekConnLog.tsvClose(Instant.now()));
    }
    // FileIO closes the channel itself.
    writer.flush();
  }
}
