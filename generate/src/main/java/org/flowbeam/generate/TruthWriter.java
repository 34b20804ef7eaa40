package org.flowbeam.generate;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.flowbeam.model.CloseReason;

/**
 * Writes the ground-truth flow file: one CSV row per flow FlowBeam is expected to find, in the
 * order the generator settles them (not sorted).
 *
 * <p>Columns: {@value #HEADER}. {@code packets_fwd} counts packets from the initiator; bytes are
 * wire lengths, as in FlowBeam's flow output; {@code state} and {@code close_reason} use FlowBeam's
 * labels.
 */
final class TruthWriter implements Closeable {
  static final String HEADER =
      "initiator_ip,initiator_port,responder_ip,responder_port,start_us,end_us,packets,bytes,"
          + "packets_fwd,packets_rev,state,close_reason";

  private final Writer out;
  private final Hosts hosts;
  private final StringBuilder row = new StringBuilder(160);
  private long rows;

  TruthWriter(Path file, Hosts hosts) throws IOException {
    this.out =
        new BufferedWriter(
            new OutputStreamWriter(Outputs.open(file), StandardCharsets.US_ASCII), 1 << 16);
    this.hosts = hosts;
    out.write(HEADER);
    out.write('\n');
  }

  void write(TruthFlow f, CloseReason reason) throws IOException {
    Endpoints e = f.endpoints;
    row.setLength(0);
    row.append(hosts.textString(e.client(), e.v6()))
        .append(',')
        .append(e.clientPort())
        .append(',')
        .append(hosts.textString(e.server(), e.v6()))
        .append(',')
        .append(e.serverPort())
        .append(',')
        .append(f.startUs)
        .append(',')
        .append(f.endUs)
        .append(',')
        .append(f.packetsFwd + f.packetsRev)
        .append(',')
        .append(f.bytesFwd + f.bytesRev)
        .append(',')
        .append(f.packetsFwd)
        .append(',')
        .append(f.packetsRev)
        .append(',')
        .append(f.state().label())
        .append(',')
        .append(reason.label())
        .append('\n');
    out.append(row);
    rows++;
  }

  long rows() {
    return rows;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
