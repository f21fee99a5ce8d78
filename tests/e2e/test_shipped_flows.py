#!/usr/bin/env python3
"""The flows and configuration a fresh install ships with.

Every flows/*.json file must validate against packaging/callflowd.json with
--strict and no finding at all, and the sample inbound flow must route a
simulated caller the way docs/flows.md says: 1 to Sales, 2 to Support while
the office is open, the closed message and a hang-up outside office hours,
and a hang-up after three silent menus.
"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cfd import CTL, SOURCE, TempDir, callflowctl, simulate  # noqa: E402

FLOWS = os.path.join(SOURCE, "flows")
CONFIG = os.path.join(SOURCE, "packaging", "callflowd.json")

SAMPLE = "Sample inbound flow"

# What a fresh Connect instance ships, by name and type.
DEFAULT_FLOWS = {
    "Sample inbound flow": "CONTACT_FLOW",
    "Default customer queue": "CUSTOMER_QUEUE",
    "Default customer hold": "CUSTOMER_HOLD",
    "Default agent hold": "AGENT_HOLD",
    "Default customer whisper": "CUSTOMER_WHISPER",
    "Default agent whisper": "AGENT_WHISPER",
    "Default outbound": "OUTBOUND_WHISPER",
    "Default agent transfer": "AGENT_TRANSFER",
    "Default queue transfer": "QUEUE_TRANSFER",
}

# New York is UTC-4 in June 2024: 2 June is a Sunday, 4 and 7 June are a
# Tuesday and a Friday. Office hours are Mon-Fri 08:00-20:00.
TUESDAY_10AM = "2024-06-04T10:00:00-04:00"
SUNDAY_3AM = "2024-06-02T03:00:00-04:00"
FRIDAY_7_59PM = "2024-06-07T19:59:00-04:00"
FRIDAY_8PM = "2024-06-07T20:00:00-04:00"
MONDAY_7_59AM = "2024-06-03T07:59:00-04:00"

CLOSED_TEXT = "We are closed right now"
SORRY_TEXT = "Sorry, we could not take your call"
INVALID_TEXT = "not a valid choice"
MENU_TEXT = "Press 1 for sales, 2 for support."


def flow_files():
    return sorted(os.path.join(FLOWS, f) for f in os.listdir(FLOWS)
                  if f.endswith(".json"))


class Simulation:
    """One simulated call to the sample flow (cfd.SimResult inside)."""

    def __init__(self, dtmf, when):
        self.res = simulate(SAMPLE, "--config", CONFIG, "--flows", FLOWS,
                            "--time", when, "--dtmf", dtmf)
        self.steps = self.res.steps
        self.end = self.res.end

    def describe(self):
        return repr(self.res)

    def types(self):
        return [s.get("type") for s in self.steps]

    def said_any(self, text):
        return any(text in s for s in self.res.says())

    def end_kind(self):
        return str(self.end.get("end", "")).lower()


class ShippedFlowsTest(unittest.TestCase):

    def setUp(self):
        self.assertTrue(os.access(CTL, os.X_OK), "no binary at " + CTL)

    # -- what ships -----------------------------------------------------

    def test_every_default_flow_ships_with_its_type(self):
        found = {}
        for path in flow_files():
            with open(path) as fp:
                doc = json.load(fp)
            content = json.loads(doc["Content"])
            self.assertEqual(content["Version"], "2019-10-30", path)
            self.assertIn(content["StartAction"],
                          [a["Identifier"] for a in content["Actions"]],
                          path)
            found[doc["Name"]] = doc["Type"]
        self.assertEqual(found, DEFAULT_FLOWS)

    def test_config_routes_the_sample_number_to_the_sample_flow(self):
        with open(CONFIG) as fp:
            cfg = json.load(fp)
        numbers = {n["number"]: n["flow"] for n in cfg["numbers"]}
        self.assertEqual(numbers, {"+18005550100": SAMPLE})
        queues = {q["name"]: q for q in cfg["queues"]}
        for name in ("Sales", "Support"):
            self.assertEqual(queues[name]["hours"], "Office hours")

    # -- validate -------------------------------------------------------

    def assert_clean(self, proc, what):
        out = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, what + ":\n" + out)
        self.assertNotIn("error:", out, what)
        self.assertNotIn("warning:", out, what)
        self.assertIn(" 0 errors, 0 warnings", out, what)

    def test_flows_dir_validates_strict_with_no_findings(self):
        proc = callflowctl(["validate", "--config", CONFIG, "--strict",
                            FLOWS])
        self.assert_clean(proc, "validate --strict flows/")

    def test_each_flow_file_validates_strict_with_no_findings(self):
        files = flow_files()
        self.assertEqual(len(files), len(DEFAULT_FLOWS))
        for path in files:
            proc = callflowctl(["validate", "--config", CONFIG,
                                "--strict", path])
            self.assert_clean(proc, "validate --strict " + path)

    def test_validate_reports_a_broken_copy_of_the_sample(self):
        # The clean result above means something only if validate does
        # see a dangling transition in the same flow.
        with open(os.path.join(FLOWS, "sample_inbound_flow.json")) as fp:
            doc = json.load(fp)
        content = json.loads(doc["Content"])
        first = content["Actions"][0]
        first["Transitions"]["NextAction"] = "no-such-action"
        doc["Content"] = json.dumps(content)
        with TempDir() as tmp:
            path = tmp.write_json("broken.json", doc)
            proc = callflowctl(["validate", "--config", CONFIG,
                                "--strict", path])
        out = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 1, out)
        self.assertIn("error: %s:" % first["Identifier"], out)
        self.assertIn("no-such-action", out)

    # -- simulate the sample inbound flow -------------------------------

    def simulate(self, dtmf, when):
        sim = Simulation(dtmf, when)
        self.assertEqual(sim.res.rc, 0, sim.describe())
        self.assertIsNotNone(sim.end, sim.describe())
        return sim

    def assert_queued(self, sim, queue):
        self.assertEqual(sim.end_kind(), "queue", sim.describe())
        self.assertEqual(sim.end.get("queue"), queue, sim.describe())
        self.assertEqual(sim.end["attributes"].get("MenuChoice"), queue,
                         sim.describe())
        self.assertEqual(sim.types()[-1], "TransferContactToQueue",
                         sim.describe())
        self.assertFalse(sim.said_any(CLOSED_TEXT), sim.describe())

    def assert_closed(self, sim):
        self.assertEqual(sim.end_kind(), "disconnect", sim.describe())
        self.assertTrue(sim.said_any(CLOSED_TEXT), sim.describe())
        self.assertEqual(sim.types()[-1], "DisconnectParticipant",
                         sim.describe())
        self.assertNotIn("TransferContactToQueue", sim.types(),
                         sim.describe())

    def test_1_reaches_sales_when_open(self):
        sim = self.simulate("1", TUESDAY_10AM)
        self.assert_queued(sim, "Sales")
        self.assertEqual(sim.types().count("GetParticipantInput"), 1)
        self.assertTrue(sim.said_any(MENU_TEXT), sim.describe())

    def test_2_reaches_support_when_open(self):
        sim = self.simulate("2", TUESDAY_10AM)
        self.assert_queued(sim, "Support")

    def test_closed_on_sunday_night(self):
        for key in ("1", "2"):
            with self.subTest(key=key):
                sim = self.simulate(key, SUNDAY_3AM)
                self.assert_closed(sim)
                self.assertEqual(sim.end["attributes"].get("MenuChoice"),
                                 "Sales" if key == "1" else "Support")

    def test_office_hours_edges(self):
        self.assert_queued(self.simulate("1", FRIDAY_7_59PM), "Sales")
        self.assert_closed(self.simulate("1", FRIDAY_8PM))
        self.assert_closed(self.simulate("2", MONDAY_7_59AM))

    def test_three_timeouts_disconnect(self):
        sim = self.simulate(",,,", TUESDAY_10AM)
        self.assertEqual(sim.end_kind(), "disconnect", sim.describe())
        self.assertEqual(sim.types().count("GetParticipantInput"), 3,
                         sim.describe())
        self.assertTrue(sim.said_any(SORRY_TEXT), sim.describe())
        self.assertEqual(sim.types()[-1], "DisconnectParticipant")
        self.assertNotIn("MenuChoice", sim.end["attributes"])

    def test_invalid_key_replays_the_menu(self):
        sim = self.simulate("91", TUESDAY_10AM)
        self.assertTrue(sim.said_any(INVALID_TEXT), sim.describe())
        self.assertEqual(sim.types().count("GetParticipantInput"), 2,
                         sim.describe())
        self.assert_queued(sim, "Sales")

    def test_two_timeouts_then_a_choice(self):
        sim = self.simulate(",,2", TUESDAY_10AM)
        self.assertEqual(sim.types().count("GetParticipantInput"), 3,
                         sim.describe())
        self.assert_queued(sim, "Support")


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=[sys.argv[0]])
