#!/usr/bin/env python3
"""Writes NAME.cid.csv beside this script: tshark's Community ID of every IP packet of each capture.

Run from this directory, once, with tshark 4.0 (CI has no tshark; the output is committed):

    python3 make-refs.py ../../../../../shared/data/captures

For each capture it runs, with seed 0 and then with SEED:

    tshark -r CAPTURE --enable-protocol communityid -o communityid.seed:S -E occurrence=f \
        -E separator=/t -T fields -e frame.number -e frame.time_epoch -e frame.protocols \
        -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e ip.proto -e ipv6.nxt \
        -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport \
        -e sctp.srcport -e sctp.dstport -e icmp.type -e icmp.code -e icmpv6.type -e icmpv6.code \
        -e communityid [-Y FILTER]

(-Y only for the captures of which only some packets are wanted) and writes one row per frame that has a community id:
frame,time_us,src_ip,dst_ip,protocol,src_port,dst_port,community_id,community_id_seed_SEED.
The addresses are the outer IP header's (-E occurrence=f); the protocol is the layer that
follows it in frame.protocols (IPv6 extension headers skipped); src_port and dst_port are that
protocol's ports, or the ICMP/ICMPv6 type and code, empty for a protocol without ports. Only the
two community_id columns are tshark's hashes: the rest is what a test feeds to FlowBeam's own.
"""
import csv
import os
import subprocess
import sys

SEED = 4321

# (capture, display filter): a filtered capture's file holds only the packets it selects.
CAPTURES = [
    ("wireshark/communityid.pcap.gz", None),  # the spec's combined.pcap: TCP/UDP/SCTP/ICMP/RSVP
    ("tcp-edge/base_usage_3_streams.pcap", None),  # TCP over IPv4 and IPv6, ICMPv6, IGMP
    ("ndpi/http_ipv6.pcap", None),  # TCP and UDP over IPv6
    ("dpkt/http.pcap", None),  # TCP over IPv4
    ("dpkt/dns_icmp.pcap", None),  # UDP and ICMP echo
    ("drill/data-1.pcap", None),  # UDP (DHCP, mDNS) and ICMPv6 neighbour discovery
    ("ndpi/nintendo.pcap", "icmp"),  # ICMP time exceeded
    ("ndpi/whatsapp_login_call.pcap", "icmp"),  # ICMP destination unreachable
]

FIELDS = [
    "frame.number", "frame.time_epoch", "frame.protocols",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt",
    "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
    "sctp.srcport", "sctp.dstport", "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
    "communityid",
]

# frame.protocols names of the layer after IP, with their number and port fields.
PROTOCOLS = {
    "tcp": (6, "tcp.srcport", "tcp.dstport"),
    "udp": (17, "udp.srcport", "udp.dstport"),
    "sctp": (132, "sctp.srcport", "sctp.dstport"),
    "icmp": (1, "icmp.type", "icmp.code"),
    "icmpv6": (58, "icmpv6.type", "icmpv6.code"),
}


def tshark(capture, display_filter, seed):
    cmd = ["tshark", "-r", capture, "--enable-protocol", "communityid",
           "-o", "communityid.seed:%d" % seed, "-E", "occurrence=f", "-E", "separator=/t",
           "-T", "fields"]
    for f in FIELDS:
        cmd += ["-e", f]
    if display_filter:
        cmd += ["-Y", display_filter]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]


def time_us(epoch):
    whole, _, frac = epoch.partition(".")
    return int(whole) * 1_000_000 + int((frac + "000000")[:6])


def transport(row):
    """(protocol number, src port, dst port) of the layer after the outer IP header."""
    layers = row["frame.protocols"].split(":")
    i = next(k for k, name in enumerate(layers) if name in ("ip", "ipv6"))
    ipv6 = layers[i] == "ipv6"
    i += 1
    extensions = 0
    while i < len(layers) and layers[i].startswith("ipv6."):
        i += 1
        extensions += 1
    name = layers[i] if i < len(layers) else ""
    if name in PROTOCOLS:
        number, src, dst = PROTOCOLS[name]
        return number, row[src], row[dst]
    if ipv6:
        # Without extension headers the base header's next header is the protocol.
        return (int(row["ipv6.nxt"]) if extensions == 0 else None), "", ""
    return int(row["ip.proto"]), "", ""


def main(shared):
    for name, display_filter in CAPTURES:
        plain = tshark(os.path.join(shared, name), display_filter, 0)
        seeded = tshark(os.path.join(shared, name), display_filter, SEED)
        base = os.path.basename(name[:-3] if name.endswith(".gz") else name)
        with open(base + ".cid.csv", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["frame", "time_us", "src_ip", "dst_ip", "protocol", "src_port",
                        "dst_port", "community_id", "community_id_seed_%d" % SEED])
            for row, other in zip(plain, seeded):
                assert row["frame.number"] == other["frame.number"]
                if not row["communityid"]:
                    continue
                protocol, sport, dport = transport(row)
                if protocol is None:
                    continue  # IPv6 with a next header that is no transport: not a test case
                src = row["ip.src"] or row["ipv6.src"]
                dst = row["ip.dst"] or row["ipv6.dst"]
                w.writerow([row["frame.number"], time_us(row["frame.time_epoch"]), src, dst,
                            protocol, sport, dport, row["communityid"], other["communityid"]])


if __name__ == "__main__":
    main(sys.argv[1])
