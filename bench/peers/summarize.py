#!/usr/bin/env python3
"""Turns a results CSV of bench/peers/run-peers.sh into the Markdown table of BENCHMARKS.md.

    python3 bench/peers/summarize.py bench/peers/results-2026-11-23*.csv

Several CSVs pool their runs (same input size and tool = one row).

One row per input size and tool: the median of its runs (the runs were made on a machine shared
with other builds, so the median is less swayed by one run that met a burst of load than the mean),
the range of wall times, packets per second from the median wall time, peak RSS, CPU time, the flow
count (all runs must agree, or the row says so) and the ratios of FlowBeam to the peer: wall time
FlowBeam/peer (how many times longer FlowBeam takes) and packets/s FlowBeam/peer (what fraction of
the peer's throughput FlowBeam reaches), against the default FlowBeam configuration (`flowbeam`).
Standard library only.
"""
import csv
import statistics
import sys
from collections import OrderedDict

SIZE_ORDER = {"tiny": 0, "1x": 1, "10x": 2}
TOOL_ORDER = {"tcptrace": 0, "tshark": 1, "suricata": 2, "flowbeam": 3, "flowbeam-args": 4, "flowbeam-p1": 5}


def fmt_int(x):
    return f"{x:,.0f}"


def main(paths):
    groups = OrderedDict()
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                if row["exit"] != "0":
                    continue  # a failed run has no meaningful time; the CSV keeps it
                groups.setdefault((row["size"], row["tool"]), []).append(row)

    stats = {}
    for (size, tool), rows in groups.items():
        walls = [float(r["wall_s"]) for r in rows]
        wall = statistics.median(walls)
        packets = int(rows[0]["packets"])
        flows = sorted({r["flows"] for r in rows})
        jobs = [float(r["job_s"]) for r in rows if r["job_s"]]
        stats[(size, tool)] = {
            "runs": len(rows),
            "wall": wall,
            "wmin": min(walls),
            "wmax": max(walls),
            "pps": packets / wall if wall > 0 else float("inf"),
            "pps_best": packets / min(walls) if min(walls) > 0 else float("inf"),
            "rss_mib": statistics.median(int(r["peak_rss_kb"]) for r in rows) / 1024,
            "cpu": statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rows),
            "flows": f"{int(flows[0]):,}" if len(flows) == 1 else "/".join(flows) + " (differ)",
            "job": statistics.median(jobs) if jobs else None,
            "packets": packets,
            "lmin": min(float(r["load1"]) for r in rows),
            "lmax": max(float(r["load1"]) for r in rows),
        }

    print("| input | tool | runs | wall: median (min–max) | packets/s: median (best) | CPU user+sys "
          "| peak RSS | flows | load, 1 min | FlowBeam/peer wall | FlowBeam/peer packets/s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    keys = sorted(stats, key=lambda k: (SIZE_ORDER.get(k[0], 9), TOOL_ORDER.get(k[1], 9), k[1]))
    for size, tool in keys:
        s = stats[(size, tool)]
        fb = stats.get((size, "flowbeam"))
        if fb and not tool.startswith("flowbeam") and s["wall"] > 0:
            ratio_wall = f"{fb['wall'] / s['wall']:,.0f}×" if fb["wall"] / s["wall"] >= 10 \
                else f"{fb['wall'] / s['wall']:.1f}×"
            ratio_pps = f"{fb['pps'] / s['pps']:.4f}" if fb["pps"] / s["pps"] < 0.01 \
                else f"{fb['pps'] / s['pps']:.3f}"
        else:
            ratio_wall = ratio_pps = "—"
        wall = f"{s['wall']:.2f} s ({s['wmin']:.2f}–{s['wmax']:.2f})"
        if s["job"] is not None:
            wall += f"; job {s['job']:.1f} s"
        pps = "—" if s["wmin"] == 0 else f"{fmt_int(s['pps'])} ({fmt_int(s['pps_best'])})"
        print(f"| {size} ({s['packets']:,} packets) | {tool} | {s['runs']} | {wall} | {pps} "
              f"| {s['cpu']:.1f} s | {s['rss_mib']:,.0f} MiB | {s['flows']} | {s['lmin']:.1f}–{s['lmax']:.1f} "
              f"| {ratio_wall} | {ratio_pps} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: summarize.py RESULTS.csv...")
    main(sys.argv[1:])
