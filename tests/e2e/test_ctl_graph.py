"""callflowctl graph draws a flow's blocks and branches: SVG (through
Graphviz) where the designer's positions are kept, DOT and Mermaid; each
checked by parsing what was written against the flow's own transitions."""
import json
import os
import re
import unittest
import xml.etree.ElementTree as ET

import cfd

SAMPLE = os.path.join(cfd.SOURCE, "flows", "sample_inbound_flow.json")
CORPUS = cfd.data("connect-flows", "acme_main_AUTO.json")
DESCRIBED = cfd.data("connect-flows", "AWS_Sample_SCV_Inbound.json")
SVG = "{http://www.w3.org/2000/svg}"


def content(path):
    with open(path) as f:
        doc = json.load(f)
    doc = doc.get("ContactFlow", doc)
    if "Actions" in doc:
        return doc
    c = doc["Content"]
    return json.loads(c) if isinstance(c, str) else c


def transitions(flow):
    """Every drawn arrow as (from Identifier, to Identifier): the start,
    then each action's NextAction, Conditions and Errors."""
    ids = {a["Identifier"] for a in flow["Actions"]}
    out = [("start", flow["StartAction"])]
    for a in flow["Actions"]:
        t = a.get("Transitions", {})
        targets = [t.get("NextAction")] + \
            [c.get("NextAction") for c in t.get("Conditions", [])] + \
            [e.get("NextAction") for e in t.get("Errors", [])]
        out += [(a["Identifier"], x) for x in targets if x in ids]
    return sorted(out)


class Graph(unittest.TestCase):

    def test_sample_flow_svg_keeps_designer_positions(self):
        flow = content(SAMPLE)
        with cfd.TempDir() as t:
            out = t.join("sample.svg")
            p = cfd.callflowctl(["graph", SAMPLE, "-o", out])
            self.assertEqual(p.returncode, 0, p.stderr)
            root = ET.parse(out).getroot()
        groups = root.iter(SVG + "g")
        nodes, edges = {}, []
        for g in groups:
            cls = g.get("class")
            if cls == "node":
                text = next(g.iter(SVG + "text"))
                nodes[g.get("id")] = (float(text.get("x")),
                                      float(text.get("y")),
                                      [x.text for x in g.iter(SVG + "text")])
            elif cls == "edge":
                edges.append(g)
        ids = [a["Identifier"] for a in flow["Actions"]]
        self.assertEqual(len(nodes), len(ids) + 1)
        for a in flow["Actions"]:
            self.assertIn(a["Identifier"], nodes)
            self.assertEqual(nodes[a["Identifier"]][2][0], a["Type"])
        self.assertEqual(len(edges), len(transitions(flow)))
        # boxes sit where the designer put them: the order along x and y
        # of every pair of blocks that are apart in the designer
        pos = {k: (v["position"]["x"], v["position"]["y"]) for k, v in
               flow["Metadata"]["ActionMetadata"].items()}
        for a in ids:
            for b in ids:
                if pos[b][0] - pos[a][0] >= 100:
                    self.assertLess(nodes[a][0], nodes[b][0], (a, b))
                if pos[b][1] - pos[a][1] >= 100:
                    self.assertLess(nodes[a][1], nodes[b][1], (a, b))
        # labels say what a block does
        texts = [x for n in nodes.values() for x in n[2]]
        self.assertIn("Sales", texts)
        self.assertTrue(any(x.startswith("Press 1 for sales") for x in texts))

    def test_corpus_flow_dot_has_every_branch(self):
        flow = content(CORPUS)
        p = cfd.callflowctl(["graph", CORPUS])
        self.assertEqual(p.returncode, 0, p.stderr)
        dot = p.stdout
        self.assertTrue(dot.startswith("digraph flow {"))
        name = {"start": "start"}
        for m in re.finditer(r'^  a(\d+) \[id="([^"]+)"', dot, re.M):
            name["a" + m.group(1)] = m.group(2)
        self.assertEqual(sorted(v for k, v in name.items() if k != "start"),
                         sorted(a["Identifier"] for a in flow["Actions"]))
        drawn = sorted((name[a], name[b]) for a, b in re.findall(
            r"^  (start|a\d+) -> (a\d+)", dot, re.M))
        self.assertEqual(drawn, transitions(flow))
        # designer positions go along as pinned Graphviz positions
        self.assertEqual(dot.count('!"'), len(flow["Actions"]) + 1)
        self.assertIn('label="NoMatchingError"', dot)

    def test_describe_contact_flow_output_as_mermaid(self):
        flow = content(DESCRIBED)
        with cfd.TempDir() as t:
            out = t.join("f.mmd")
            p = cfd.callflowctl(["graph", DESCRIBED, "-o", out])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out) as f:
                mmd = f.read()
        self.assertIn("\nflowchart LR\n", mmd)
        self.assertIn('title: "AWS_Sample_SCV_Inbound"', mmd)
        arrows = re.findall(r"^  (start|a\d+) (?:-->|-\.->)", mmd, re.M)
        self.assertEqual(len(arrows), len(transitions(flow)))
        boxes = re.findall(r'^  a\d+\["', mmd, re.M)
        self.assertEqual(len(boxes), len(flow["Actions"]))

    def test_refusals(self):
        with cfd.TempDir() as t:
            bad = t.write_json("x.json", {"Name": "no flow"})
            p = cfd.callflowctl(["graph", bad])
            self.assertEqual(p.returncode, 1)
            self.assertIn("not a flow", p.stderr)
            p = cfd.callflowctl(["graph", SAMPLE, "-o", t.join("x.png")])
            self.assertEqual(p.returncode, 2)
            self.assertIn(".svg, .dot", p.stderr)
        self.assertEqual(cfd.callflowctl(["graph"]).returncode, 2)


if __name__ == "__main__":
    unittest.main()
