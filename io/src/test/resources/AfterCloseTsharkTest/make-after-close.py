#!/usr/bin/env python3
"""Writes after-close.pcap: TCP connections with packets after their FIN or RST close.

Plain Python (struct), Ethernet + IPv4 + TCP, checksums 0 (tshark does not check them by default).
tshark is the oracle for which packets form one stream:

    python3 make-after-close.py
    tshark -r after-close.pcap -T fields -E header=y -E separator=, \
        -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.flags -e tcp.seq_raw -e tcp.stream \
        > after-close.tshark.csv

Each case has its own client port (40001 ...), so each is one conversation:
  40001  FIN close, the server's RST 10 s later
  40002  RST abort, then an ACK and a RST 20 s later
  40003  FIN close, a retransmitted SYN (same ISN) and a SYN-ACK 28 s later
  40004  FIN close, a new connection (new ISN) 28 s later
  40005  FIN close, a SYN-ACK with a new sequence number 28 s later
  40006  FIN close, the server's RST 301 s later (past FlowBeam's 300 s idle timeout)
"""
import struct

T = 1_700_000_000
S, A, F, R, P = 0x02, 0x10, 0x01, 0x04, 0x08
CLIENT, SERVER = "10.0.0.1", "10.0.0.2"


def frame(src, sport, dst, dport, flags, seq, ack, payload=0):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    tcp += bytes(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    return bytes.fromhex("020000000002" "020000000001" "0800") + ip + tcp


def case(port, start):
    """Handshake, 100 bytes each way, FIN close by the client; then `after` (time, frame) items."""
    c = lambda t, fl, seq, ack, n=0: (t, frame(CLIENT, port, SERVER, 80, fl, seq, ack, n))
    s = lambda t, fl, seq, ack, n=0: (t, frame(SERVER, 80, CLIENT, port, fl, seq, ack, n))
    t = start
    out = [c(t, S, 1000, 0), s(t + .001, S | A, 5000, 1001), c(t + .002, A, 1001, 5001),
           c(t + .003, P | A, 1001, 5001, 100), s(t + .004, P | A, 5001, 1101, 100),
           c(t + .005, A, 1101, 5101)]
    return out, c, s, t + .006


frames = []
out, c, s, t = case(40001, T)
frames += out + [c(t, F | A, 1101, 5101), s(t + .001, F | A, 5101, 1102), c(t + .002, A, 1102, 5102),
                 s(t + 10, R, 5102, 0)]
out, c, s, t = case(40002, T + 1)
frames += out + [s(t, R | A, 5101, 1101), c(t + 20, A, 1101, 5101), s(t + 20.001, R, 5101, 0)]
out, c, s, t = case(40003, T + 2)
frames += out + [c(t, F | A, 1101, 5101), s(t + .001, F | A, 5101, 1102), c(t + .002, A, 1102, 5102),
                 c(t + 28, S, 1000, 0), s(t + 28.001, S | A, 7000, 1001)]
out, c, s, t = case(40004, T + 3)
frames += out + [c(t, F | A, 1101, 5101), s(t + .001, F | A, 5101, 1102), c(t + .002, A, 1102, 5102),
                 c(t + 28, S, 9000, 0), s(t + 28.001, S | A, 7000, 9001), c(t + 28.002, A, 9001, 7001)]
out, c, s, t = case(40005, T + 4)
frames += out + [c(t, F | A, 1101, 5101), s(t + .001, F | A, 5101, 1102), c(t + .002, A, 1102, 5102),
                 s(t + 28, S | A, 7000, 1001)]
out, c, s, t = case(40006, T + 5)
frames += out + [c(t, F | A, 1101, 5101), s(t + .001, F | A, 5101, 1102), c(t + .002, A, 1102, 5102),
                 s(t + 301, R, 5102, 0)]

frames.sort(key=lambda f: f[0])
with open("after-close.pcap", "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for ts, data in frames:
        us = round(ts * 1_000_000)
        out.write(struct.pack("<IIII", us // 1_000_000, us % 1_000_000, len(data), len(data)))
        out.write(data)
