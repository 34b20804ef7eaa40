package org.flowbeam.generate;

import org.flowbeam.model.TcpFlags;

/**
 * The two sequence numbers of one TCP connection and the segments that advance them: a segment
 * carries its sender's next sequence number and, with the ACK flag, acknowledges everything the
 * other side has sent; its payload, plus one for SYN and FIN, advances its sender's number (mod
 * 2^32). SYN and SYN-ACK carry 20 bytes of options.
 */
final class TcpSequences {
  /** The client's next sequence number. */
  long client;

  /** The server's next sequence number. */
  long server;

  /** Sets both initial sequence numbers. */
  void start(long clientIsn, long serverIsn) {
    client = clientIsn & 0xffffffffL;
    server = serverIsn & 0xffffffffL;
  }

  /** The next segment of {@code endpoints} from one side at {@code timestampUs}. */
  SynthPacket segment(
      Endpoints endpoints,
      long timestampUs,
      boolean fromClient,
      int flags,
      int payload,
      byte role) {
    SynthPacket p = new SynthPacket(endpoints);
    p.timestampUs = timestampUs;
    p.fromClient = fromClient;
    p.flags = flags;
    p.seq = fromClient ? client : server;
    p.ack = (flags & TcpFlags.ACK) != 0 ? (fromClient ? server : client) : 0;
    p.payload = payload;
    p.options = (flags & TcpFlags.SYN) != 0 ? 20 : 0;
    p.role = role;
    long advance = payload + ((flags & (TcpFlags.SYN | TcpFlags.FIN)) != 0 ? 1 : 0);
    if (fromClient) {
      client = (client + advance) & 0xffffffffL;
    } else {
      server = (server + advance) & 0xffffffffL;
    }
    return p;
  }
}
