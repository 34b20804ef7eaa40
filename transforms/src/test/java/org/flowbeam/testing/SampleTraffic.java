package org.flowbeam.testing;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.flowbeam.model.TcpFlags;

/** Hand-built traffic that tests of flow assembly share, with the flows it must give. */
public final class SampleTraffic {
  private SampleTraffic() {}

  /**
   * Four TCP flows on two 5-tuples: on IPv4 a connection closed by FIN, then the same 5-tuple
   * reused 3 s later by a connection that is reset (port reuse); on IPv6 a connection whose server
   * answers after 400 s, past the idle timeout (an idle split).
   */
  public static List<Packet> portReuseAndIdleSplit() {
    List<Packet> all = new ArrayList<>();
    Trace a = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000);
    a.handshake().clientData(100).serverData(1000).closeByClient();
    a.after(3_000_000).clientIsn(555_555).handshake().clientData(7).resetByServer();
    all.addAll(a.packets());
    Trace b = Trace.between("2001:db8::1", 5000, "2001:db8::2", 443).at(1_500_000);
    b.handshake().clientData(10).after(400_000_000).serverData(20);
    all.addAll(b.packets());
    return all;
  }

  /**
   * Several 5-tuples at once over 45 s, so that the time of the newest packet runs ahead of a key's
   * own: a connection (port 5000) that sends a keep-alive every second throughout; one (port 40000)
   * with a FIN close whose last ACK comes 1.5 s later, a stray ACK 3 s after that (in the closed
   * flow; with a 2 s close linger, a flow of its own) and a new connection reset by the server; and
   * one (port 6000) that stops after 7 packets without a FIN and never comes back.
   */
  public static List<Packet> busyTraffic() {
    List<Packet> all = new ArrayList<>();
    Trace keepAlive = Trace.between("10.0.1.1", 5000, "10.0.1.2", 22).at(0).handshake();
    for (int i = 0; i < 45; i++) {
      keepAlive.after(1_000_000).fromClient(TcpFlags.ACK, 0);
    }
    all.addAll(keepAlive.packets());
    Trace story = Trace.between("10.0.0.1", 40000, "10.0.0.2", 80).at(1_000_000);
    story.handshake().clientData(100).serverData(1000);
    story.after(4_000_000).clientData(10).serverData(30);
    story.fromClient(TcpFlags.FIN | TcpFlags.ACK, 0).fromServer(TcpFlags.FIN | TcpFlags.ACK, 0);
    story.after(1_500_000).fromClient(TcpFlags.ACK, 0);
    story.after(3_000_000).fromClient(TcpFlags.ACK, 0);
    story.after(1_000_000).clientIsn(777_777).handshake().clientData(5).resetByServer();
    all.addAll(story.packets());
    Trace gone = Trace.between("10.0.2.1", 6000, "10.0.2.2", 443).at(2_000_000);
    all.addAll(gone.handshake().clientData(50).serverData(60).packets());
    all.sort(Packet.EVENT_ORDER);
    return all;
  }

  /**
   * {@link #busyTraffic()} and a UDP packet at 7.9 s: the newest packet of a first run cut before
   * the port-40000 connection's stray ACK, so non-TCP traffic moves the series end past that
   * connection's close linger when one of 2 s is set ({@code --closeLinger=2}), and the run writes
   * it; without one the run carries it.
   */
  public static List<Packet> busyTrafficWithLateUdp() {
    List<Packet> all = new ArrayList<>(busyTraffic());
    all.add(
        Packet.builder()
            .timestampMicros(7_900_000)
            .src("10.0.0.9", 53)
            .dst("10.0.0.1", 5353)
            .protocol(IpProtocol.UDP)
            .length(80)
            .build());
    all.sort(Packet.EVENT_ORDER);
    return all;
  }

  /**
   * UDP and ICMP flows with known answers, over 100 s (each flow's expected record is in {@code
   * DatagramFlowTrackerTest}):
   *
   * <ul>
   *   <li>DNS 10.0.0.1:5353 ↔ 10.0.0.53:53: two query/answer pairs at 1 s and 30 s, then a query at
   *       100 s, 70 s after the last answer (past UDP's 60 s idle timeout: a second flow);
   *   <li>syslog 10.0.0.2:40514 → 10.0.0.9:514: four datagrams one way, 2–5 s;
   *   <li>ping 10.0.0.1 → 8.8.8.8, identifier 7: three echo requests and replies, 10–12 s; and
   *       identifier 8 at 10.5 s, one request and no reply (another flow);
   *   <li>ping 2001:db8::1 → 2001:db8::2 (ICMPv6), identifier 1: one request and reply at 20 s;
   *   <li>ping 10.0.0.1 → 8.8.4.4, identifier 9, seen from a reply at 50 s, then a request and its
   *       reply at 51 s;
   *   <li>10.0.0.53 → 10.0.0.1 ICMP port unreachable (type 3, code 3) at 100.001 s, the answer to
   *       the last query.
   * </ul>
   */
  public static List<Packet> datagramTraffic() {
    List<Packet> all = new ArrayList<>();
    String client = "10.0.0.1";
    String dns = "10.0.0.53";
    all.add(Datagrams.udp(1_000_000, client, 5353, dns, 53, 80));
    all.add(Datagrams.udp(1_020_000, dns, 53, client, 5353, 200));
    all.add(Datagrams.udp(30_000_000, client, 5353, dns, 53, 80));
    all.add(Datagrams.udp(30_015_000, dns, 53, client, 5353, 220));
    all.add(Datagrams.udp(100_000_000, client, 5353, dns, 53, 90));
    for (int i = 0; i < 4; i++) {
      all.add(Datagrams.udp(2_000_000 + i * 1_000_000L, "10.0.0.2", 40514, "10.0.0.9", 514, 120));
    }
    for (int seq = 1; seq <= 3; seq++) {
      long t = 9_000_000 + seq * 1_000_000L;
      all.add(Datagrams.icmp(t, client, "8.8.8.8", 8, 0, 7, seq, 98));
      all.add(Datagrams.icmp(t + 30_000, "8.8.8.8", client, 0, 0, 7, seq, 98));
    }
    all.add(Datagrams.icmp(10_500_000, client, "8.8.8.8", 8, 0, 8, 1, 98));
    all.add(Datagrams.icmp(20_000_000, "2001:db8::1", "2001:db8::2", 128, 0, 1, 1, 118));
    all.add(Datagrams.icmp(20_001_000, "2001:db8::2", "2001:db8::1", 129, 0, 1, 1, 118));
    all.add(Datagrams.icmp(50_000_000, "8.8.4.4", client, 0, 0, 9, 4, 98));
    all.add(Datagrams.icmp(51_000_000, client, "8.8.4.4", 8, 0, 9, 5, 98));
    all.add(Datagrams.icmp(51_020_000, "8.8.4.4", client, 0, 0, 9, 5, 98));
    all.add(Datagrams.icmp(100_001_000, dns, client, 3, 3, 0, 0, 118));
    all.sort(Packet.EVENT_ORDER);
    return all;
  }
}
