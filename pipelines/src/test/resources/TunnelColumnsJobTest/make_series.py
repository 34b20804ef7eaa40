#!/usr/bin/python3
"""Writes gtp-series.pcap for TunnelColumnsJobTest and IncrementalJobTest: a minute of mobile
traffic seen on the S1-U link, to be cut into runs of a recurring job.

- 12 TCP connections of user equipment 10.45.0.1..12 to 198.51.100.10:443, inside GTP-U between the
  eNodeB 192.0.2.10 and the serving gateway 192.0.2.20 (uplink eNodeB -> gateway, downlink the
  other way), each a handshake then a data packet each way every 2 s for 30 s; starts 3 s apart.
- Connections 11 and 12 are handed over halfway: from their 9th data exchange on, their packets go
  through the eNodeB 192.0.2.11 (same gateway). Their flows keep the first tunnel and count the
  packets through the other one.
- 3 DNS exchanges outside any tunnel (10.0.0.1:5300+i to 10.0.0.53:53).

Run from this directory with Debian's python3-scapy (2.5) and tshark (4.0):

    /usr/bin/python3 make_series.py

It also writes gtp-series.tshark.csv, what tshark sees in each frame, with the fields and options
of EncapsulationTest's fixtures (io/src/test/resources/EncapsulationTest/make_captures.py).

Frames are timestamped from 1700000000 s, so the file is the same on every run.
"""

import subprocess

from scapy.all import IP, TCP, UDP, Ether, Raw, wrpcap
from scapy.contrib.gtp import GTP_U_Header

BASE = 1700000000.0
ENB, ENB2, SGW = "192.0.2.10", "192.0.2.11", "192.0.2.20"
SERVER = "198.51.100.10"


def gtp(outer_src, outer_dst, teid, inner):
    return (
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src=outer_src, dst=outer_dst)
        / UDP(sport=2152, dport=2152)
        / GTP_U_Header(teid=teid, gtp_type=255)
        / inner
    )


frames = []
for c in range(1, 13):
    ue = "10.45.0.%d" % c
    sport = 40000 + c
    start = BASE + 3 * (c - 1)
    cseq, sseq = 1000 * c, 500000 + c
    handover = c >= 11

    def up(t, flags, payload, exchange):
        global cseq
        enb = ENB2 if handover and exchange >= 9 else ENB
        p = IP(src=ue, dst=SERVER) / TCP(sport=sport, dport=443, flags=flags, seq=cseq, ack=sseq)
        if payload:
            p = p / Raw(b"u" * payload)
        f = gtp(enb, SGW, c, p)
        f.time = t
        frames.append(f)

    def down(t, flags, payload, exchange):
        enb = ENB2 if handover and exchange >= 9 else ENB
        p = IP(src=SERVER, dst=ue) / TCP(sport=443, dport=sport, flags=flags, seq=sseq, ack=cseq)
        if payload:
            p = p / Raw(b"d" * payload)
        f = gtp(SGW, enb, c, p)
        f.time = t
        frames.append(f)

    up(start, "S", 0, 0)
    cseq += 1
    down(start + 0.01, "SA", 0, 0)
    sseq += 1
    up(start + 0.02, "A", 0, 0)
    for i in range(1, 16):
        t = start + 2 * i
        up(t, "PA", 100, i)
        cseq += 100
        down(t + 0.01, "PA", 300, i)
        sseq += 300

for i in range(3):
    t = BASE + 10 + 15 * i
    q = Ether() / IP(src="10.0.0.1", dst="10.0.0.53") / UDP(sport=5300 + i, dport=53) / Raw(b"q" * 30)
    a = Ether() / IP(src="10.0.0.53", dst="10.0.0.1") / UDP(sport=53, dport=5300 + i) / Raw(b"a" * 60)
    q.time, a.time = t, t + 0.005
    frames += [q, a]

frames.sort(key=lambda f: f.time)
wrpcap("gtp-series.pcap", frames)

fields = ("frame.number frame.protocols ip.src ip.dst ip.proto ipv6.src ipv6.dst ipv6.nxt"
          " tcp.srcport tcp.dstport tcp.flags udp.srcport udp.dstport").split()
with open("gtp-series.tshark.csv", "w") as out:
    subprocess.run(
        ["tshark", "-r", "gtp-series.pcap", "-T", "fields", "-E", "header=y", "-E", "separator=,",
         "-E", "occurrence=a", "-E", "aggregator=;"] + [a for f in fields for a in ("-e", f)],
        stdout=out, stderr=subprocess.DEVNULL, check=True)
