package org.flowbeam.io.pcap;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PcapSurveyTest {
  @Test
  void survey() throws Exception {
    int bad = 0;
    for (String name : SharedCaptures.captures()) {
      Path f = SharedCaptures.capture(name);
      long want;
      try {
        want = SharedCaptures.referenceIpPackets(name);
      } catch (Exception e) {
        System.out.println("NOREF " + name);
        continue;
      }
      SharedCaptures.Result r;
      try {
        r = SharedCaptures.readAll(f);
      } catch (Exception e) {
        System.out.println("THROW " + name + " " + e);
        bad++;
        continue;
      }
      if (r.packets.size() != want || !r.errors.isEmpty()) {
        bad++;
        System.out.println(
            "DIFF " + name + " got=" + r.packets.size() + " want=" + want + " nonip=" + r.nonIp
                + " errors=" + r.errors.size()
                + (r.errors.isEmpty() ? "" : " first=" + r.errors.get(0).describe()));
      }
    }
    System.out.println("BAD " + bad);
  }

  @Test
  void perPacket() throws Exception {
    java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (String name : SharedCaptures.captures()) {
      Path ref = SharedCaptures.sharedData().resolve("refs").resolve(name.replaceAll("\\.gz$", "") + ".packets.csv");
      if (!java.nio.file.Files.exists(ref)) continue;
      java.util.List<String> lines = java.nio.file.Files.readAllLines(ref);
      SharedCaptures.Result r = SharedCaptures.readAll(SharedCaptures.capture(name));
      if (lines.size() - 1 != r.packets.size()) continue;
      String[] h = lines.get(0).split(",");
      int mism = 0; String first = null;
      for (int i = 0; i < r.packets.size(); i++) {
        String[] v = lines.get(i + 1).split(",", -1);
        org.flowbeam.model.Packet p = r.packets.get(i);
        String[] mine = {String.valueOf(p.timestampMicros()), p.srcIpText(), p.dstIpText(), String.valueOf(p.srcPort()), String.valueOf(p.dstPort()), String.valueOf(p.flags()), String.valueOf(p.seq()), String.valueOf(p.ack()), String.valueOf(p.length()), String.valueOf(p.protocol())};
        for (int k = 0; k < mine.length; k++) {
          if (!mine[k].equals(v[k])) {
            mism++;
            kinds.merge(h[k], 1, Integer::sum);
            if (first == null) first = "#" + i + " " + h[k] + " mine=" + mine[k] + " ref=" + v[k] + " row=" + lines.get(i + 1);
          }
        }
      }
      if (mism > 0) System.out.println("PKT " + name + " mismatches=" + mism + " first " + first);
    }
    System.out.println("KINDS " + kinds);
  }
}
