package org.flowbeam.io.carried;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.flowbeam.model.FlowKey;
import org.flowbeam.model.Packet;
import org.flowbeam.model.PacketFragment;
import org.flowbeam.tcp.FlowRules;
import org.flowbeam.tcp.KeyAssembly;
import org.flowbeam.testing.Datagrams;
import org.flowbeam.testing.RunByRun;
import org.flowbeam.testing.SampleTraffic;
import org.flowbeam.testing.Trace;
import org.junit.jupiter.api.Test;

/**
 * {@link CarriedFlowsFile} gives back what was written, and any truncation, any flipped byte and
 * any foreign, newer or padded file is one {@link CarriedFlowsFileException} naming the file and
 * the byte.
 */
class CarriedFlowsFileTest {
  private static final String NAME = "/root/_flowbeam/carried/run.state";

  /** No close linger limit (the default): {@link FlowRules#NO_CLOSE_LINGER_LIMIT} round-trips. */
  private static final FlowRules RULES = FlowRules.defaults().withIdleTimeoutUs(10_000_000);

  /** The assemblies the busy sample carries out of its first run (cut at 8 s). */
  private static Map<FlowKey, byte[]> carried() {
    Map<FlowKey, byte[]> carried =
        RunByRun.assemble(SampleTraffic.busyTraffic(), List.of(8_000_000L), RULES, 4)
            .get(0)
            .carried();
    assertThat(carried.size(), equalTo(3));
    return carried;
  }

  private static byte[] file(long seriesEndUs, Iterable<byte[]> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CarriedFlowsFile.Writer w = CarriedFlowsFile.writer(out, seriesEndUs)) {
      for (byte[] r : records) {
        w.add(RunByRun.decode(r));
      }
    }
    return out.toByteArray();
  }

  private static Map<FlowKey, byte[]> readAll(byte[] file) throws IOException {
    Map<FlowKey, byte[]> out = new TreeMap<>();
    try (CarriedFlowsFile.Reader r =
        CarriedFlowsFile.reader(NAME, new ByteArrayInputStream(file), file.length)) {
      for (KeyAssembly a = r.next(); a != null; a = r.next()) {
        out.put(a.key(), RunByRun.encode(a));
      }
    }
    return out;
  }

  private static CarriedFlowsFile.Summary inspect(byte[] file) throws IOException {
    return CarriedFlowsFile.inspect(NAME, new ByteArrayInputStream(file), file.length);
  }

  @Test
  void whatIsWrittenIsReadBack() throws IOException {
    Map<FlowKey, byte[]> carried = carried();
    byte[] file = file(7_009_000, carried.values());
    Map<FlowKey, byte[]> back = readAll(file);
    assertThat(back.keySet(), equalTo(carried.keySet()));
    back.forEach((k, v) -> assertThat(v, equalTo(carried.get(k))));
    assertThat(inspect(file), equalTo(new CarriedFlowsFile.Summary(true, 7_009_000, 3, RULES)));
  }

  @Test
  void aFileWithNothingCarriedHoldsTheSeriesEnd() throws IOException {
    byte[] file = file(-5, List.of());
    assertThat(file.length, equalTo(CarriedFlowsFile.HEADER_BYTES + 12));
    assertThat(inspect(file), equalTo(new CarriedFlowsFile.Summary(true, -5, 0, null)));
  }

  @Test
  void everyTruncationIsOneErrorNamingTheFileAndByte() throws IOException {
    byte[] file = file(7_009_000, carried().values());
    for (int length = 0; length < file.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(file, length);
      CarriedFlowsFileException e =
          assertThrows(CarriedFlowsFileException.class, () -> inspect(cut), "length " + length);
      assertThat(e.getMessage(), startsWith(NAME + " at byte "));
      assertThat(e.getMessage(), containsString("truncated"));
      assertThat(e.getMessage().lines().count(), equalTo(1L));
    }
  }

  @Test
  void everyFlippedByteIsOneErrorNamingTheFileAndByte() throws IOException {
    byte[] file = file(7_009_000, carried().values());
    for (int at = 0; at < file.length; at++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] bad = file.clone();
        bad[at] ^= (byte) bit;
        CarriedFlowsFileException e =
            assertThrows(CarriedFlowsFileException.class, () -> inspect(bad), "byte " + at);
        assertThat(e.getMessage(), startsWith(NAME + " at byte "));
        assertThat(e.position() <= at, equalTo(true));
      }
    }
  }

  @Test
  void aHostileRecordLengthIsRefusedBeforeAnythingIsAllocated() throws IOException {
    byte[] file = file(0, List.of());
    byte[] hostile = java.util.Arrays.copyOf(file, file.length + 8);
    ByteBuffer.wrap(hostile, CarriedFlowsFile.HEADER_BYTES, 4).putInt(Integer.MAX_VALUE);
    CarriedFlowsFileException e =
        assertThrows(CarriedFlowsFileException.class, () -> inspect(hostile));
    assertThat(
        e.getMessage(),
        equalTo(
            NAME
                + " at byte 24: a record length of 2147483647 bytes (1 to "
                + CarriedFlowsFile.MAX_RECORD_BYTES
                + ")"));
    ByteBuffer.wrap(hostile, CarriedFlowsFile.HEADER_BYTES, 4).putInt(1 << 20);
    e = assertThrows(CarriedFlowsFileException.class, () -> inspect(hostile));
    assertThat(e.getMessage(), containsString("truncated: a record of 1048576 bytes"));
  }

  @Test
  void foreignNewerAndPaddedFilesAreNamed() throws IOException {
    byte[] file = file(0, carried().values());
    byte[] foreign = "timestamp,src_ip,dst_ip,src_port,dst_port\n1,2,3,4,5\n".getBytes();
    assertThat(
        assertThrows(CarriedFlowsFileException.class, () -> inspect(foreign)).getMessage(),
        equalTo(NAME + " at byte 0: not a FlowBeam carried-flows file"));
    byte[] newer = file.clone();
    newer[11] = 5;
    assertThat(
        assertThrows(CarriedFlowsFileException.class, () -> inspect(newer)).getMessage(),
        equalTo(NAME + " at byte 8: format version 5; this FlowBeam reads version 4"));
    byte[] older = file.clone();
    older[11] = 2;
    assertThat(
        assertThrows(CarriedFlowsFileException.class, () -> inspect(older)).getMessage(),
        equalTo(
            NAME
                + " at byte 8: format version 2; this FlowBeam reads version 4 (end the series"
                + " with the FlowBeam that wrote it: --flushOpenFlows)"));
    byte[] version3 = file.clone();
    version3[11] = 3; // a file of the FlowBeam before tunnels: refused before its records
    assertThat(
        assertThrows(CarriedFlowsFileException.class, () -> inspect(version3)).getMessage(),
        equalTo(
            NAME
                + " at byte 8: format version 3; this FlowBeam reads version 4 (end the series"
                + " with the FlowBeam that wrote it: --flushOpenFlows)"));
    byte[] padded = java.util.Arrays.copyOf(file, file.length + 3);
    assertThat(
        assertThrows(CarriedFlowsFileException.class, () -> inspect(padded)).getMessage(),
        equalTo(NAME + " at byte " + file.length + ": 3 bytes after the end marker"));
  }

  @Test
  void aFlowCarriedTwiceIsNamed() throws IOException {
    byte[] one = carried().values().iterator().next();
    byte[] file = file(0, List.of(one, one));
    CarriedFlowsFileException e =
        assertThrows(CarriedFlowsFileException.class, () -> inspect(file));
    assertThat(e.getMessage(), containsString("twice"));
    assertThat(e.position(), equalTo((long) CarriedFlowsFile.HEADER_BYTES + 4 + one.length + 4));
  }

  /**
   * The records are {@link KeyAssembly#writeTo}'s encoding: if it changes, files of this version no
   * longer read, so {@link CarriedFlowsFile#VERSION} must be raised with it (then update the digest
   * here). Version 2 added the UDP and ICMP idle timeouts and the flow protocols to the rules, the
   * datagram tracker's state for UDP and ICMP keys, and the identifier of an ICMP echo key; a TCP
   * assembly's encoding is otherwise version 1's. Version 3 added Zeek's conn.log facts: each
   * packet's IP and payload lengths, a TCP flow's Zeek endpoint states and history, a datagram
   * flow's payload and IP bytes. Version 4 added tunnels: each waiting or retained packet's tunnel,
   * each open flow's tunnel and count of packets that came otherwise (the TCP flow's packets come
   * through a GTP-U tunnel, its reply through it reversed, its last packet outside it; the UDP
   * flow's through Geneve between IPv6 endpoints; the ICMP flow's through none). The flows are
   * assembled with a 2 s close linger, the default when versions 1 to 3 were pinned: the bytes are
   * those that build wrote. A linger without limit is the same field holding {@link
   * FlowRules#NO_CLOSE_LINGER_LIMIT} ({@link #whatIsWrittenIsReadBack} reads it back).
   */
  private static final org.flowbeam.model.Tunnel GTP =
      org.flowbeam.model.Tunnel.of(org.flowbeam.model.TunnelType.GTP_U, "172.16.0.1", "172.16.0.2");

  @Test
  void theEncodingOfVersionFourIsPinned() throws Exception {
    List<Packet> packets =
        Trace.between("2001:db8::1", 1234, "2001:db8::2", 80)
            .at(1_000_000)
            .handshake()
            .clientData(10)
            .fromClient(org.flowbeam.model.TcpFlags.FIN | org.flowbeam.model.TcpFlags.ACK, 0)
            .packets()
            .stream()
            .map(
                p ->
                    p.toBuilder()
                        .tunnel(p.srcIpText().equals("2001:db8::1") ? GTP : GTP.reversed())
                        .build())
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    packets.set(5, packets.get(5).toBuilder().tunnel(null).build());
    FlowKey key = FlowKey.of(packets.get(0));
    FlowRules pinned =
        RULES.withCloseLingerUs(FlowRules.FORMER_CLOSE_LINGER_US).withRetainPackets(true);
    KeyAssembly a = new KeyAssembly(key, pinned);
    List<Packet> first = new ArrayList<>(packets.subList(0, 4));
    a.add(PacketFragment.of(key, first), 1_000_000, f -> {});
    a.add(PacketFragment.of(key, packets.subList(4, 6)), 1_003_000, f -> {});
    a.endRun(1_010_000, f -> {});
    List<byte[]> records = new ArrayList<>(List.of(RunByRun.encode(a)));
    for (Packet datagram :
        List.of(
            Datagrams.udp(1_000_000, "10.0.0.1", 5353, "10.0.0.53", 53, 80).toBuilder()
                .ipLength(66)
                .payloadLength(38)
                .tunnel(
                    org.flowbeam.model.Tunnel.of(
                        org.flowbeam.model.TunnelType.GENEVE,
                        "2001:db8:ffff::1",
                        "2001:db8:ffff::2"))
                .build(),
            Datagrams.icmp(1_002_000, "2001:db8::2", "2001:db8::1", 129, 0, 0xbeef, 3, 118))) {
      FlowKey k = FlowKey.of(datagram);
      KeyAssembly d = new KeyAssembly(k, pinned);
      d.add(PacketFragment.of(k, List.of(datagram)), 1_000_000, f -> {});
      d.endRun(1_010_000, f -> {});
      records.add(RunByRun.encode(d));
    }
    byte[] file = file(1_010_000, records);
    assertThat(inspect(file).flows(), equalTo(3L));
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
    assertThat(digest, equalTo("c20a96f5da54603518d023c70ff464f863eef06101a009b6ca6b28de58091f3a"));
    // Read back, the carried TCP flow ends with its tunnel: GTP-U from the client's side, its
    // last packet (outside the tunnel) counted.
    List<org.flowbeam.model.FlowRecord> resumed = new ArrayList<>();
    RunByRun.decode(records.get(0)).finish(1_010_000, resumed::add);
    assertThat(resumed.get(0).tunnel(), equalTo(new org.flowbeam.model.FlowTunnel(GTP, 1)));
  }
}
