package org.flowbeam.generate;

import java.nio.charset.StandardCharsets;
import org.flowbeam.model.IpAddresses;

/**
 * The address plan of the synthetic network: host {@code 0 .. servers-1} are servers ({@code
 * 172.16.0.0/12} and {@code 2001:db8:2::/64}), the rest clients ({@code 10.0.0.0/8} and {@code
 * 2001:db8:1::/64}); the first few clients also scan. Every host has one IPv4 and one IPv6 address
 * and a MAC, derived from its index; address text is cached per host for the CSV writer.
 *
 * <p>Servers are chosen with a skew (a few popular ones get most connections), clients uniformly.
 * Clients allocate ephemeral ports 32768–60999 in turn, as Linux does; every service port is below
 * 32768, so a client port never equals a service port and a 5-tuple is never used in the opposite
 * direction. Each client numbers its connections; the initial sequence number is a bijection of
 * that number (see {@link #isn}), so two connections of one client never share an ISN and a reused
 * 5-tuple always splits by FlowBeam's port-reuse rule.
 */
final class Hosts {
  static final int MAX_HOSTS = 1_000_000;
  static final int EPHEMERAL_LOW = 32768;
  static final int EPHEMERAL_HIGH = 60999;

  private final int servers;
  private final int total;
  private final int scanners;
  private final int[] nextPort;
  private final int[] connections;
  private final byte[][] text4;
  private final byte[][] text6;

  Hosts(int total) {
    if (total < 2 || total > MAX_HOSTS) {
      throw new IllegalArgumentException("hosts must be 2.." + MAX_HOSTS + ", got " + total);
    }
    this.total = total;
    this.servers = Math.max(1, total / 10);
    int clients = total - servers;
    this.scanners = Math.max(1, clients / 50);
    this.nextPort = new int[total];
    this.connections = new int[total];
    for (int h = 0; h < total; h++) {
      nextPort[h] = EPHEMERAL_LOW + (int) ((h * 7919L) % (EPHEMERAL_HIGH - EPHEMERAL_LOW + 1));
    }
    this.text4 = new byte[total][];
    this.text6 = new byte[total][];
  }

  int count() {
    return total;
  }

  /** A server, skewed towards low indices (popular servers). */
  int server(Rng rng) {
    double u = rng.nextDouble();
    return Math.min(servers - 1, (int) (servers * u * u * u));
  }

  /** A server among the first eighth (the DNS resolvers, database servers...). */
  int infrastructureServer(Rng rng) {
    return rng.nextInt(Math.max(1, servers / 8));
  }

  int client(Rng rng) {
    return servers + rng.nextInt(total - servers);
  }

  int scanner(Rng rng) {
    return servers + rng.nextInt(scanners);
  }

  /** Any host. */
  int any(Rng rng) {
    return rng.nextInt(total);
  }

  /** The client's next ephemeral port (wrapping). */
  int nextEphemeralPort(int client) {
    int p = nextPort[client];
    nextPort[client] = p == EPHEMERAL_HIGH ? EPHEMERAL_LOW : p + 1;
    return p;
  }

  /**
   * A fresh initial sequence number for a connection from {@code client}: its connection counter
   * times an odd constant plus a per-host offset, mod 2^32 — a bijection of the counter, so
   * distinct for the client's first 2^32 connections, and scattered like a real stack's.
   */
  long isn(int client) {
    int n = connections[client]++;
    return ((n & 0xffffffffL) * 0x9E3779B1L + client * 0x2545F491L + 0x5bd1e995L) & 0xffffffffL;
  }

  /** Writes the host's address (4 or 16 bytes) at {@code off}. */
  void address(int host, boolean v6, byte[] out, int off) {
    int id = host < servers ? host + 1 : host - servers + 1;
    if (!v6) {
      int base = host < servers ? 0xAC100000 : 0x0A000000; // 172.16.0.0/12 or 10.0.0.0/8
      int a = base + id;
      out[off] = (byte) (a >>> 24);
      out[off + 1] = (byte) (a >>> 16);
      out[off + 2] = (byte) (a >>> 8);
      out[off + 3] = (byte) a;
      return;
    }
    // 2001:db8:0:N::id with N = 2 for servers, 1 for clients.
    java.util.Arrays.fill(out, off, off + 16, (byte) 0);
    out[off] = 0x20;
    out[off + 1] = 0x01;
    out[off + 2] = 0x0d;
    out[off + 3] = (byte) 0xb8;
    out[off + 7] = (byte) (host < servers ? 2 : 1);
    out[off + 12] = (byte) (id >>> 24);
    out[off + 13] = (byte) (id >>> 16);
    out[off + 14] = (byte) (id >>> 8);
    out[off + 15] = (byte) id;
  }

  byte[] address(int host, boolean v6) {
    byte[] b = new byte[v6 ? 16 : 4];
    address(host, v6, b, 0);
    return b;
  }

  /** The address as FlowBeam prints it ({@link IpAddresses#format}), ASCII bytes, cached. */
  byte[] text(int host, boolean v6) {
    byte[][] cache = v6 ? text6 : text4;
    byte[] t = cache[host];
    if (t == null) {
      t = IpAddresses.format(address(host, v6)).getBytes(StandardCharsets.US_ASCII);
      cache[host] = t;
    }
    return t;
  }

  String textString(int host, boolean v6) {
    return new String(text(host, v6), StandardCharsets.US_ASCII);
  }

  /**
   * A locally administered MAC derived from the host index: {@code 02:42:ac} and the index's low 24
   * bits ({@link #MAX_HOSTS} fits).
   *
   * <p>The third byte is not zero on purpose. A pcap reader that resynchronises inside a file (a
   * split) tests candidate record headers; 4 bytes into a real header it reads {@code frac, caplen,
   * orig_len} as {@code sec, frac, caplen} and the frame's first 4 bytes (the destination MAC) as a
   * little-endian original length. With {@code 02:42:00:00:..} that reads 16,898, a plausible
   * length, so whole frames chained into a plausible shifted sequence of headers and FlowBeam's
   * reader framed some splits 4 bytes off; {@code 02:42:ac:..} reads above 11 million, which no
   * reader takes for a frame length.
   */
  void mac(int host, byte[] out, int off) {
    out[off] = 0x02;
    out[off + 1] = 0x42;
    out[off + 2] = (byte) 0xac;
    out[off + 3] = (byte) (host >>> 16);
    out[off + 4] = (byte) (host >>> 8);
    out[off + 5] = (byte) host;
  }
}
