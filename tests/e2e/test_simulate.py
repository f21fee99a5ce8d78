#!/usr/bin/env python3
"""callflowctl simulate: fixture flows of tests/data/sim run through the real
interpreter with scripted keys, attributes, clock, metrics, seeds and
external replies; every corpus export runs to some end without crashing.
"""
import glob
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cfd  # noqa: E402

SIM = cfd.data("sim")
CONFIG = cfd.data("sim", "config.json")
MENU = cfd.data("sim", "menu.json")

# Office hours: Mon-Fri 09:00-17:00 America/New_York. US daylight saving
# time starts on Sunday 8 March 2026: 13:30 UTC is 08:30 on Friday the
# 6th (EST, closed) but 09:30 on Monday the 9th (EDT, open).
OPEN_DST = "2026-03-09T13:30:00Z"
CLOSED_BEFORE_DST = "2026-03-06T13:30:00Z"
TUESDAY_NOON = "2026-03-10T12:00:00-04:00"
SATURDAY_NOON = "2026-03-14T12:00:00-04:00"


def menu(*args):
    return cfd.simulate(MENU, "--config", CONFIG, "--seed", "7", *args)


class TestMenus(unittest.TestCase):
    def test_choice_one_queues_in_sales_while_open(self):
        r = menu("--dtmf", "1", "--time", TUESDAY_NOON)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.ids(), ["greet", "tries", "menu", "set-sales",
                                   "hours", "enqueue"], r)
        self.assertEqual(r.end["end"], "Queue", r)
        self.assertEqual(r.end["queue"], "Sales", r)
        step = r.steps[2]
        self.assertEqual(step["type"], "GetParticipantInput")
        self.assertEqual(step["input"], "1")
        self.assertEqual(step["branch"], "1")
        self.assertEqual(step["next"], "set-sales")
        self.assertEqual(step["say"], "Press 1 for sales, 2 for support.")
        self.assertEqual(r.steps[4]["result"], "True")

    def test_choice_two_resolves_queue_by_arn(self):
        r = menu("--dtmf", "2", "--time", TUESDAY_NOON)
        self.assertEqual(r.end["end"], "Queue", r)
        self.assertEqual(r.end["queue"], "Support", r)

    def test_timeouts_and_invalid_keys_loop_three_times(self):
        # ',' = silence for one input; '9' is no menu choice; then the
        # keys run out: the loop counter ends the menu after three tries
        r = menu("--dtmf", ",9", "--time", TUESDAY_NOON)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.ids(), [
            "greet", "tries", "menu", "tries", "menu", "invalid", "tries",
            "menu", "tries", "bye"], r)
        menus = [s for s in r.steps if s["id"] == "menu"]
        self.assertEqual(menus[0]["branch"], "InputTimeLimitExceeded", r)
        self.assertEqual(menus[1]["input"], "9", r)
        self.assertEqual(menus[1]["branch"], "NoMatchingCondition", r)
        self.assertEqual(menus[2]["branch"], "InputTimeLimitExceeded", r)
        loops = [s.get("result") for s in r.steps if s["id"] == "tries"]
        self.assertEqual(loops, ["ContinueLooping"] * 3 + ["DoneLooping"])
        self.assertEqual(r.end["end"], "Disconnect", r)
        self.assertIsNone(r.end["queue"], r)

    def test_typed_ahead_keys_serve_later_inputs(self):
        r = menu("--dtmf", "91", "--time", TUESDAY_NOON)
        self.assertEqual([s.get("input") for s in r.steps
                          if s["id"] == "menu"], ["9", "1"], r)
        self.assertEqual(r.end["queue"], "Sales", r)

    def test_attributes_and_endpoints_are_interpolated(self):
        r = menu("--attr", "name=Ada", "--attr", "tier=gold",
                 "--customer", "+1 (206) 555-0142", "--time", TUESDAY_NOON,
                 "--dtmf", "1")
        self.assertEqual(r.says()[0],
                         "Hello Ada, calling from +12065550142.", r)
        self.assertEqual(r.end["attributes"],
                         {"name": "Ada", "tier": "gold"}, r)

    def test_sip_headers_system_number_and_contact_id(self):
        r = cfd.simulate(cfd.data("sim", "sip.json"), "--sip-header",
                         "X-Account=977", "--system", "1 800 555 0123",
                         "--seed", "4")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.says(), [
            "Account 977, dialled +18005550123, contact %s."
            % r.end["contact_id"]], r)

    def test_text_output_reads_like_the_json(self):
        p = cfd.callflowctl(["simulate", MENU, "--config", CONFIG,
                             "--dtmf", "2", "--time", TUESDAY_NOON,
                             "--seed", "1"])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        menu_line = [l for l in lines if "[menu]" in l][0]
        self.assertIn("GetParticipantInput", menu_line)
        self.assertIn('input "2"', menu_line)
        self.assertIn("-> branch 2", menu_line)
        self.assertIn("-> next set-support", menu_line)
        self.assertTrue(any(l.startswith("end: Queue") for l in lines),
                        p.stdout)


class TestHours(unittest.TestCase):
    def test_open_after_dst_change(self):
        r = menu("--dtmf", "1", "--time", OPEN_DST)
        hours = [s for s in r.steps if s["id"] == "hours"][0]
        self.assertEqual(hours["result"], "True", r)
        self.assertEqual(r.end["end"], "Queue", r)

    def test_same_utc_time_closed_before_dst_change(self):
        r = menu("--dtmf", "1", "--time", CLOSED_BEFORE_DST)
        hours = [s for s in r.steps if s["id"] == "hours"][0]
        self.assertEqual(hours["result"], "False", r)
        self.assertIn("We are closed.", r.says(), r)
        self.assertEqual(r.end["end"], "Disconnect", r)

    def test_closed_on_saturday(self):
        r = menu("--dtmf", "2", "--time", SATURDAY_NOON)
        self.assertEqual([s for s in r.steps if s["id"] == "hours"][0]
                         ["result"], "False", r)

    def test_virtual_clock_advances_without_sleeping(self):
        # three 5 s first-digit timeouts plus prompts: well over 15 s
        r = menu("--time", "2026-03-10T16:00:00Z")
        self.assertEqual(r.rc, 0, r)
        self.assertGreaterEqual(r.end["time"], "2026-03-10T16:00:15", r)
        self.assertLess(r.end["time"], "2026-03-10T16:02:00", r)


class TestMetrics(unittest.TestCase):
    def test_queue_at_capacity_takes_error_branch(self):
        r = menu("--dtmf", "1", "--time", TUESDAY_NOON, "--metrics",
                 cfd.data("sim", "metrics_full.json"))
        enq = [s for s in r.steps if s["id"] == "enqueue"][0]
        self.assertEqual(enq["branch"], "QueueAtCapacity", r)
        self.assertIn("All of our agents are busy.", r.says())
        self.assertEqual(r.end["end"], "Disconnect", r)

    def test_other_queue_below_capacity_enqueues(self):
        r = menu("--dtmf", "2", "--time", TUESDAY_NOON, "--metrics",
                 cfd.data("sim", "metrics_full.json"))
        self.assertEqual(r.end["end"], "Queue", r)

    def test_default_entry_applies_to_any_queue(self):
        sales = menu("--dtmf", "1", "--time", TUESDAY_NOON, "--metrics",
                     cfd.data("sim", "metrics_default.json"))
        support = menu("--dtmf", "2", "--time", TUESDAY_NOON, "--metrics",
                       cfd.data("sim", "metrics_default.json"))
        # 9 waiting: Sales (max 5) is full, Support (max 10) is not
        self.assertEqual(sales.end["end"], "Disconnect", sales)
        self.assertEqual(support.end["end"], "Queue", support)

    def test_bad_metrics_file_fails_to_load(self):
        with cfd.TempDir() as d:
            bad = d.write_json("m.json", {"Sales": {"NumberOfWizards": 1}})
            r = menu("--metrics", bad)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("NumberOfWizards", r.stderr)


class TestDistribute(unittest.TestCase):
    FLOW = cfd.data("sim", "distribute.json")

    def branch(self, seed):
        r = cfd.simulate(self.FLOW, "--seed", str(seed))
        self.assertEqual(r.rc, 0, r)
        return r.end["attributes"]["branch"], r

    def test_same_seed_repeats(self):
        for seed in (1, 2, 3, 12345):
            first, r1 = self.branch(seed)
            second, r2 = self.branch(seed)
            self.assertEqual(first, second)
            self.assertEqual(r1.steps[0]["result"], r2.steps[0]["result"])
            self.assertEqual(r1.end["contact_id"], r2.end["contact_id"])

    def test_both_branches_reachable(self):
        seen = {}
        for seed in range(1, 41):
            b, r = self.branch(seed)
            n = int(r.steps[0]["result"])
            self.assertTrue(1 <= n <= 100, r)
            self.assertEqual(b, "A" if n < 50 else "B", r)
            seen.setdefault(b, seed)
        self.assertEqual(sorted(seen), ["A", "B"], seen)


class TestControl(unittest.TestCase):
    def test_step_limit_ends_infinite_loop_in_error(self):
        r = cfd.simulate(cfd.data("sim", "forever.json"), "--max-steps",
                         "50", timeout=30)
        self.assertEqual(r.rc, 3, r)
        self.assertEqual(r.end["end"], "Error", r)
        self.assertLessEqual(len(r.steps), 51, r)
        self.assertGreaterEqual(len(r.steps), 49, r)

    def test_stored_input_is_never_printed(self):
        # a fixed seed and clock: the random seed, contact id and time
        # printed could otherwise contain the digits by chance
        fixed = ("--seed", "7", "--time", "2026-03-10T16:00:00Z")
        r = cfd.simulate(cfd.data("sim", "pin.json"), "--dtmf", "4321#",
                         *fixed)
        self.assertEqual(r.rc, 0, r)
        ask = r.steps[0]
        self.assertEqual(ask["input"], "***", r)
        self.assertEqual(ask["next"], "thanks", r)
        self.assertNotIn("4321", r.stdout + r.stderr)
        p = cfd.callflowctl(["simulate", cfd.data("sim", "pin.json"),
                             "--dtmf", "4321#"] + list(fixed))
        self.assertNotIn("4321", p.stdout + p.stderr)
        self.assertIn('"***"', p.stdout)

    def test_loop_prompts_with_interrupt_then_parked(self):
        start = "2026-03-10T16:00:00Z"
        r = cfd.simulate(cfd.data("sim", "queue_wait.json"), "--time",
                         start)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.ids(), ["music", "count", "music", "count",
                                   "music", "count", "hold"], r)
        self.assertEqual(r.steps[0]["result"], "MessagesInterrupted", r)
        self.assertEqual(r.end["end"], "Cancelled", r)
        self.assertIn("leaves the queue", r.end["reason"], r)
        # three 30 s interrupts of virtual time
        self.assertGreaterEqual(r.end["time"], "2026-03-10T16:01:30", r)

    def test_wait_completes_in_virtual_time(self):
        r = cfd.simulate(cfd.data("sim", "wait.json"), "--time",
                         "2026-03-10T16:00:00Z")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.steps[0]["result"], "WaitCompleted", r)
        self.assertEqual(r.end["end"], "EndFlow", r)
        self.assertEqual(r.end["time"], "2026-03-10T16:01:30.000Z", r)

    def test_transfer_to_flow_followed_with_flows(self):
        flows = cfd.data("sim", "flows")
        r = cfd.simulate("First", "--flows", flows)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([s["flow"] for s in r.steps],
                         ["First", "First", "Second", "Second"], r)
        self.assertEqual(r.says(),
                         ["Now in the second flow after first."], r)
        self.assertEqual(r.end["end"], "Disconnect", r)

    def test_transfer_to_flow_by_file_path_with_flows(self):
        flows = cfd.data("sim", "flows")
        r = cfd.simulate(os.path.join(flows, "first.json"), "--flows",
                         flows)
        self.assertEqual(r.end["end"], "Disconnect", r)
        self.assertEqual(r.steps[-1]["flow"], "Second", r)

    def test_transfer_to_flow_without_flows_ends_there(self):
        r = cfd.simulate(cfd.data("sim", "flows", "first.json"))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.end["end"], "TransferToFlow", r)


class TestExternal(unittest.TestCase):
    FLOW = cfd.data("sim", "lambda.json")

    def run_ext(self, *ext):
        args = ["--config", CONFIG, "--attr", "account=A-1"]
        for e in ext:
            args += ["--external", e]
        return cfd.simulate(self.FLOW, *args)

    def test_success_reply_feeds_external(self):
        r = self.run_ext('{"balance": "42"}')
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.ids(), ["invoke", "say-ok", "bye"], r)
        self.assertEqual(r.says(), ["Your balance is 42 dollars."], r)

    def test_failures_take_error_branch_then_retry(self):
        for failure in ("!timeout", "!500", "!error", "!text:oops"):
            r = self.run_ext(failure, '{"balance": "7"}')
            self.assertEqual(r.ids(), ["invoke", "retry", "invoke",
                                       "say-ok", "bye"], (failure, r))
            self.assertEqual(r.steps[0]["branch"], "NoMatchingError", r)
            self.assertEqual(r.says(), ["Your balance is 7 dollars."], r)

    def test_two_failures_give_up(self):
        r = self.run_ext("!timeout", "!503")
        self.assertEqual(r.ids(), ["invoke", "retry", "invoke", "retry",
                                   "say-fail", "bye"], r)

    def test_replies_running_out_fail(self):
        r = self.run_ext("!500")
        self.assertEqual(r.says(), ["The lookup failed."], r)

    def test_bad_external_is_a_usage_error(self):
        for bad in ("[1,2]", "not json", "!999", "!nope"):
            r = self.run_ext(bad)
            self.assertEqual(r.rc, 2, (bad, r))
            self.assertIn("--external", r.stderr)


class TestUsage(unittest.TestCase):
    def test_help(self):
        p = cfd.callflowctl(["simulate", "--help"])
        self.assertEqual(p.returncode, 0)
        for word in ("--dtmf", "--external", "!timeout", "exit status",
                     "Cancelled"):
            self.assertIn(word, p.stdout)

    def test_usage_errors(self):
        for args in ([], [MENU, "--dtmf", "12x"], [MENU, "--bogus"],
                     [MENU, "--attr", "novalue"], [MENU, "--seed", "-1"],
                     [MENU, "--time", "yesterday"], [MENU, "--max-steps"],
                     [MENU, "--customer", "nobody"], [MENU, MENU]):
            p = cfd.callflowctl(["simulate"] + args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertTrue(p.stderr.strip(), args)
            self.assertNotIn("Sanitizer", p.stderr)

    def test_load_failures(self):
        with cfd.TempDir() as d:
            broken = d.join("broken.json")
            with open(broken, "w") as f:
                f.write("{not json")
            for args in (["/nonexistent/flow.json"], [broken],
                         [MENU, "--config", "/nonexistent/c.json"],
                         ["NoSuchFlow", "--flows", cfd.data("sim", "flows")]):
                p = cfd.callflowctl(["simulate"] + args)
                self.assertEqual(p.returncode, 1, (args, p.stderr))
                self.assertNotIn("Sanitizer", p.stderr)


class TestCorpus(unittest.TestCase):
    def test_every_export_runs_to_an_end(self):
        files = sorted(glob.glob(cfd.data("connect-flows", "*.json")))
        self.assertTrue(files)
        for path in files:
            for keys in ("1", "2,,#", ""):
                with self.subTest(flow=os.path.basename(path), keys=keys):
                    r = cfd.simulate(path, "--dtmf", keys, "--seed", "3",
                                     "--time", TUESDAY_NOON,
                                     "--max-steps", "300", timeout=60)
                    self.assertIn(r.rc, (0, 3), r)
                    self.assertIsNotNone(r.end, r)
                    self.assertNotIn("Sanitizer", r.stderr)
                    self.assertEqual([s["step"] for s in r.steps],
                                     list(range(1, len(r.steps) + 1)), r)
                    self.assertTrue(all(s["id"] and s["type"]
                                        for s in r.steps), r)



class TestTotalCap(unittest.TestCase):
    """A customer queue flow loops prompts and checks forever: in the
    simulator no action waits, so --max-total (default 10000) ends it."""

    QUEUE = os.path.join(cfd.SOURCE, "flows", "default_customer_queue.json")

    def test_default_cap_ends_in_error(self):
        r = cfd.simulate(self.QUEUE)
        self.assertEqual(r.rc, 3)
        self.assertEqual(r.end["end"], "Error")
        self.assertIn("--max-total", r.end["reason"])
        self.assertEqual(len(r.steps), 10000)

    def test_explicit_cap(self):
        r = cfd.simulate(self.QUEUE, "--max-total", "25")
        self.assertEqual(len(r.steps), 25)
        self.assertEqual(r.end["steps"], 25)
        bad = cfd.callflowctl(["simulate", self.QUEUE, "--max-total", "0"])
        self.assertEqual(bad.returncode, 2)


if __name__ == "__main__":
    unittest.main()
