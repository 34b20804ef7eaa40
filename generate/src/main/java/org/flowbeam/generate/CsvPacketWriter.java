package org.flowbeam.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.flowbeam.model.IpProtocol;

/**
 * Writes TimeArcs packet CSV: {@value #HEADER}, one row per packet, timestamps in µs. UDP rows
 * carry flags, seq_num and ack_num 0. Numbers are formatted straight into the byte buffer.
 */
final class CsvPacketWriter extends PacketWriter {
  static final String HEADER =
      "timestamp,src_ip,dst_ip,src_port,dst_port,flags,seq_num,ack_num,length,protocol";

  private final Hosts hosts;
  private final byte[] digits = new byte[20];

  CsvPacketWriter(OutputStream out, Hosts hosts) throws IOException {
    super(out);
    this.hosts = hosts;
    byte[] h = (HEADER + "\n").getBytes(StandardCharsets.US_ASCII);
    ensure(h.length);
    System.arraycopy(h, 0, buf, pos, h.length);
    pos += h.length;
  }

  @Override
  void write(SynthPacket p) throws IOException {
    ensure(256);
    boolean v6 = p.endpoints.v6();
    boolean tcp = p.endpoints.protocol() == IpProtocol.TCP;
    number(p.timestampUs);
    buf[pos++] = ',';
    bytes(hosts.text(p.srcHost(), v6));
    buf[pos++] = ',';
    bytes(hosts.text(p.dstHost(), v6));
    buf[pos++] = ',';
    number(p.srcPort());
    buf[pos++] = ',';
    number(p.dstPort());
    buf[pos++] = ',';
    number(tcp ? p.flags : 0);
    buf[pos++] = ',';
    number(tcp ? p.seq & 0xffffffffL : 0);
    buf[pos++] = ',';
    number(tcp ? p.ack & 0xffffffffL : 0);
    buf[pos++] = ',';
    number(p.wireLength());
    buf[pos++] = ',';
    number(p.endpoints.protocol());
    buf[pos++] = '\n';
  }

  private void bytes(byte[] b) {
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /** A non-negative decimal. */
  private void number(long v) {
    if (v < 10) {
      buf[pos++] = (byte) ('0' + v);
      return;
    }
    int n = 0;
    while (v > 0) {
      digits[n++] = (byte) ('0' + v % 10);
      v /= 10;
    }
    while (n > 0) {
      buf[pos++] = digits[--n];
    }
  }
}
