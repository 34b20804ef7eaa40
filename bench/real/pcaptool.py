#!/usr/bin/env python3
"""Builds the real-traffic inputs of bench/real/run-real.sh. Standard library only.

    pcaptool.py info PCAP
        prints "packets first_ts last_ts linktype snaplen" of a libpcap file (µs or ns, either
        byte order); times in whole microseconds since the epoch.
    pcaptool.py ether IN OUT --start=EPOCH_S [--snaplen=128]
        rewrites one libpcap capture as a µs little-endian pcap of link type Ethernet: the
        frame of every record is cut to SNAPLEN bytes (its wire length is kept), the capture's
        first packet is moved to EPOCH_S and every other one by the same amount. Link types
        other than Ethernet lose their link header and get a 14-byte Ethernet header with zero
        MAC addresses and the EtherType of the IP version (raw IP, IPv4, IPv6, Linux SLL and
        SLL2, BSD null/loopback, PPP, Cisco HDLC); a record whose payload is not IP is dropped.
        The wire length grows by the header difference. Exit code 3 for a link type it does
        not know (the caller drops the file).
    pcaptool.py repeat IN OUT --packets=N --shift=S
        writes the first N packets of IN, IN, IN, ... (as many copies as needed, the last one cut
        where the count is reached), copy k with every timestamp moved by k*S seconds; IN must
        be a µs little-endian pcap (what `ether` writes, or a capture already in that form) in
        time order, and S more than its duration, so that OUT is in time order too. Streams:
        one copy in memory at a time.
"""
import os
import struct
import sys

MAGIC_US = 0xA1B2C3D4
MAGIC_NS = 0xA1B23C4D
REC = struct.Struct("<IIII")
ETHERTYPE = {4: b"\x08\x00", 6: b"\x86\xdd"}


def read_header(f):
    head = f.read(24)
    if len(head) < 24:
        raise ValueError("too short for a pcap header")
    for endian in "<>":
        magic, major, minor, _, _, snaplen, linktype = struct.unpack(endian + "IHHiIII", head)
        if magic in (MAGIC_US, MAGIC_NS):
            return endian, magic == MAGIC_NS, snaplen, linktype & 0xFFFF
    raise ValueError("not a libpcap file (pcapng must be converted first: editcap -F pcap)")


def records(f, endian):
    """Yields (ts_sec, ts_frac, incl_len, orig_len, data) until the end or a cut-short record."""
    rec = struct.Struct(endian + "IIII")
    while True:
        head = f.read(16)
        if len(head) < 16:
            return
        sec, frac, incl, orig = rec.unpack(head)
        if incl > 262144:
            raise ValueError(f"impossible record length {incl}")
        data = f.read(incl)
        if len(data) < incl:
            return
        yield sec, frac, incl, orig, data


def write_header(out, snaplen, linktype=1):
    out.write(struct.pack("<IHHiIII", MAGIC_US, 2, 4, 0, 0, snaplen, linktype))


def info(path):
    with open(path, "rb") as f:
        endian, ns, snaplen, linktype = read_header(f)
        n, first, last = 0, None, None
        for sec, frac, *_ in records(f, endian):
            t = sec * 1_000_000 + (frac // 1000 if ns else frac)
            first = t if first is None else first
            last = t
            n += 1
    print(n, first if first is not None else 0, last if last is not None else 0, linktype, snaplen)


def ip_payload(linktype, data):
    """The IP packet inside a frame of the given link type and its version (4/6), or None."""
    if linktype in (101, 12, 14, 228, 229):  # raw IP (LINKTYPE_RAW, DLT_RAW), IPv4, IPv6
        ip = data
    elif linktype == 113:  # Linux SLL: 16-byte header, protocol in the last two bytes
        ip = data[16:] if data[14:16] in (b"\x08\x00", b"\x86\xdd") else None
    elif linktype == 276:  # Linux SLL2: 20-byte header, protocol first
        ip = data[20:] if data[0:2] in (b"\x08\x00", b"\x86\xdd") else None
    elif linktype in (0, 108):  # BSD null / OpenBSD loopback: 4-byte address family, any order
        ip = data[4:]
    elif linktype in (9, 50):  # PPP, PPP in HDLC framing: [ff 03] protocol (2 bytes)
        d = data[2:] if data[:2] == b"\xff\x03" else data
        ip = d[2:] if d[:2] in (b"\x00\x21", b"\x00\x57") else None
    elif linktype == 104:  # Cisco HDLC: address, control, EtherType
        ip = data[4:] if data[2:4] in (b"\x08\x00", b"\x86\xdd") else None
    else:
        raise KeyError(linktype)
    if not ip:
        return None, None
    version = ip[0] >> 4
    return (ip, version) if version in ETHERTYPE else (None, None)


def ether(src, dst, start_s, snaplen):
    with open(src, "rb") as f, open(dst, "wb") as out:
        endian, ns, _, linktype = read_header(f)
        if linktype != 1:
            try:
                ip_payload(linktype, b"")
            except KeyError:
                print(f"pcaptool: {src}: link type {linktype} not converted", file=sys.stderr)
                sys.exit(3)
        write_header(out, snaplen)
        offset = None
        kept = dropped = 0
        for sec, frac, incl, orig, data in records(f, endian):
            t = sec * 1_000_000 + (frac // 1000 if ns else frac)
            if offset is None:
                offset = start_s * 1_000_000 - t
            t += offset
            if linktype != 1:
                ip, version = ip_payload(linktype, data)
                if ip is None:
                    dropped += 1
                    continue
                frame = b"\x00" * 12 + ETHERTYPE[version] + ip
                orig += len(frame) - incl
                data = frame
            data = data[:snaplen]
            out.write(REC.pack(t // 1_000_000, t % 1_000_000, len(data), max(orig, len(data))))
            out.write(data)
            kept += 1
    if dropped:
        print(f"pcaptool: {src}: {dropped} non-IP records dropped, {kept} kept", file=sys.stderr)


def repeat(src, dst, packets, shift):
    with open(src, "rb") as f:
        head = f.read(24)
        magic, *_ = struct.unpack("<I", head[:4])
        if magic != MAGIC_US:
            sys.exit(f"pcaptool: {src}: repeat needs a µs little-endian pcap")
        body = f.read()
    # Offsets of every record's ts_sec field, and the original seconds.
    offsets, secs = [], []
    pos, end = 0, len(body)
    while pos + 16 <= end:
        sec, _, incl, _ = REC.unpack_from(body, pos)
        if pos + 16 + incl > end:
            break
        offsets.append(pos)
        secs.append(sec)
        pos += 16 + incl
    n = len(offsets)
    if n == 0:
        sys.exit(f"pcaptool: {src}: no packets")
    ends = offsets[1:] + [pos]  # end of record i
    pack_into = struct.Struct("<I").pack_into
    tmp = dst + ".part"
    with open(tmp, "wb", buffering=0) as out:
        out.write(head)
        written, k = 0, 0
        while written < packets:
            take = min(n, packets - written)
            copy = bytearray(body[: ends[take - 1]])
            delta = k * shift
            if delta:
                for o, s in zip(offsets[:take], secs[:take]):
                    pack_into(copy, o, s + delta)
            out.write(copy)
            written += take
            k += 1
    os.replace(tmp, dst)
    print(f"pcaptool: {dst}: {packets} packets, {k} copies of {n}, {shift} s apart", file=sys.stderr)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    opts = dict(a[2:].split("=", 1) for a in args if a.startswith("--"))
    pos = [a for a in args if not a.startswith("--")]
    if cmd == "info" and len(pos) == 1:
        info(pos[0])
    elif cmd == "ether" and len(pos) == 2 and "start" in opts:
        ether(pos[0], pos[1], int(opts["start"]), int(opts.get("snaplen", 128)))
    elif cmd == "repeat" and len(pos) == 2 and "packets" in opts and "shift" in opts:
        repeat(pos[0], pos[1], int(opts["packets"]), int(opts["shift"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
