package org.flowbeam.testing;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;

/**
 * Builds hand-made TCP packet traces for tests: one conversation between a client and a server,
 * with sequence numbers that advance as a real stack's would.
 *
 * <pre>{@code
 * List<Packet> p = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000)
 *     .handshake().clientData(100).serverData(500).closeByClient().packets();
 * }</pre>
 */
public final class Trace {
  /** Ethernet, IPv4 and TCP headers without options. */
  private static final int HEADER = 54;

  private static final int ETHERNET = 14;

  private final String client;
  private final int clientPort;
  private final String server;
  private final int serverPort;
  private final List<Packet> packets = new ArrayList<>();
  private long now;
  private long step = 1_000;
  private long clientSeq = 1_000;
  private long serverSeq = 50_000;

  private Trace(String client, int clientPort, String server, int serverPort) {
    this.client = client;
    this.clientPort = clientPort;
    this.server = server;
    this.serverPort = serverPort;
  }

  public static Trace between(String client, int clientPort, String server, int serverPort) {
    return new Trace(client, clientPort, server, serverPort);
  }

  /** Sets the time of the next packet (µs); later packets follow {@link #step} apart. */
  public Trace at(long micros) {
    this.now = micros;
    return this;
  }

  /** Waits {@code micros} before the next packet. */
  public Trace after(long micros) {
    this.now += micros;
    return this;
  }

  /** Sets the client's next sequence number (a new connection's ISN). */
  public Trace clientIsn(long isn) {
    this.clientSeq = isn;
    return this;
  }

  public Trace fromClient(int flags, int payload) {
    add(true, flags, payload);
    return this;
  }

  public Trace fromServer(int flags, int payload) {
    add(false, flags, payload);
    return this;
  }

  public Trace syn() {
    return fromClient(TcpFlags.SYN, 0);
  }

  public Trace synAck() {
    return fromServer(TcpFlags.SYN | TcpFlags.ACK, 0);
  }

  public Trace ack() {
    return fromClient(TcpFlags.ACK, 0);
  }

  public Trace handshake() {
    return syn().synAck().ack();
  }

  public Trace clientData(int bytes) {
    return fromClient(TcpFlags.PSH | TcpFlags.ACK, bytes).fromServer(TcpFlags.ACK, 0);
  }

  public Trace serverData(int bytes) {
    return fromServer(TcpFlags.PSH | TcpFlags.ACK, bytes).fromClient(TcpFlags.ACK, 0);
  }

  /** FIN from the client, FIN-ACK from the server, last ACK from the client. */
  public Trace closeByClient() {
    return fromClient(TcpFlags.FIN | TcpFlags.ACK, 0)
        .fromServer(TcpFlags.FIN | TcpFlags.ACK, 0)
        .fromClient(TcpFlags.ACK, 0);
  }

  public Trace resetByServer() {
    return fromServer(TcpFlags.RST | TcpFlags.ACK, 0);
  }

  public List<Packet> packets() {
    return List.copyOf(packets);
  }

  private void add(boolean fromClient, int flags, int payload) {
    long seq = fromClient ? clientSeq : serverSeq;
    long ack = (flags & TcpFlags.ACK) != 0 ? (fromClient ? serverSeq : clientSeq) : 0;
    Packet.Builder b =
        Packet.builder()
            .timestampMicros(now)
            .protocol(IpProtocol.TCP)
            .flags(flags)
            .seq(seq & 0xffffffffL)
            .ack(ack & 0xffffffffL)
            .length(HEADER + payload)
            .ipLength(HEADER - ETHERNET + payload)
            .payloadLength(payload)
            .sourceOffset(packets.size());
    if (fromClient) {
      b.src(client, clientPort).dst(server, serverPort);
    } else {
      b.src(server, serverPort).dst(client, clientPort);
    }
    packets.add(b.build());
    long advance = payload + ((flags & (TcpFlags.SYN | TcpFlags.FIN)) != 0 ? 1 : 0);
    if (fromClient) {
      clientSeq += advance;
    } else {
      serverSeq += advance;
    }
    now += step;
  }
}
