"""Tests of shuffle_bytes.py on a hand-built job: python3 -m unittest discover bench/cluster"""
import io
import unittest

import shuffle_bytes as sb


def vertex(vid, name, read=0, write=0, read_records=0, write_records=0, parallelism=2):
    return {
        "id": vid,
        "name": name,
        "parallelism": parallelism,
        "metrics": {
            "read-bytes": read,
            "write-bytes": write,
            "read-records": read_records,
            "write-records": write_records,
        },
    }


def node(vid, description, *inputs):
    return {
        "id": vid,
        "description": description,
        "inputs": [{"num": n, "id": src, "ship_strategy": s} for n, (src, s) in enumerate(inputs)],
    }


# reader -> (hash) keyed stage -> (forward) naming step, which also takes a broadcast side input
# from a combine; the reader also feeds the combine (hash) and a sink (forward), so the reader has
# three outputs and the naming step two inputs.
JOB = {
    "vertices": [
        vertex("r", "CHAIN DataSource (at Impulse (x)) -> FlatMap (FlatMap at ReadCaptures/Read ranges)",
               write=9999),
        vertex("k", "keyed", read=2100, read_records=10, write=700),
        vertex("c", "combine", read=40, read_records=2, write=16, write_records=1),
        vertex("n", "naming", read=732, read_records=11),
        vertex("s", "sink", read=55, read_records=5),
    ]
}
PLAN = {
    "plan": {
        "nodes": [
            node("r", "DataSource"),
            node(
                "k",
                "GroupReduce (GroupReduce at AssembleFlows/AssembleByKey/ParMultiDo(AssembleFlows))"
                "<br/> -&gt; FlatMap (FlatMap at AssembleFlows/AssembleByKey/ParMultiDo(AssembleFlows).output)",
                ("r", "Hash Partition on [0]"),
            ),
            node(
                "c",
                "GroupReduce (GroupReduce at translateNode(FlinkBatchTransformTranslators.java:420))"
                "<br/> -&gt; FlatMap (FlatMap at SumTotals/Values/Map/ParMultiDo(Anonymous))",
                ("r", "Hash Partition on [0]"),
            ),
            node(
                "n",
                "FlatMap (FlatMap at AssembleFlows/NameEndOfData/ParMultiDo(NameEndOfData))",
                ("k", "Forward"),
                ("c", "Broadcast"),
            ),
            node("s", "DataSink (org.apache.flink.api.java.io.DiscardingOutputFormat@1)", ("r", "Forward")),
        ]
    }
}


class BeamNamesTest(unittest.TestCase):
    def test_names_with_parentheses_in_a_plan_description(self):
        self.assertEqual(
            sb.beam_names(PLAN["plan"]["nodes"][1]["description"]),
            [
                "AssembleFlows/AssembleByKey/ParMultiDo(AssembleFlows)",
                "AssembleFlows/AssembleByKey/ParMultiDo(AssembleFlows).output",
            ],
        )

    def test_names_in_a_job_vertex_name_skip_operators_without_a_step(self):
        self.assertEqual(
            sb.beam_names("CHAIN FlatMap (FlatMap at A/B.out0) -> Map (Key Extractor)"), ["A/B.out0"]
        )

    def test_runner_steps_give_way_to_the_next_operator(self):
        self.assertEqual(sb.transform_of(PLAN["plan"]["nodes"][2]["description"]), "SumTotals")


class EdgesTest(unittest.TestCase):
    def setUp(self):
        self.edges = {(e["producer"], e["consumer"]): e for e in sb.edges(JOB, PLAN)}

    def test_single_input_uses_the_consumers_read_bytes(self):
        keyed = self.edges[("r", "k")]
        self.assertEqual((keyed["kind"], keyed["group"], keyed["bytes"], keyed["records"]),
                         ("hash", "AssembleFlows", 2100, 10))

    def test_second_input_uses_the_producers_write_bytes_when_it_has_one_output(self):
        self.assertEqual(self.edges[("k", "n")]["bytes"], 700)
        self.assertEqual(self.edges[("c", "n")]["bytes"], 16)
        self.assertEqual(self.edges[("c", "n")]["kind"], "broadcast")

    def test_totals_per_kind(self):
        by_kind, unknown = sb.totals(sb.edges(JOB, PLAN))
        self.assertEqual(by_kind, {"hash": 2140, "broadcast": 16, "forward": 755, "other": 0})
        self.assertEqual(unknown, 0)

    def test_an_edge_between_a_multi_output_and_a_multi_input_vertex_is_unknown(self):
        plan = {"plan": {"nodes": PLAN["plan"]["nodes"][:3] + [
            node("n", "FlatMap (FlatMap at X)", ("k", "Forward"), ("r", "Hash Partition on [1]"))]}}
        edges = {(e["producer"], e["consumer"]): e for e in sb.edges(JOB, plan)}
        self.assertIsNone(edges[("r", "n")]["bytes"])
        self.assertEqual(sb.totals(sb.edges(JOB, plan))[1], 1)

    def test_report_gives_bytes_per_packet_and_per_flow(self):
        out = io.StringIO()
        sb.report(JOB, PLAN, packets=100, flows=10, out=out)
        text = out.getvalue()
        self.assertIn("| hash | AssembleFlows | 1 | 2,100 | 10 | 21.00 |", text)
        self.assertIn("hash: 2,140 bytes, 21.40 bytes/packet", text)
        self.assertIn("hash per flow: 214.0 bytes (10 flows)", text)
        self.assertNotIn("| forward |", text)


if __name__ == "__main__":
    unittest.main()
