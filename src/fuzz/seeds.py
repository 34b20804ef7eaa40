#!/usr/bin/env python3
"""Writes the seed corpora of FlowBeam's Jazzer fuzz tests (README, "Fuzz tests").

The seeds are committed: ../shared is absent in some clones, and a regression run must replay the
same inputs everywhere. Run from the repository root, with ../shared beside it:

    python3 src/fuzz/seeds.py

Each seed is one file in the fuzz test's inputs directory
(src/test/resources/<package>/<Class>Inputs/<method>/), laid out as that test's Javadoc says:

- FrameDecoderFuzzTest/decode: [link type index][flags] + one captured frame (cut to 512 bytes),
  from the repository's test captures (every encapsulation) and the shared captures;
- CaptureReaderFuzzTest/readAtAnyOffset: [mode][start fraction, 2 bytes] + the first few KiB of a
  capture (pcap and pcapng, both byte orders, several link types);
- PacketCsvFuzzTest/readRange: [mode][split fraction, 2 bytes] + the first rows of a packet CSV;
- PacketCsvFuzzTest/parseRow: header line + "\\n" + one row;
- IpMapFuzzTest/parseJson: a map file;
- OptionsFuzzTest/parseOptions (pipelines): arguments, one a line, then NUL and an options file.

Seeds are named by the content's SHA-1, so rerunning the script adds nothing twice.
"""

import glob
import hashlib
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
IO_RES = os.path.join(ROOT, "io", "src", "test", "resources")
PIPE_RES = os.path.join(ROOT, "pipelines", "src", "test", "resources")

# FrameDecoderFuzzTest.LINK_TYPES, in order.
LINK_TYPES = [1, 0, 108, 101, 12, 14, 228, 229, 113, 276, 9, 50, 51, 204, 104, 10, 6, 239, 105, 127,
              147]

MAX_FRAME = 512
SLICE = 4096


def write(directory, content):
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(content).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)


def inputs(resources, package, cls, method):
    return os.path.join(resources, package.replace(".", os.sep), cls + "Inputs", method)


def pcap_frames(data):
    """(link type, big endian, frame) of each record of a pcap file."""
    magic = data[:4]
    if magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    elif magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    else:
        return []
    link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
    out, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
        if caplen > 262144:
            break
        out.append((link, e == ">", data[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return out


def pcapng_frames(data):
    """(link type, big endian, frame) of each Enhanced Packet Block of a pcapng file."""
    out, pos, e, links = [], 0, "<", []
    while pos + 12 <= len(data):
        raw = data[pos:pos + 4]
        if raw == b"\x0a\x0d\x0d\x0a":
            e = ">" if data[pos + 8:pos + 12] == b"\x1a\x2b\x3c\x4d" else "<"
            links = []
        btype, blen = struct.unpack(e + "II", data[pos:pos + 8])
        if blen < 12 or blen % 4:
            break
        if btype == 1:
            links.append(struct.unpack(e + "H", data[pos + 8:pos + 10])[0])
        elif btype == 6 and blen >= 32:
            ifid, _, _, caplen = struct.unpack(e + "IIII", data[pos + 8:pos + 24])
            if ifid < len(links):
                out.append((links[ifid], e == ">", data[pos + 28:pos + 28 + caplen]))
        pos += blen
    return out


def frames_of(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return pcapng_frames(data)
    return pcap_frames(data)


def captures():
    repo = sorted(glob.glob(os.path.join(IO_RES, "**", "*.pcap*"), recursive=True))
    shared = sorted(glob.glob(os.path.join(SHARED, "captures", "**", "*.pcap*"), recursive=True))
    return repo, [p for p in shared if os.path.getsize(p) <= 8 << 20]


def frame_seeds(repo, shared):
    d = inputs(IO_RES, "org.flowbeam.io.pcap", "FrameDecoderFuzzTest", "decode")
    seen = set()
    for path in repo + shared:
        per_file = 0
        for link, big, frame in frames_of(path):
            if link not in LINK_TYPES:
                continue
            # A few frames per file, different in their first bytes past the link header.
            key = (link, frame[12:40])
            if key in seen:
                continue
            seen.add(key)
            write(d, bytes([LINK_TYPES.index(link), 1 if big else 0]) + frame[:MAX_FRAME])
            per_file += 1
            if per_file == (12 if path in repo else 2):
                break


def capture_seeds(repo, shared):
    d = inputs(IO_RES, "org.flowbeam.io.pcap", "CaptureReaderFuzzTest", "readAtAnyOffset")
    chosen = [p for p in shared if os.path.getsize(p) >= 200][::6] + repo[::3]
    for i, path in enumerate(chosen):
        with open(path, "rb") as f:
            data = f.read(SLICE)
        mode = (i * 37) & 0x3F
        start = (i * 9973) & 0xFFFF
        write(d, bytes([mode]) + struct.pack(">H", start) + data)


def csv_files():
    files = sorted(glob.glob(os.path.join(IO_RES, "PacketCsv*", "*.csv")))
    files += sorted(glob.glob(os.path.join(SHARED, "refs", "tcp-edge", "*.packets.csv")))[:4]
    files += sorted(glob.glob(os.path.join(ROOT, "src", "samples", "*.csv")))
    return files


def csv_seeds():
    ranges = inputs(IO_RES, "org.flowbeam.io.csv", "PacketCsvFuzzTest", "readRange")
    rows = inputs(IO_RES, "org.flowbeam.io.csv", "PacketCsvFuzzTest", "parseRow")
    for i, path in enumerate(csv_files()):
        with open(path, "rb") as f:
            data = f.read(1536)
        write(ranges, bytes([i & 0x3F]) + struct.pack(">H", (i * 7919) & 0xFFFF) + data)
        lines = data.split(b"\n")
        if len(lines) >= 2:
            for row in lines[1:4]:
                write(rows, lines[0].rstrip(b"\r") + b"\n" + row.rstrip(b"\r"))


def ip_map_seeds():
    d = inputs(IO_RES, "org.flowbeam.io.csv", "IpMapFuzzTest", "parseJson")
    for path in glob.glob(os.path.join(IO_RES, "**", "*.json"), recursive=True):
        with open(path, "rb") as f:
            write(d, f.read())
    write(d, b'{"::1": 0, "10.0.0.1": 2147483647, "fe80::1%x": 3}')
    write(d, b'\xef\xbb\xbf {"a\\u0031": 1 , "\\/": 2}')
    write(d, b'{}')


def option_seeds():
    d = inputs(PIPE_RES, "org.flowbeam.pipelines", "OptionsFuzzTest", "parseOptions")
    lines = [
        "--input=in.pcap\n--output=out",
        "--input=a.csv,b.pcap\n--output=o\n--format=csv\n--numShards=4\n--splitSizeMb=64",
        "--input=x\n--output=y\n--formats=csv,parquet\n--layout=hive\n--ipMap=m.json",
        "--input=x\n--output=y\n--incremental=true\n--flushOpenFlows=true\n--binSize=0",
        "--input=x\n--output=y\n--assembly=ab\n--idleTimeout=-1\n--flowsPerChunk=0",
        "--input=x\n--output=y\n--fragmentPackets=7\n--decapsulate=false\n--activeTimeout=1e9",
    ]
    configs = sorted(glob.glob(os.path.join(ROOT, "run-configs", "**", "*.args"), recursive=True))
    for i, args in enumerate(lines):
        with open(configs[i % len(configs)], "rb") as f:
            write(d, args.encode() + b"\n@options\x00" + f.read())


def main():
    if not os.path.isdir(SHARED):
        sys.exit("seeds.py: " + SHARED + " not found (the shared data beside the repository)")
    repo, shared = captures()
    frame_seeds(repo, shared)
    capture_seeds(repo, shared)
    csv_seeds()
    ip_map_seeds()
    option_seeds()


if __name__ == "__main__":
    main()
