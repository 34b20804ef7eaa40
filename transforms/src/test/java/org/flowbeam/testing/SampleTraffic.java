package org.flowbeam.testing;

import java.util.ArrayList;
import java.util.List;
import org.flowbeam.model.Packet;

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
}
