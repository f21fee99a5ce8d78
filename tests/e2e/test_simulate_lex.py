#!/usr/bin/env python3
"""ConnectParticipantWithLexBot in the simulator: the shipped sample flow's
"press or say" menu by voice and by keys, a bot that asks for a missing
slot, and a public corpus flow with its Lex block run with a bot export
written for it (tests/data/bots/, tests/data/lex/)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cfd  # noqa: E402

FLOWS = os.path.join(cfd.SOURCE, "flows")
CONFIG = os.path.join(cfd.SOURCE, "packaging", "callflowd.json")
LEX = os.path.join(cfd.SOURCE, "tests", "data", "lex")
TUESDAY_10AM = "2024-06-04T10:00:00-04:00"
NAME_BOT = "arn:aws:lex:us-east-1:111122223333:bot-alias/CUSTNAME01/TSTALIASID"


def sample(*args):
    return cfd.simulate("Sample inbound flow", "--config", CONFIG,
                        "--flows", FLOWS, "--time", TUESDAY_10AM,
                        "--seed", "3", *args)


def lex_steps(r):
    return [s for s in r.steps if s.get("type") ==
            "ConnectParticipantWithLexBot"]


class SampleMenuTest(unittest.TestCase):
    def test_say_sales(self):
        r = sample("--say", "sales please")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.end["queue"], "Sales", r)
        self.assertEqual(r.end["attributes"]["MenuChoice"], "Sales", r)
        step = lex_steps(r)[0]
        self.assertEqual(step["input"], "sales please")
        self.assertEqual(step["branch"], "Sales")
        self.assertEqual(step["say"],
                         "Press or say 1 for sales, 2 for support.")
        self.assertNotIn("GetParticipantInput",
                         [s["type"] for s in r.steps], r)

    def test_say_two_is_support(self):
        r = sample("--say", "two")
        self.assertEqual(r.end["queue"], "Support", r)

    def test_keys_after_silence(self):
        # nothing said: the keypad menu, then the key
        r = sample("--dtmf", "1")
        self.assertEqual(r.end["queue"], "Sales", r)
        self.assertEqual(lex_steps(r)[0]["error"], "InputTimeLimitExceeded")

    def test_not_understood_replays_the_menu(self):
        r = sample("--say", "the weather in Paris", "--say", "support")
        self.assertEqual(r.end["queue"], "Support", r)
        steps = lex_steps(r)
        self.assertEqual(steps[0]["branch"], "NoMatchingCondition", r)
        self.assertEqual(steps[0]["result"], "FallbackIntent", r)
        self.assertTrue(any("not a valid choice" in s for s in r.says()))

    def test_unknown_bot_takes_the_keypad(self):
        with cfd.TempDir() as tmp:
            cfg = tmp.write_json("c.json", {"flows_dir": FLOWS})
            r = cfd.simulate("Sample inbound flow", "--config", cfg,
                             "--flows", FLOWS, "--time", TUESDAY_10AM,
                             "--say", "sales", "--dtmf", "2")
        self.assertEqual(lex_steps(r)[0]["error"], "NoMatchingError", r)
        self.assertEqual(r.end["attributes"]["MenuChoice"], "Support", r)


class CorpusFlowTest(unittest.TestCase):
    def run_name(self, *says):
        args = []
        for s in says:
            args += ["--say", s]
        return cfd.simulate(
            os.path.join(LEX, "GetCustomerNameModule.json"),
            "--config", os.path.join(LEX, "config.json"),
            "--attr", "LEX_CUSTOMER_NAME_BOT_ARN=" + NAME_BOT,
            "--attr", "UPDATE_LAMBDA_ARN=arn:aws:lambda:us-east-1:"
            "111122223333:function:update", "--external", "{}",
            "--external", "{}", "--seed", "1", *args)

    def test_slots_reach_the_attributes(self):
        r = self.run_name("my name is Jane Doe")
        self.assertEqual(r.end["end"], "EndFlow", r)
        self.assertEqual(r.end["attributes"]["firstName"], "Jane", r)
        self.assertEqual(r.end["attributes"]["lastName"], "Doe", r)
        self.assertEqual(lex_steps(r)[0]["branch"], "getCustomerName")

    def test_missing_slot_is_asked_for(self):
        r = self.run_name("my name is Jane", "Doe")
        self.assertEqual(r.end["attributes"].get("firstName"), "Jane", r)
        self.assertEqual(r.end["attributes"].get("lastName"), "Doe", r)
        self.assertIn("And your last name?", lex_steps(r)[0]["say"])

    def test_silence_takes_its_branch(self):
        r = self.run_name()
        self.assertEqual(lex_steps(r)[0]["error"], "InputTimeLimitExceeded",
                         r)


if __name__ == "__main__":
    unittest.main(verbosity=2, argv=[sys.argv[0]])
