#!/usr/bin/python3
"""Writes the captures of EncapsulationTest: one pcap per encapsulation, each frame a tunnelled
(or otherwise wrapped) packet, with nested and truncated variants, then asks tshark what it sees in
each frame (the test's oracle; tshark is not needed by the test itself).

Run from this directory with Debian's python3-scapy (2.5) and tshark (4.0) installed:

    /usr/bin/python3 make_captures.py

For every NAME.pcap it writes NAME.tshark.csv with

    tshark -r NAME.pcap -T fields -E header=y -E separator=, -E occurrence=a -E aggregator=';'
      -e frame.number -e frame.protocols -e ip.src -e ip.dst -e ip.proto -e ipv6.src -e ipv6.dst
      -e ipv6.nxt -e tcp.srcport -e tcp.dstport -e tcp.flags -e udp.srcport -e udp.dstport

(every occurrence of each field, outermost first). Frames are timestamped 1700000000 s plus one
millisecond per frame, so the files are the same on every run.
"""

import struct
import subprocess

from scapy.all import (
    GRE,
    GRE_PPTP,
    IP,
    LLC,
    PPP,
    PPPoE,
    SNAP,
    TCP,
    UDP,
    Dot1AD,
    Dot1Q,
    Dot11,
    Dot11Beacon,
    Dot11QoS,
    Ether,
    ICMP,
    IPv6,
    RadioTap,
    Raw,
    load_contrib,
    wrpcap,
)
from scapy.layers.l2tp import L2TP
from scapy.layers.vxlan import VXLAN

load_contrib("gtp")
load_contrib("geneve")
load_contrib("erspan")
load_contrib("mpls")
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III, ERSPAN_PlatformSpecific  # noqa: E402
from scapy.contrib.geneve import GENEVE  # noqa: E402
from scapy.contrib.gtp import GTP_U_Header, GTPPDUSessionContainer  # noqa: E402
from scapy.contrib.mpls import MPLS  # noqa: E402

T0 = 1700000000

# Outer (tunnel endpoint) and inner addresses.
O4A, O4B = "192.0.2.1", "192.0.2.2"
O6A, O6B = "2001:db8:ffff::1", "2001:db8:ffff::2"
I4A, I4B = "10.1.0.1", "10.1.0.2"
I6A, I6B = "2001:db8:1::1", "2001:db8:1::2"
MAC = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
IMAC = dict(src="02:00:00:00:01:01", dst="02:00:00:00:01:02")

_port = [40000]


def sport():
    """A new client port per inner packet, so every frame is told apart."""
    _port[0] += 1
    return _port[0]


def tcp4(flags="S", src=I4A, dst=I4B):
    return IP(src=src, dst=dst) / TCP(sport=sport(), dport=80, flags=flags, seq=1000, ack=0)


def tcp6(flags="SA", src=I6A, dst=I6B):
    return IPv6(src=src, dst=dst) / TCP(sport=sport(), dport=443, flags=flags, seq=2000, ack=1001)


def udp4():
    return IP(src=I4A, dst=I4B) / UDP(sport=sport(), dport=53) / Raw(b"q" * 12)


def udp6():
    return IPv6(src=I6A, dst=I6B) / UDP(sport=sport(), dport=53) / Raw(b"q" * 12)


def outer4(proto=None):
    return Ether(**MAC) / (IP(src=O4A, dst=O4B) if proto is None else IP(src=O4A, dst=O4B, proto=proto))


def outer6(nh=None):
    return Ether(**MAC) / (IPv6(src=O6A, dst=O6B) if nh is None else IPv6(src=O6A, dst=O6B, nh=nh))


def cut(frame, n):
    """The frame's first n bytes: a capture with a small snaplen."""
    return Raw(bytes(frame)[:n])


def write(name, frames, linktype=1):
    pkts = []
    for i, f in enumerate(frames):
        p = f if not isinstance(f, (bytes, bytearray)) else Raw(bytes(f))
        p.time = T0 + i / 1000
        pkts.append(p)
    wrpcap(name + ".pcap", pkts, linktype=linktype)
    tshark_fields(name)


def tshark_fields(name):
    """Writes NAME.tshark.csv, what tshark sees in each frame of NAME.pcap."""
    fields = [
        "frame.number", "frame.protocols", "ip.src", "ip.dst", "ip.proto", "ipv6.src",
        "ipv6.dst", "ipv6.nxt", "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport",
        "udp.dstport",
    ]
    cmd = ["tshark", "-r", name + ".pcap", "-T", "fields", "-E", "header=y", "-E", "separator=,",
           "-E", "occurrence=a", "-E", "aggregator=;"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    with open(name + ".tshark.csv", "w") as f:
        f.write(out)


def write_big_endian(name, frames, linktype):
    """As write, for raw frames, but as a big-endian host writes a pcap (scapy writes its own)."""
    with open(name + ".pcap", "wb") as f:
        f.write(struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, frame in enumerate(frames):
            f.write(struct.pack(">IIII", T0, i * 1000, len(frame), len(frame)) + frame)
    tshark_fields(name)


def ip_in_ip():
    nested = tcp4()
    for i in range(3):
        nested = IP(src="198.51.100.%d" % (i + 1), dst="198.51.100.%d" % (i + 11)) / nested
    deep = tcp4()
    for i in range(10):
        deep = IP(src="203.0.113.%d" % (i + 1), dst="203.0.113.%d" % (i + 101)) / deep
    frag = outer4() / IP(bytes(tcp4()))
    frag[IP].flags = "MF"
    full = outer4() / tcp4()
    write("ipip", [
        outer4() / tcp4(),                          # 1 IPv4 in IPv4 (protocol 4)
        outer4() / tcp6(),                          # 2 6in4 (protocol 41)
        outer6() / tcp4(),                          # 3 4in6 (next header 4)
        outer6() / tcp6(),                          # 4 6in6 (next header 41)
        outer4() / nested,                          # 5 four IPv4 headers, then TCP
        outer4() / deep,                            # 6 eleven IPv4 headers: past the bound
        cut(full, 14 + 20 + 12),                    # 7 inner IPv4 header cut: the outer packet
        cut(full, 14 + 20 + 20 + 2),                # 8 inner TCP header cut after the ports' half
        outer4(proto=4) / Raw(b"\x55" * 40),        # 9 protocol 4 but no IPv4 inside: outer
        frag,                                       # 10 outer fragment (MF): not decapsulated
        outer4() / udp6(),                          # 11 UDP in 6in4
    ])


def gre():
    ppp_ip = PPP(proto=0x0021) / tcp4()
    routing = struct.pack(">HH", 0x4000, 0x0800) + struct.pack(">HH", 0, 0)  # C/R: checksum+offset
    routing += struct.pack(">HBB", 0x0800, 0, 8) + b"\x0a\x00\x00\x01\x0a\x00\x00\x02"  # one SRE
    routing += struct.pack(">HBB", 0, 0, 0)  # the last SRE
    aruba = (Dot11(type=2, subtype=0, FCfield="to-DS", addr1="02:00:00:00:02:01",
                   addr2="02:00:00:00:02:02", addr3="02:00:00:00:02:03")
             / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0800) / tcp4())
    write("gre", [
        outer4() / GRE(proto=0x0800) / tcp4(),                                      # 1 plain
        outer4() / GRE(chksum_present=1, key_present=1, seqnum_present=1, key=7,
                       sequence_number=9, proto=0x0800) / tcp4(),                   # 2 options
        outer4() / GRE(proto=0x86DD) / tcp6(),                                      # 3 IPv6 inside
        outer6() / GRE(proto=0x0800) / udp4(),                                      # 4 over IPv6
        outer4() / GRE(proto=0x0800) / IP(src="198.51.100.1", dst="198.51.100.2")
        / GRE(key_present=1, key=3, proto=0x0800) / tcp4(),                         # 5 GRE in GRE
        outer4() / GRE(proto=0x6558) / Ether(**IMAC) / tcp4(),                      # 6 Ethernet
        outer4() / GRE(proto=0x6558) / Ether(**IMAC) / Dot1Q(vlan=5) / tcp6(),      # 7 + VLAN
        outer4() / GRE_PPTP(seqnum_present=1, acknum_present=1, sequence_number=1,
                            ack_number=1, call_id=5) / ppp_ip,                      # 8 PPTP
        outer4() / GRE_PPTP(seqnum_present=1, sequence_number=2, call_id=5)
        / Raw(b"\x21" + bytes(tcp4())),                                             # 9 PPTP, PFC
        outer4() / GRE_PPTP(acknum_present=1, ack_number=2, call_id=5),             # 10 ack only
        outer4() / GRE(seqnum_present=0, proto=0x88BE) / Ether(**IMAC) / tcp4(),    # 11 ERSPAN I
        outer4() / GRE(seqnum_present=1, sequence_number=1, proto=0x88BE)
        / ERSPAN_II(ver=1, session_id=1) / Ether(**IMAC) / tcp4(),                         # 12 ERSPAN II
        outer4() / GRE(seqnum_present=1, sequence_number=2, proto=0x22EB)
        / ERSPAN_III(session_id=2, o=0) / Ether(**IMAC) / tcp4(),                   # 13 ERSPAN III
        outer4() / GRE(seqnum_present=1, sequence_number=3, proto=0x22EB)
        / ERSPAN_III(session_id=3, o=1) / ERSPAN_PlatformSpecific()
        / Ether(**IMAC) / tcp6(),                                                   # 14 + subheader
        outer4() / GRE(proto=0x8200) / aruba,                                       # 15 Aruba
        outer4() / GRE(proto=0x8847) / MPLS(label=16, s=1) / tcp4(),                # 16 MPLS
        outer4(proto=47) / Raw(routing + bytes(tcp4())),                            # 17 routing
        outer4() / GRE(proto=0x0000),                                               # 18 keepalive
        cut(outer4() / GRE(proto=0x0800) / tcp4(), 14 + 20 + 4 + 10),              # 19 inner cut
        outer4() / GRE(proto=0x0800) / IP(src="198.51.100.1", dst="198.51.100.2", proto=17)
        / UDP(sport=sport(), dport=4789) / VXLAN(vni=9) / Ether(**IMAC) / tcp4(),   # 20 VXLAN in GRE
    ])


def gre_udp():
    write("gre_udp", [
        outer4() / UDP(sport=sport(), dport=4754) / GRE(proto=0x0800) / tcp4(),     # 1 RFC 8086
        outer6() / UDP(sport=sport(), dport=4754) / GRE(proto=0x86DD) / tcp6(),     # 2 over IPv6
    ])


def gtp():
    def gtpu(**kw):
        return UDP(sport=2152, dport=2152) / GTP_U_Header(teid=0x1234, gtp_type=255, **kw)

    pdu = GTPPDUSessionContainer(type=0, QFI=9, NextExtHdr=0)
    two = (GTPPDUSessionContainer(type=0, QFI=9, NextExtHdr=0x85)
           / GTPPDUSessionContainer(type=1, QFI=5, NextExtHdr=0))
    echo = outer4() / UDP(sport=2152, dport=2152) / GTP_U_Header(teid=0, gtp_type=1, S=1, seq=7)
    full = outer4() / gtpu() / tcp4()
    write("gtp", [
        outer4() / gtpu() / tcp4(),                                 # 1 G-PDU, no optional fields
        outer4() / gtpu(S=1, seq=3) / tcp6(),                       # 2 sequence number; IPv6
        outer4() / gtpu(E=1, next_ex=0x85) / pdu / tcp4(),          # 3 PDU session container
        outer4() / gtpu(E=1, next_ex=0x85) / two / udp6(),          # 4 two extension headers
        outer6() / gtpu() / tcp4(),                                 # 5 over IPv6
        echo,                                                       # 6 echo request: outer
        cut(full, 14 + 20 + 8 + 8 + 10),                            # 7 inner header cut
        outer4() / gtpu() / IP(src="198.51.100.1", dst="198.51.100.2")
        / gtpu() / tcp4(),                                          # 8 GTP in GTP
        outer4() / UDP(sport=1500, dport=2152)
        / GTP_U_Header(teid=1, gtp_type=255) / tcp4(),              # 9 the higher port
    ])


def vxlan_geneve():
    write("vxlan", [
        outer4() / UDP(sport=sport(), dport=4789) / VXLAN(vni=42) / Ether(**IMAC) / tcp4(),
        outer4() / UDP(sport=sport(), dport=4789) / VXLAN(vni=42) / Ether(**IMAC) / tcp6(),
        outer6() / UDP(sport=sport(), dport=4789) / VXLAN(vni=43) / Ether(**IMAC)
        / Dot1Q(vlan=7) / udp4(),
        outer4() / UDP(sport=sport(), dport=4789) / VXLAN(vni=42) / Ether(**IMAC, type=0x0806)
        / Raw(b"\x00" * 28),                                                         # 4 ARP
        cut(outer4() / UDP(sport=sport(), dport=4789) / VXLAN(vni=42) / Ether(**IMAC) / tcp4(),
            14 + 20 + 8 + 8 + 14 + 8),                                              # 5 inner cut
        outer4() / UDP(sport=4789, dport=53)
        / Raw(bytes(VXLAN(vni=42) / Ether(**IMAC) / tcp4())),                        # 6 DNS port
    ])
    opts = struct.pack(">HBB", 0x0102, 0x03, 1) + b"\x00\x00\x00\x05"
    write("geneve", [
        outer4() / UDP(sport=sport(), dport=6081) / GENEVE(vni=5, proto=0x6558)
        / Ether(**IMAC) / tcp4(),                                                   # 1 Ethernet
        outer4() / UDP(sport=sport(), dport=6081)
        / GENEVE(vni=5, proto=0x6558, optionlen=2, options=opts) / Ether(**IMAC) / tcp6(),
        outer4() / UDP(sport=sport(), dport=6081) / GENEVE(vni=6, proto=0x0800) / tcp4(),
        outer6() / UDP(sport=sport(), dport=6081) / GENEVE(vni=7, proto=0x86DD) / udp6(),
    ])


def teredo_ayiya():
    origin = struct.pack(">HH", 0, 0xFFFF ^ 40001) + bytes(b ^ 0xFF for b in bytes([192, 0, 2, 9]))
    auth = struct.pack(">HBB", 1, 2, 3) + b"id" + b"abc" + b"\x00" * 8 + b"\x00"
    bubble = IPv6(src=I6A, dst=I6B, nh=59, plen=0)
    t = lambda: outer4() / UDP(sport=sport(), dport=3544)  # noqa: E731
    write("teredo", [
        t() / tcp6(),                                          # 1 plain
        t() / Raw(origin + bytes(tcp6())),                     # 2 origin indication
        t() / Raw(auth + origin + bytes(udp6())),              # 3 authentication and origin
        t() / bubble,                                          # 4 bubble (no next header)
        cut(t() / tcp6(), 14 + 20 + 8 + 30),                   # 5 inner header cut
    ])

    def ayiya(next_header, inner):
        # identity: 16 bytes (2^4), signature 20 bytes (5 words), op 1 (forward), SHA1.
        head = bytes([0x41, 0x52, 0x11, next_header]) + struct.pack(">I", 1700000000)
        return outer4() / UDP(sport=sport(), dport=5072) / Raw(head + b"\x11" * 16 + b"\x22" * 20
                                                            + bytes(inner))

    write("ayiya", [
        ayiya(41, tcp6()),                                     # 1 IPv6
        ayiya(4, tcp4()),                                      # 2 IPv4
    ])


def l2tp():
    u = lambda: outer4() / UDP(sport=1701, dport=1701)  # noqa: E731
    write("l2tp", [
        u() / L2TP(tunnel_id=1, session_id=2) / PPP(proto=0x0021) / tcp4(),          # 1 plain
        u() / L2TP(hdr="length+sequence", tunnel_id=1, session_id=2, ns=1, nr=1)
        / PPP(proto=0x0057) / tcp6(),                                                # 2 L, S
        u() / L2TP(hdr="offset", tunnel_id=1, session_id=2, offset=2)
        / PPP(proto=0x0021) / udp4(),                                                # 3 offset
        u() / L2TP(hdr="control+length+sequence", tunnel_id=0, session_id=0)
        / Raw(b"\x80\x08\x00\x00\x00\x00\x00\x01"),                                  # 4 control
        u() / L2TP(tunnel_id=1, session_id=2) / Raw(b"\xff\x03\xc0\x21\x01\x01\x00\x04"),  # 5 LCP
    ])


def link_layers():
    write("ethernet_tags", [
        Ether(**MAC) / MPLS(label=16, s=1) / tcp4(),                                 # 1
        Ether(**MAC) / MPLS(label=16, s=0) / MPLS(label=17, s=1) / tcp6(),            # 2
        Ether(**MAC) / Dot1Q(vlan=3) / MPLS(label=18, s=1) / tcp4(),                  # 3
        Ether(**MAC, type=0x88A8) / Dot1AD(vlan=100) / Dot1Q(vlan=200)
        / PPPoE(sessionid=7) / PPP(proto=0x0021) / tcp4(),                           # 4 QinQ PPPoE
        Ether(**MAC, type=0x88E7) / Raw(struct.pack(">I", 0x00000100))
        / Ether(**IMAC) / tcp4(),                                                    # 5 PBB
        Ether(**MAC, type=0x88E7) / Raw(struct.pack(">I", 0x00000101))
        / Ether(**IMAC) / Dot1Q(vlan=9) / tcp6(),                                    # 6 PBB + VLAN
        Ether(**MAC, type=0x8926) / Raw(struct.pack(">IH", 0x80010002, 0x0800)) / tcp4(),  # 7
        Ether(**MAC, type=0x8926) / Raw(struct.pack(">IH", 0x80010002, 0x8100))
        / Dot1Q(vlan=4) / tcp6(),                                                    # 8 VN-Tag
        Ether(**MAC) / Dot1Q(vlan=3) / PPPoE(sessionid=8) / PPP(proto=0x0281)
        / MPLS(label=20, s=1) / tcp4(),                                              # 9 MPLS/PPPoE
        Ether(**MAC, type=0x8903) / Raw(b"\x00\x00") / Ether(**IMAC) / tcp6(),          # 10 Cisco DCE
    ])
    write("ppp_mpls", [
        PPP(proto=0x0281) / MPLS(label=16, s=1) / tcp4(),
        PPP(proto=0x0281) / MPLS(label=16, s=0) / MPLS(label=17, s=1) / tcp6(),
        PPP(proto=0x0021) / tcp4(),
    ], linktype=9)
    write("ppp_hdlc", [
        PPP(proto=0x0021) / tcp4(),                              # ff 03 0021
        Raw(b"\x0f\x00\x08\x00" + bytes(tcp4())),           # Cisco HDLC framing
        PPP(proto=0x0281) / MPLS(label=5, s=1) / tcp6(),
    ], linktype=50)
    write("ppp_ether", [
        PPPoE(sessionid=3) / PPP(proto=0x0021) / tcp4(),
        PPPoE(sessionid=3) / PPP(proto=0x0057) / tcp6(),
    ], linktype=51)
    write("ppp_with_dir", [
        Raw(b"\x00\xff\x03\x00\x21" + bytes(tcp4())),
        Raw(b"\x01\x00\x57" + bytes(tcp6())),
    ], linktype=204)


def nflog_frame(family, inner, prefix=b"", order="<"):
    """NFLOG: family, version 0, resource id; then TLVs in the writer's byte order."""
    tlvs = b""

    def tlv(t, value):
        length = 4 + len(value)
        pad = (4 - length % 4) % 4
        return struct.pack(order + "HH", length, t) + value + b"\x00" * pad

    tlvs += tlv(1, struct.pack(">HBB", 0x0800 if family == 2 else 0x86DD, 3, 0))  # packet header
    if prefix:
        tlvs += tlv(10, prefix)  # prefix string, odd length, padded
    tlvs += tlv(9, bytes(inner))
    return bytes([family, 0]) + struct.pack(">H", 0) + tlvs


def nflog():
    write("nflog", [
        nflog_frame(2, tcp4()),
        nflog_frame(10, tcp6(), prefix=b"drop:\x00"),
        bytes([2, 0, 0, 0]) + struct.pack("<HH", 8, 1) + b"\x08\x00\x03\x00",  # no payload TLV
    ], linktype=239)
    # A big-endian writer: the file header, record headers and TLVs in network order.
    write_big_endian("nflog_be", [nflog_frame(2, udp4(), order=">")], linktype=239)


def wifi():
    snap = lambda t: LLC(dsap=0xAA, ssap=0xAA, ctrl=3) / SNAP(OUI=0, code=t)  # noqa: E731
    a = dict(addr1="02:00:00:00:02:01", addr2="02:00:00:00:02:02", addr3="02:00:00:00:02:03")
    frames = [
        Dot11(type=2, subtype=0, FCfield="to-DS", **a) / snap(0x0800) / tcp4(),           # 1
        Dot11(type=2, subtype=8, FCfield="from-DS", **a) / Dot11QoS(TID=5) / snap(0x86DD)
        / tcp6(),                                                                          # 2 QoS
        Dot11(type=2, subtype=0, FCfield="to-DS+from-DS", addr4="02:00:00:00:02:04", **a)
        / snap(0x0800) / udp4(),                                                           # 3 WDS
        Dot11(type=0, subtype=8, **a) / Dot11Beacon() / Raw(b"\x00\x00"),                   # 4 beacon
        Dot11(type=2, subtype=0, FCfield="to-DS+protected", **a) / Raw(b"\x00" * 40),      # 5 WEP
        Dot11(type=2, subtype=4, FCfield="to-DS", **a),                                    # 6 null
        Dot11(type=2, subtype=8, FCfield="to-DS", **a) / Dot11QoS(TID=0, A_MSDU_Present=0)
        / snap(0x0806) / Raw(b"\x00" * 28),                                                # 7 ARP
    ]
    write("ieee802_11", frames, linktype=105)
    write("radiotap", [RadioTap() / f for f in frames[:4]]
          + [RadioTap(present="Flags", Flags="FCS") / frames[0] / Raw(b"\x11\x22\x33\x44")],
          linktype=127)


if __name__ == "__main__":
    ip_in_ip()
    gre()
    gre_udp()
    gtp()
    vxlan_geneve()
    teredo_ayiya()
    l2tp()
    link_layers()
    nflog()
    wifi()
