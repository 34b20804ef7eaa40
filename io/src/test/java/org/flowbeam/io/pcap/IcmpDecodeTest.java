package org.flowbeam.io.pcap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flowbeam.model.IcmpMessages;
import org.flowbeam.model.IpAddresses;
import org.flowbeam.model.IpProtocol;
import org.flowbeam.model.Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder gives an ICMP or ICMPv6 packet its type as the source port, the counterpart type or
 * the code as the destination port, and the header's second word (an echo's identifier and sequence
 * number) as seq: on hand-made frames, and against tshark on every ICMP frame of the shared
 * captures ({@code IcmpDecodeTest/icmp-fields.csv}, made by {@code make-icmp-fields.sh}).
 */
class IcmpDecodeTest {
  @TempDir Path dir;

  /** An IPv4 (or IPv6) header around an ICMP header of {@code type}, {@code code} and word. */
  private static byte[] icmpFrame(String src, String dst, int type, int code, int word) {
    byte[] s = IpAddresses.parse(src);
    byte[] d = IpAddresses.parse(dst);
    boolean v6 = s.length == 16;
    ByteBuffer b = ByteBuffer.allocate((v6 ? 40 : 20) + 8 + 4);
    if (v6) {
      b.putInt(0x60000000).putShort((short) 12).put((byte) IpProtocol.ICMPV6).put((byte) 64);
    } else {
      b.put((byte) 0x45).put((byte) 0).putShort((short) 32).putInt(0);
      b.put((byte) 64).put((byte) IpProtocol.ICMP).putShort((short) 0);
    }
    b.put(s).put(d);
    b.put((byte) type).put((byte) code).putShort((short) 0).putInt(word).putInt(0);
    return b.array();
  }

  private List<Packet> read(byte[]... ipFrames) throws IOException {
    CaptureBytes c = CaptureBytes.pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, LinkType.RAW);
    for (byte[] f : ipFrames) {
      c.record(1, 2, f);
    }
    Path file = dir.resolve("icmp.pcap");
    Files.write(file, c.bytes());
    return SharedCaptures.readAll(file).packets;
  }

  @Test
  void handMadeMessagesGetTheirTypeCounterpartOrCodeAndWord() throws IOException {
    List<Packet> p =
        read(
            icmpFrame("10.0.0.1", "10.0.0.2", 8, 0, 0x1234_0007),
            icmpFrame("10.0.0.2", "10.0.0.1", 0, 0, 0x1234_0007),
            icmpFrame("10.0.0.9", "10.0.0.1", 3, 3, 0),
            icmpFrame("2001:db8::2", "2001:db8::1", 129, 0, 0x0042_0001),
            icmpFrame("2001:db8::9", "2001:db8::1", 2, 0, 1280));
    assertThat(ports(p.get(0)), equalTo("1 8>0 id 4660"));
    assertThat(p.get(0).seq(), equalTo(0x1234_0007L));
    assertThat(ports(p.get(1)), equalTo("1 0>8 id 4660"));
    assertThat(ports(p.get(2)), equalTo("1 3>3 id 0"));
    assertThat(ports(p.get(3)), equalTo("58 129>128 id 66"));
    // ICMPv6 packet too big: its code, and the MTU in the second word.
    assertThat(ports(p.get(4)), equalTo("58 2>0 id 0"));
    assertThat(p.get(4).seq(), equalTo(1280L));
  }

  @Test
  void aCutHeaderGivesWhatWasCaptured() throws IOException {
    byte[] whole = icmpFrame("10.0.0.1", "10.0.0.2", 8, 0, 0x1234_0007);
    List<Packet> p =
        read(java.util.Arrays.copyOf(whole, 20 + 1), java.util.Arrays.copyOf(whole, 20 + 4));
    assertThat(ports(p.get(0)), equalTo("1 0>0 id 0"));
    assertThat(ports(p.get(1)), equalTo("1 8>0 id 0"));
    assertThat(p.get(1).seq(), equalTo(0L));
  }

  private static String ports(Packet p) {
    return p.protocol() + " " + p.srcPort() + ">" + p.dstPort() + " id " + p.icmpIdentifier();
  }

  /** One ICMP frame as tshark decoded it: its first (outer) type, code and identifier. */
  private record TsharkIcmp(long timestampMicros, int length, int type, int code, int ident) {}

  @Test
  void everySharedIcmpFrameIsDecodedAsTsharkDoes() throws IOException {
    Map<String, List<TsharkIcmp>> byCapture = tsharkFields();
    int compared = 0;
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, List<TsharkIcmp>> e : byCapture.entrySet()) {
      List<Packet> ours = SharedCaptures.readAll(SharedCaptures.capture(e.getKey())).packets;
      List<TsharkIcmp> rows = e.getValue();
      int j = 0;
      for (Packet p : ours) {
        if (!IcmpMessages.isIcmp(p.protocol())) {
          continue;
        }
        // Align in file order by time and length (tshark's rows are the ICMP frames only).
        int k = j;
        while (k < rows.size()
            && (rows.get(k).timestampMicros() != p.timestampMicros()
                || rows.get(k).length() != p.length())) {
          k++;
        }
        if (k == rows.size()) {
          differences.add(e.getKey() + ": no tshark ICMP frame for " + p);
          continue;
        }
        j = k + 1;
        TsharkIcmp t = rows.get(k);
        String expected =
            p.protocol()
                + " "
                + t.type()
                + ">"
                + IcmpMessages.destinationPort(p.protocol(), t.type(), t.code())
                + " id "
                + (IcmpMessages.hasIdentifier(p.protocol(), t.type()) ? t.ident() : 0);
        String got =
            p.protocol()
                + " "
                + p.srcPort()
                + ">"
                + p.dstPort()
                + " id "
                + (IcmpMessages.hasIdentifier(p.protocol(), p.srcPort()) ? p.icmpIdentifier() : 0);
        if (!got.equals(expected)) {
          differences.add(e.getKey() + ": " + p + " is " + got + ", tshark " + expected);
        }
        compared++;
      }
    }
    assertThat(differences, empty());
    assertThat(compared, greaterThan(1500));
  }

  private static Map<String, List<TsharkIcmp>> tsharkFields() throws IOException {
    SharedCaptures.sharedData();
    Map<String, List<TsharkIcmp>> out = new LinkedHashMap<>();
    try (InputStream in =
        IcmpDecodeTest.class.getResourceAsStream("/IcmpDecodeTest/icmp-fields.csv")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        boolean v6 = f[3].isEmpty();
        out.computeIfAbsent(f[0], k -> new ArrayList<>())
            .add(
                new TsharkIcmp(
                    new BigDecimal(f[1])
                        .movePointRight(6)
                        .setScale(0, RoundingMode.FLOOR)
                        .longValueExact(),
                    Integer.parseInt(f[2]),
                    first(v6 ? f[6] : f[3]),
                    first(v6 ? f[7] : f[4]),
                    first(v6 ? f[8] : f[5])));
      }
    }
    return out;
  }

  /** The first of tshark's '|'-separated occurrences, 0 if there is none. */
  private static int first(String field) {
    String s = field.split("\\|", -1)[0];
    return s.isEmpty() ? 0 : Integer.decode(s);
  }
}
