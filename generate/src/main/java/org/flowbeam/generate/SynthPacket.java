package org.flowbeam.generate;

/**
 * One generated packet before it is written: mutable, owned by its conversation until emitted.
 *
 * <p>{@link #swapContent} exchanges everything but the timestamp with a neighbour: that is how
 * reordering is made, so the capture stays sorted by time while a later segment is seen first.
 */
final class SynthPacket {
  /** What the packet is in its conversation; the truth follows the handshake by role. */
  static final byte DATA = 0;

  static final byte PURE_ACK = 1;
  static final byte RETRANSMISSION = 2;
  static final byte FIRST_SYN = 3;
  static final byte SYN_RETRANSMISSION = 4;
  static final byte SYN_ACK = 5;
  static final byte HANDSHAKE_ACK = 6;
  static final byte CLOSE = 7;
  static final byte UDP = 8;

  final Endpoints endpoints;
  long timestampUs;
  boolean fromClient;
  int flags;
  long seq;
  long ack;
  int payload;

  /** TCP option bytes (SYN and SYN-ACK carry 20). */
  int options;

  byte role;

  /** May be exchanged with a neighbour by reordering. */
  boolean swappable;

  SynthPacket(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /**
   * The same segment sent again at {@code timestampUs} (a retransmission): same sequence number.
   */
  SynthPacket resentAt(long timestampUs, byte newRole) {
    SynthPacket p = new SynthPacket(endpoints);
    p.timestampUs = timestampUs;
    p.fromClient = fromClient;
    p.flags = flags;
    p.seq = seq;
    p.ack = ack;
    p.payload = payload;
    p.options = options;
    p.role = newRole;
    p.swappable = swappable;
    return p;
  }

  /** Bytes on the wire: Ethernet, IP, TCP or UDP header, options and payload. */
  int wireLength() {
    int ip = endpoints.v6() ? 40 : 20;
    int l4 = endpoints.protocol() == org.flowbeam.model.IpProtocol.TCP ? 20 + options : 8;
    return 14 + ip + l4 + payload;
  }

  int srcHost() {
    return fromClient ? endpoints.client() : endpoints.server();
  }

  int dstHost() {
    return fromClient ? endpoints.server() : endpoints.client();
  }

  int srcPort() {
    return fromClient ? endpoints.clientPort() : endpoints.serverPort();
  }

  int dstPort() {
    return fromClient ? endpoints.serverPort() : endpoints.clientPort();
  }

  /** Exchanges all but the timestamp with {@code o}. */
  void swapContent(SynthPacket o) {
    boolean fc = fromClient;
    fromClient = o.fromClient;
    o.fromClient = fc;
    int f = flags;
    flags = o.flags;
    o.flags = f;
    long s = seq;
    seq = o.seq;
    o.seq = s;
    long a = ack;
    ack = o.ack;
    o.ack = a;
    int p = payload;
    payload = o.payload;
    o.payload = p;
    int op = options;
    options = o.options;
    o.options = op;
    byte r = role;
    role = o.role;
    o.role = r;
  }
}
