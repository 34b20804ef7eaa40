#!/usr/bin/env python3
"""Turns results CSVs of bench/real/run-real.sh into the Markdown tables of BENCHMARKS.md.

    python3 bench/real/summarize.py bench/real/results-*.csv

Several CSVs pool their runs. Standard library only. Three tables:

1. One row per input (source and size), tool and, for FlowBeam, build (the jar's SHA-256: runs of
   one jar pool even under different labels), heap and extra options:
   wall time median and range; packets/s over the wall time (JVM start-up included, as a user sees
   it; the same measure for every tool), median and best run (none under 1,000 packets);
   FlowBeam's own job time (its summary line, without JVM start-up); CPU time user+system
   (median) and packets per CPU second over it (less swayed than wall time by other work on a
   shared machine, but blind to how well a tool spreads over cores); peak RSS, median and highest run; flow count
   (all runs must agree, or the cell says so); the 1-minute load average before the runs (range);
   FlowBeam's packets/s as a fraction of tcptrace's on the same input (medians).
2. The targets of issue #9, per source and FlowBeam build: packets/s at least tcptrace's at 10M
   packets (medians); at least 1M packets/s at 100M (median); peak RSS at most 1.5 GiB (1,536 MiB)
   with -Xmx1g at every size (highest run); the tiny input in at most 5 s of wall time (median).
   A target whose input was not measured says so.
3. With two or more FlowBeam builds: their median wall packets/s and peak RSS side by side, and
   the ratio of each build's packets/s to the first build's (first in the CSV, i.e. first in JAR).

Failed runs (exit code other than 0) are counted apart and left out of the figures.
"""
import csv
import statistics
import sys
from collections import OrderedDict

TOOL_ORDER = {"tcptrace": 0, "tshark": 1, "flowbeam": 2}
SOURCE_ORDER = {"loopback": 0, "ndpi": 1}
RSS_LIMIT_MIB = 1536
TINY_LIMIT_S = 5.0
PPS_100M = 1_000_000
MIN_RATE_PACKETS = 1000


def si(x):
    """1234567 -> 1.23M, 221000 -> 221k."""
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e3:
        return f"{x / 1e3:.0f}k"
    return f"{x:.0f}"


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def num(text):
    return float(text) if text not in ("", None) else None


# FlowBeam builds are told apart by the jar's SHA-256 prefix (the same jar pools its runs whatever
# its label) and shown by the label of their first row.
LABELS = {}


def load(paths):
    groups = OrderedDict()
    failed = {}
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                flowbeam = row["tool"] == "flowbeam"
                key = (
                    row["source"],
                    int(row["packets"]),
                    row["size"],
                    row["tool"],
                    (row["jar_sha256"] or row["build"]) if flowbeam else "",
                    row["xmx"] if flowbeam else "",
                    row["flowbeam_args"] if flowbeam else "",
                )
                if flowbeam:
                    LABELS.setdefault(key[4], row["build"] or key[4])
                if row["exit"] != "0":
                    failed.setdefault(key, []).append(row)
                    continue
                groups.setdefault(key, []).append(row)
    for key in failed:
        groups.setdefault(key, [])
    return groups, failed


def stats_of(rows):
    packets = int(rows[0]["packets"])
    walls = [float(r["wall_s"]) for r in rows]
    wall = statistics.median(walls)
    flows = sorted({r["flows"] for r in rows}, key=lambda f: int(f) if f else -1)
    rss = [int(r["peak_rss_kb"]) / 1024 for r in rows]
    cpus = [float(r["user_s"]) + float(r["sys_s"]) for r in rows]
    return {
        "runs": len(rows),
        "packets": packets,
        "bytes": int(rows[0]["input_bytes"]),
        "wall": wall,
        "wmin": min(walls),
        "wmax": max(walls),
        # A rate over a dozen packets, or within GNU time's 10 ms resolution, means nothing.
        "pps": packets / wall if wall > 0 and packets >= MIN_RATE_PACKETS else None,
        "pps_best": packets / min(walls) if min(walls) > 0 and packets >= MIN_RATE_PACKETS else None,
        "job": median_or_none(num(r["job_s"]) for r in rows),
        "cpu": statistics.median(cpus),
        "rss": statistics.median(rss),
        "rss_max": max(rss),
        "flows": f"{int(flows[0]):,}" if len(flows) == 1 and flows[0] else "/".join(f or "none" for f in flows) + " (differ)",
        "lmin": min(float(r["load1"]) for r in rows),
        "lmax": max(float(r["load1"]) for r in rows),
        "notes": sorted({r["note"] for r in rows if r.get("note")}),
    }


def input_text(source, size, s):
    return f"{source} {size} ({s['packets']:,} packets, {s['bytes'] / 1e6:,.1f} MB)"


def tool_text(key):
    _, _, _, tool, build, xmx, args = key
    if tool != "flowbeam":
        return tool
    return f"flowbeam `{LABELS.get(build, build)}`, -Xmx{xmx}" + (f" {args}" if args else "")


def main(paths):
    groups, failed = load(paths)
    stats = {k: stats_of(rows) for k, rows in groups.items() if rows}
    keys = sorted(
        groups,
        key=lambda k: (SOURCE_ORDER.get(k[0], 9), k[0], k[1], TOOL_ORDER.get(k[3], 9), k[4:]),
    )
    # tcptrace's figures per input, the reference of the ratio column and of the first target.
    tcptrace = {(k[0], k[1]): stats[k] for k in keys if k[3] == "tcptrace" and k in stats}

    print("| input | tool | runs | wall: median (min–max) | packets/s: median (best) | job (FlowBeam) "
          "| CPU user+sys | packets per CPU s | peak RSS: median (max) | flows | load, 1 min | packets/s FlowBeam/tcptrace |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for key in keys:
        source, _, size, tool = key[:4]
        fails = len(failed.get(key, []))
        if key not in stats:
            print(f"| {source} {size} | {tool_text(key)} | 0 (+{fails} failed) | — | — | — | — | — | — | — | — | — |")
            continue
        s = stats[key]
        runs = f"{s['runs']}" + (f" (+{fails} failed)" if fails else "")
        pps = "—" if s["pps"] is None else f"{s['pps']:,.0f} ({s['pps_best']:,.0f})"
        job = "—" if s["job"] is None else f"{s['job']:.1f} s"
        per_cpu = "—" if s["pps"] is None or s["cpu"] <= 0 else f"{s['packets'] / s['cpu']:,.0f}"
        ref = tcptrace.get((source, key[1]))
        ratio = "—"
        if tool == "flowbeam" and ref and ref["pps"] and s["pps"]:
            ratio = f"{s['pps'] / ref['pps']:.2f}"
        print(f"| {input_text(source, size, s)} | {tool_text(key)} | {runs} "
              f"| {s['wall']:.2f} s ({s['wmin']:.2f}–{s['wmax']:.2f}) | {pps} | {job} | {s['cpu']:.1f} s | {per_cpu} "
              f"| {s['rss']:,.0f} MiB ({s['rss_max']:,.0f}) | {s['flows']} | {s['lmin']:.1f}–{s['lmax']:.1f} | {ratio} |")
    notes = {n for s in stats.values() for n in s["notes"]}
    for n in sorted(notes):
        print(f"\nNote in the runs: {n}")

    # ---- targets
    flowbeam_keys = [k for k in keys if k[3] == "flowbeam" and k in stats]
    # In the order of the CSV rows: the first build (first in JAR) is the one the others are
    # compared with.
    builds = list(OrderedDict.fromkeys(k[4:] for k in groups if k in flowbeam_keys))
    sources = list(OrderedDict.fromkeys(k[0] for k in keys))
    print()
    print("| target (issue #9) | source | FlowBeam build | measured | met |")
    print("|---|---|---|---|---|")

    def find(source, build, packets=None, size=None):
        for k in flowbeam_keys:
            if k[0] == source and k[4:] == build and (packets is None or k[1] == packets) and (size is None or k[2] == size):
                return k
        return None

    for build in builds:
        label = f"`{LABELS.get(build[0], build[0])}`, -Xmx{build[1]}" + (f" {build[2]}" if build[2] else "")
        for source in sources:
            k = find(source, build, packets=10_000_000)
            ref = tcptrace.get((source, 10_000_000))
            if k and ref and ref["pps"]:
                fb = stats[k]["pps"]
                print(f"| packets/s ≥ tcptrace's at 10M | {source} | {label} "
                      f"| {si(fb)} vs {si(ref['pps'])} ({fb / ref['pps']:.2f}×) | {'yes' if fb >= ref['pps'] else '**no**'} |")
            else:
                print(f"| packets/s ≥ tcptrace's at 10M | {source} | {label} | not measured | — |")
            k = find(source, build, packets=100_000_000)
            if k:
                fb = stats[k]["pps"]
                print(f"| ≥ 1M packets/s at 100M | {source} | {label} | {si(fb)} | {'yes' if fb >= PPS_100M else '**no**'} |")
            else:
                print(f"| ≥ 1M packets/s at 100M | {source} | {label} | not measured | — |")
            sized = sorted((k for k in flowbeam_keys if k[0] == source and k[4:] == build), key=lambda k: k[1])
            if build[1] != "1g":
                print(f"| peak RSS ≤ 1.5 GiB with -Xmx1g | {source} | {label} | not measured with -Xmx1g | — |")
            elif sized:
                worst = max(stats[k]["rss_max"] for k in sized)
                per = ", ".join(f"{k[2]} {stats[k]['rss_max']:,.0f}" for k in sized)
                print(f"| peak RSS ≤ 1.5 GiB with -Xmx1g, every size | {source} | {label} | {per} MiB "
                      f"| {'yes' if worst <= RSS_LIMIT_MIB else '**no**'} |")
            k = find(source, build, size="tiny")
            if k:
                w = stats[k]["wall"]
                print(f"| tiny input in ≤ 5 s wall | {source} | {label} | {w:.1f} s | {'yes' if w <= TINY_LIMIT_S else '**no**'} |")
            else:
                print(f"| tiny input in ≤ 5 s wall | {source} | {label} | not measured | — |")

    # ---- builds side by side
    if len(builds) > 1:
        first = builds[0]
        print()
        name = {b: LABELS.get(b[0], b[0]) for b in builds}
        print("| input | " + " | ".join(f"`{name[b]}` packets/s, peak RSS" for b in builds)
              + " | " + " | ".join(f"`{name[b]}`/`{name[first]}` packets/s" for b in builds[1:]) + " |")
        print("|---|" + "---|" * (2 * len(builds) - 1))
        inputs = list(OrderedDict.fromkeys((k[0], k[1], k[2]) for k in flowbeam_keys))
        for source, packets, size in inputs:
            cells, ratios = [], []
            base = stats.get(find(source, first, packets=packets)) if find(source, first, packets=packets) else None
            for b in builds:
                k = find(source, b, packets=packets)
                if not k:
                    cells.append("—")
                    continue
                s = stats[k]
                cells.append(f"{si(s['pps']) if s['pps'] else '—'}, {s['rss_max']:,.0f} MiB")
            for b in builds[1:]:
                k = find(source, b, packets=packets)
                if k and base and base["pps"] and stats[k]["pps"]:
                    ratios.append(f"{stats[k]['pps'] / base['pps']:.2f}")
                else:
                    ratios.append("—")
            print(f"| {source} {size} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: summarize.py RESULTS.csv...")
    main(sys.argv[1:])
