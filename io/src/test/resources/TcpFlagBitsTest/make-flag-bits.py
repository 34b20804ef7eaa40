#!/usr/bin/env python3
"""Writes flag-bits.pcap: TCP frames carrying AE (0x100) and the reserved bits (0x200-0x800).

Built with scapy (Debian's python3-scapy); tshark is the oracle for what they hold:

    python3 make-flag-bits.py
    tshark -r flag-bits.pcap -T fields -E header=y -E separator=, -E quote=d \
        -e frame.time_epoch -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e tcp.srcport \
        -e tcp.dstport -e ip.proto -e tcp.flags -e tcp.seq_raw -e tcp.ack_raw -e frame.len \
        > flag-bits.tshark.csv

scapy's TCP 'flags' field is nine bits (FIN .. CWR, then NS/AE) and 'reserved' the three bits
above it.
"""
from scapy.all import IP, IPv6, TCP, Ether, wrpcap

T = 1_700_000_000

# (flags 0..0x1ff, reserved 0..7): each bit alone above the classic eight, and mixtures.
CASES = [
    (0x110, 0),  # AE+ACK, tshark's 0x0110
    (0x100, 0),  # AE alone
    (0x012, 1),  # SYN+ACK and reserved 0x200
    (0x010, 2),  # ACK and reserved 0x400
    (0x011, 4),  # FIN+ACK and reserved 0x800
    (0x1ff, 7),  # all twelve bits, 0x0fff
    (0x0c2, 0),  # SYN+ECE+CWR, an ECN setup SYN, no high bits
]

frames = []
for i, (flags, reserved) in enumerate(CASES):
    tcp = TCP(sport=40000 + i, dport=80, seq=1000 + i, ack=2000 + i, flags=flags, reserved=reserved)
    frames.append(Ether() / IP(src="10.0.0.1", dst="10.0.0.2") / tcp)
    frames.append(Ether() / IPv6(src="2001:db8::1", dst="2001:db8::2") / tcp)
for i, f in enumerate(frames):
    f.time = T + i / 1000
wrpcap("flag-bits.pcap", frames)
