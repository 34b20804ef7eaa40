package org.flowbeam.io.timearcs;

import static org.flowbeam.model.TcpFlags.ACK;
import static org.flowbeam.model.TcpFlags.FIN;
import static org.flowbeam.model.TcpFlags.PSH;
import static org.flowbeam.model.TcpFlags.RST;
import static org.flowbeam.model.TcpFlags.SYN;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.CloseReason;
import org.flowbeam.model.ConnSummary;
import org.flowbeam.model.FlagCounts;
import org.flowbeam.model.FlowRecord;
import org.flowbeam.model.FlowState;
import org.flowbeam.model.InvalidReason;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;

/**
 * Three hand-built TCP flows and one UDP packet:
 *
 * <ul>
 *   <li>{@code c}: 10.0.0.2:40000 → 10.0.0.10:80, handshake, one data packet and its ACK, FIN both
 *       ways, last ACK (8 packets, T+0 .. T+700), closed by FIN;
 *   <li>{@code a}: 10.0.0.4:40002 → 10.0.0.10:22, a SYN at T+0 and its retransmission at T+3050,
 *       invalid (incomplete_no_synack);
 *   <li>{@code b}: 10.0.0.3:40001 → 10.0.0.10:443, handshake then RST+ACK from the server (4
 *       packets, T+1000 .. T+1300), aborted;
 *   <li>a UDP packet 10.0.0.5:5353 → 224.0.0.251:5353 at T+3000.
 * </ul>
 *
 * <p>Flows {@code a} and {@code c} start at the same time, so chunk order breaks the tie by id.
 * String order puts {@code 10.0.0.10} before {@code 10.0.0.2}, so every key starts with the server.
 */
final class TimeArcsFixtures {
  static final long T = 1_700_000_000_000_000L;

  static final String SERVER = "10.0.0.10";

  private TimeArcsFixtures() {}

  static Packet tcp(
      long dt,
      String src,
      int sport,
      String dst,
      int dport,
      int flags,
      long seq,
      long ack,
      int len,
      long offset) {
    return Packet.builder()
        .timestampMicros(T + dt)
        .src(src, sport)
        .dst(dst, dport)
        .protocol(IpProtocol.TCP)
        .flags(flags)
        .seq(seq)
        .ack(ack)
        .length(len)
        .sourceOffset(offset)
        .build();
  }

  static List<Packet> flowC() {
    String c = "10.0.0.2";
    return List.of(
        tcp(0, c, 40000, SERVER, 80, SYN, 100, 0, 60, 0),
        tcp(100, SERVER, 80, c, 40000, SYN | ACK, 500, 101, 60, 200),
        tcp(200, c, 40000, SERVER, 80, ACK, 101, 501, 52, 300),
        tcp(300, c, 40000, SERVER, 80, PSH | ACK, 101, 501, 152, 400),
        tcp(400, SERVER, 80, c, 40000, ACK, 501, 201, 52, 500),
        tcp(500, c, 40000, SERVER, 80, FIN | ACK, 201, 501, 52, 600),
        tcp(600, SERVER, 80, c, 40000, FIN | ACK, 501, 202, 52, 700),
        tcp(700, c, 40000, SERVER, 80, ACK, 202, 502, 52, 800));
  }

  static List<Packet> flowA() {
    String c = "10.0.0.4";
    return List.of(
        tcp(0, c, 40002, SERVER, 22, SYN, 7000, 0, 60, 100),
        tcp(3050, c, 40002, SERVER, 22, SYN, 7000, 0, 60, 1500));
  }

  static List<Packet> flowB() {
    String c = "10.0.0.3";
    return List.of(
        tcp(1000, c, 40001, SERVER, 443, SYN, 9000, 0, 60, 900),
        tcp(1100, SERVER, 443, c, 40001, SYN | ACK, 3000, 9001, 60, 1000),
        tcp(1200, c, 40001, SERVER, 443, ACK, 9001, 3001, 52, 1100),
        tcp(1300, SERVER, 443, c, 40001, RST | ACK, 3001, 9001, 40, 1200));
  }

  static Packet udp() {
    return Packet.builder()
        .timestampMicros(T + 3000)
        .src("10.0.0.5", 5353)
        .dst("224.0.0.251", 5353)
        .protocol(IpProtocol.UDP)
        .length(100)
        .sourceOffset(1400)
        .build();
  }

  static FlowRecord c() {
    return new FlowRecord(
        "c",
        "10.0.0.2",
        40000,
        SERVER,
        80,
        6,
        T,
        T + 700,
        5,
        3,
        368,
        164,
        new FlagCounts(2, 2, 0, 1, 7, 0, 0, 0),
        true,
        FlowState.CLOSED,
        InvalidReason.NONE,
        CloseReason.FIN,
        ConnSummary.UNKNOWN,
        flowC());
  }

  static FlowRecord a() {
    return new FlowRecord(
        "a",
        "10.0.0.4",
        40002,
        SERVER,
        22,
        6,
        T,
        T + 3050,
        2,
        0,
        120,
        0,
        new FlagCounts(0, 2, 0, 0, 0, 0, 0, 0),
        false,
        FlowState.INVALID,
        InvalidReason.INCOMPLETE_NO_SYNACK,
        CloseReason.END_OF_DATA,
        ConnSummary.UNKNOWN,
        flowA());
  }

  static FlowRecord b() {
    return new FlowRecord(
        "b",
        "10.0.0.3",
        40001,
        SERVER,
        443,
        6,
        T + 1000,
        T + 1300,
        2,
        2,
        112,
        100,
        new FlagCounts(0, 2, 1, 0, 3, 0, 0, 0),
        true,
        FlowState.ABORTED,
        InvalidReason.NONE,
        CloseReason.RST,
        ConnSummary.UNKNOWN,
        flowB());
  }

  /** The three flows, deliberately not in chunk order. */
  static List<FlowRecord> flows() {
    return List.of(b(), c(), a());
  }

  /** All 15 packets, deliberately not in time order. */
  static List<Packet> packets() {
    List<Packet> all = new ArrayList<>();
    all.add(udp());
    all.addAll(flowB());
    all.addAll(flowA());
    all.addAll(flowC());
    return all;
  }
}
