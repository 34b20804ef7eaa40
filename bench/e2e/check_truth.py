#!/usr/bin/env python3
"""Compares a FlowBeam output's flows with a generator's ground truth, flow by flow.

    python3 bench/e2e/check_truth.py OUTPUT_DIR INPUT.truth.csv

A flow matches when its initiator, responder, start, end, packet and byte counts (each way) and
close reason equal a truth row's. Prints the counts and up to 5 differences each way; exits 1 if
any flow differs. Streams both sides, keeping only a key per flow in memory.
"""
import collections
import csv
import glob
import os
import sys

FIELDS = ("initiator_ip", "initiator_port", "responder_ip", "responder_port", "start_us",
          "end_us", "packets", "bytes", "packets_fwd", "packets_rev", "close_reason")


def rows(paths):
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                yield tuple(row[k] for k in FIELDS)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out_dir, truth = sys.argv[1], sys.argv[2]
    flows = sorted(glob.glob(os.path.join(out_dir, "flows", "flows-*.csv")))
    if not flows:
        sys.exit(f"check_truth: no flows-*.csv under {out_dir}/flows")
    counts = collections.Counter(rows([truth]))
    expected = sum(counts.values())
    extra = []
    found = 0
    for key in rows(flows):
        found += 1
        if counts[key] > 0:
            counts[key] -= 1
        else:
            extra.append(key)
    missing = [k for k, n in counts.items() for _ in range(n)]
    print(f"truth {expected} flows, FlowBeam {found}; {found - len(extra)} match, "
          f"{len(missing)} missing, {len(extra)} extra")
    for label, keys in (("missing", missing), ("extra", extra)):
        for k in keys[:5]:
            print(f"  {label}: " + ",".join(k))
    sys.exit(1 if missing or extra else 0)


if __name__ == "__main__":
    main()
