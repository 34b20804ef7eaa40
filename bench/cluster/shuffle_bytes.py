#!/usr/bin/env python3
"""Bytes that cross each exchange of a finished FlowBeam job on a Flink cluster, per packet.

    python3 bench/cluster/shuffle_bytes.py --packets=N [--flows=F] JOB.json PLAN.json

JOB.json is the REST API's `/jobs/JID` and PLAN.json its `/jobs/JID/plan` (bench/cluster/
run-cluster-bench.sh saves both after each job). Standard library only.

Flink counts, per job vertex (a chain of operators), the bytes its tasks read from their input
channels (`read-bytes`, the metric numBytesIn) and wrote to their result partitions
(`write-bytes`, numBytesOut). Bytes handed between chained operators are not counted: they are
not serialised. The plan says how each input of a vertex is shipped:

- `Forward`: subtask i to subtask i, in the same slot, so never over the network;
- `Hash Partition on [...]`: a keyed shuffle; with N TaskManagers of one slot, (N-1)/N of it
  leaves its TaskManager;
- `Broadcast`: every consumer subtask gets all of it.

The bytes of one edge are the consumer's read-bytes when that is its only input, else the
producer's write-bytes when that is its only output, else unknown (a vertex with several inputs
fed by a vertex with several outputs); unknown edges are listed apart, not guessed. Edges are
grouped by the Beam transform they belong to: the first element of the consumer's Beam name
(`AssembleFlows/AssembleByKey/...` -> `AssembleFlows`), or the producer's when the consumer is
one of the runner's own steps (`translateNode(...)`, Beam's counts and combines).
"""
import argparse
import json
import re
import sys
from collections import OrderedDict

FORWARD = "forward"
HASH = "hash"
BROADCAST = "broadcast"
OTHER = "other"


def strategy_kind(ship_strategy):
    """'Hash Partition on [0]' -> hash, 'Forward' -> forward, 'Broadcast' -> broadcast."""
    s = ship_strategy.lower()
    if s.startswith("forward"):
        return FORWARD
    if s.startswith("hash partition"):
        return HASH
    if s.startswith("broadcast"):
        return BROADCAST
    return OTHER


_OPERATORS = re.compile(r"<br/>\s*-&gt;\s*|\s+->\s+")
_NAMED = re.compile(r"\(\S+ at (.*)\)\s*$")


def beam_names(description):
    """The Beam step names of the operators in a vertex's description or name, in chain order.

    'GroupReduce (GroupReduce at A/B/ParMultiDo(C))<br/> -&gt; FlatMap (FlatMap at D)' and
    'CHAIN ... (FlatMap at A/B) -> Map (Key Extractor)' both name their operators this way;
    operators without a Beam step ('Map (Key Extractor)') are skipped.
    """
    names = []
    for operator in _OPERATORS.split(description or ""):
        m = _NAMED.search(operator.strip())
        if m:
            names.append(m.group(1).strip())
    return names


def transform_of(description, last=False):
    """The top-level Beam transform of a vertex (its first, or last, Beam step), or None."""
    names = [n for n in beam_names(description) if not n.startswith("translateNode")]
    if not names:
        return None
    return (names[-1] if last else names[0]).split("/")[0]


def edges(job, plan):
    """One dict per input edge of the plan: producer, consumer, kind, group, bytes, records."""
    vertices = {v["id"]: v for v in job["vertices"]}
    nodes = plan["plan"]["nodes"] if "plan" in plan else plan["nodes"]
    outputs = {}
    for node in nodes:
        for i in node.get("inputs", []):
            outputs[i["id"]] = outputs.get(i["id"], 0) + 1
    result = []
    for node in nodes:
        inputs = node.get("inputs", [])
        consumer = vertices[node["id"]]
        for i in inputs:
            producer = vertices[i["id"]]
            if len(inputs) == 1:
                nbytes = consumer["metrics"]["read-bytes"]
                records = consumer["metrics"]["read-records"]
            elif outputs[i["id"]] == 1:
                nbytes = producer["metrics"]["write-bytes"]
                records = producer["metrics"]["write-records"]
            else:
                nbytes = records = None
            group = transform_of(node.get("description", "")) or transform_of(
                producer["name"], last=True
            )
            result.append(
                {
                    "producer": producer["id"],
                    "consumer": consumer["id"],
                    "kind": strategy_kind(i["ship_strategy"]),
                    "group": group or "?",
                    "bytes": nbytes,
                    "records": records,
                    "parallelism": consumer["parallelism"],
                }
            )
    return result


def summarize(edge_list):
    """Per (kind, group): bytes, records and edges; unknown edges counted apart."""
    groups = OrderedDict()
    for e in edge_list:
        key = (e["kind"], e["group"])
        g = groups.setdefault(key, {"bytes": 0, "records": 0, "edges": 0, "unknown": 0})
        g["edges"] += 1
        if e["bytes"] is None:
            g["unknown"] += 1
        else:
            g["bytes"] += e["bytes"]
            g["records"] += e["records"]
    return groups


def totals(edge_list):
    """Known bytes per kind of exchange, and the number of edges of unknown size."""
    by_kind = {FORWARD: 0, HASH: 0, BROADCAST: 0, OTHER: 0}
    unknown = 0
    for e in edge_list:
        if e["bytes"] is None:
            unknown += 1
        else:
            by_kind[e["kind"]] += e["bytes"]
    return by_kind, unknown


def report(job, plan, packets, flows=None, out=sys.stdout):
    """Prints the table of exchanges that are not Forward, and the totals, per packet (and per
    flow of the job's output, when given)."""
    edge_list = edges(job, plan)
    groups = summarize(edge_list)
    out.write("| exchange | Beam transform | edges | bytes | records | bytes/packet |\n")
    out.write("|---|---|---|---|---|---|\n")
    rows = [(k, g) for k, g in groups.items() if k[0] != FORWARD]
    rows.sort(key=lambda kg: -kg[1]["bytes"])
    for (kind, group), g in rows:
        unknown = f" ({g['unknown']} of unknown size)" if g["unknown"] else ""
        out.write(
            f"| {kind} | {group} | {g['edges']}{unknown} | {g['bytes']:,} | {g['records']:,} "
            f"| {g['bytes'] / packets:.2f} |\n"
        )
    by_kind, unknown = totals(edge_list)
    out.write("\n")
    for kind in (HASH, BROADCAST, OTHER, FORWARD):
        out.write(
            f"{kind}: {by_kind[kind]:,} bytes, {by_kind[kind] / packets:.2f} bytes/packet\n"
        )
    if flows:
        out.write(f"hash per flow: {by_kind[HASH] / flows:.1f} bytes ({flows:,} flows)\n")
    out.write(f"edges of unknown size: {unknown}\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, required=True, help="packets the job read")
    parser.add_argument("--flows", type=int, help="flows the job wrote (optional)")
    parser.add_argument("job", help="/jobs/JID as JSON")
    parser.add_argument("plan", help="/jobs/JID/plan as JSON")
    args = parser.parse_args(argv)
    if args.packets < 1:
        parser.error("--packets must be at least 1")
    with open(args.job) as f:
        job = json.load(f)
    with open(args.plan) as f:
        plan = json.load(f)
    report(job, plan, args.packets, args.flows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
