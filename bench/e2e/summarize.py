#!/usr/bin/env python3
"""Turns results CSVs of bench/e2e/run-e2e.sh into a Markdown table.

    python3 bench/e2e/summarize.py bench/e2e/results-*.csv

Several CSVs pool their runs. One row per input (packet count), format, configuration, client
heap, extra FlowBeam options and, for the cluster, CLUSTER_RESTART mode: runs that differ in any
of these are never pooled. Standard library only.

Columns: wall time of the client process (JVM start-up included, as a user sees it), median and
range; FlowBeam's own job time (median; from its summary line, without JVM start-up); packets/s
from FlowBeam's summary line (job time), median and best; MB/s of input over the job time
(median); peak RSS of every JVM, median over the runs: the client (GNU time), and for the cluster
the JobManager and TaskManager (VmHWM; "since start" when the cluster was kept up across runs,
then it is the peak over the runs so far, not this run's); FlowBeam's flow count against the
generator's ground truth; the 1-minute load average before the runs (range). Failed runs (exit
code other than 0) are counted apart and left out of the figures.
"""
import csv
import statistics
import sys
from collections import OrderedDict

CONFIG_ORDER = {"direct": 0, "embedded": 1, "cluster": 2}
FORMAT_ORDER = {"csv": 0, "pcap": 1, "pcapng": 2}


def mib(kb_values):
    values = [int(v) for v in kb_values if v]
    return f"{statistics.median(values) / 1024:,.0f} MiB" if values else "—"


def median_of(rows, key):
    values = [float(r[key]) for r in rows if r.get(key)]
    return statistics.median(values) if values else None


def flows_cell(rows):
    truth = {r["truth_flows"] for r in rows}
    flows = sorted({r["flows"] for r in rows}, key=lambda f: int(f) if f else -1)
    truth_text = "/".join(f"{int(t):,}" for t in sorted(truth, key=int)) if all(truth) else "?"
    if len(truth) == 1 and flows == list(truth):
        return f"{int(flows[0]):,} = truth"
    found = "/".join(f"{int(f):,}" if f else "none" for f in flows)
    return f"**{found} ≠ truth {truth_text}**"


def main(paths):
    groups = OrderedDict()
    failed = {}
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = (
                    int(row["packets"]),
                    row["format"],
                    row["snaplen"],
                    row["config"],
                    row["cluster_restart"],
                    row["xmx"],
                    row["extra_args"],
                )
                if row["exit"] != "0":
                    failed.setdefault(key, []).append(row)
                    continue
                groups.setdefault(key, []).append(row)
    for key in failed:
        groups.setdefault(key, [])

    print(
        "| input | format | config | runs | wall: median (min–max) | job: median "
        "| packets/s: median (best) | MB/s | peak RSS: client | JobManager | TaskManager "
        "| flows | load, 1 min |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    keys = sorted(
        groups,
        key=lambda k: (k[0], FORMAT_ORDER.get(k[1], 9), k[2], CONFIG_ORDER.get(k[3], 9), k[3:]),
    )
    for key in keys:
        packets, fmt, snaplen, config, restart, xmx, extra = key
        rows = groups[key]
        label = f"{packets:,} packets"
        fmt_text = fmt + (f" (snaplen {snaplen})" if snaplen else "")
        sizes = [int(r["input_bytes"]) for r in rows or failed[key]]
        fmt_text += f", {statistics.median(sizes) / 1e6:,.1f} MB"
        config_text = config
        if config == "cluster" and restart == "once":
            config_text += " (kept up)"
        config_text += f", -Xmx{xmx}" + (f" {extra}" if extra else "")
        fails = len(failed.get(key, []))
        runs = f"{len(rows)}" + (f" (+{fails} failed)" if fails else "")
        if not rows:
            print(f"| {label} | {fmt_text} | {config_text} | {runs} | — | — | — | — | — | — | — | — | — |")
            continue
        walls = [float(r["wall_s"]) for r in rows]
        job = median_of(rows, "job_s")
        pps = [float(r["packets_per_s"]) for r in rows if r["packets_per_s"]]
        mbs = median_of(rows, "mb_per_s")
        cluster = config == "cluster"
        since = " (since start)" if cluster and restart == "once" else ""
        jm = mib(r["jm_peak_rss_kb"] for r in rows) + since if cluster else "—"
        tm = mib(r["tm_peak_rss_kb"] for r in rows) + since if cluster else "—"
        loads = [float(r["load1"]) for r in rows]
        print(
            f"| {label} | {fmt_text} | {config_text} | {runs} "
            f"| {statistics.median(walls):.1f} s ({min(walls):.1f}–{max(walls):.1f}) "
            f"| {'—' if job is None else f'{job:.1f} s'} "
            f"| {f'{statistics.median(pps):,.0f} ({max(pps):,.0f})' if pps else '—'} "
            f"| {'—' if mbs is None else f'{mbs:,.2f}' if mbs < 10 else f'{mbs:,.1f}'} "
            f"| {mib(r['client_peak_rss_kb'] for r in rows)} | {jm} | {tm} "
            f"| {flows_cell(rows)} | {min(loads):.1f}–{max(loads):.1f} |"
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: summarize.py RESULTS.csv...")
    main(sys.argv[1:])
