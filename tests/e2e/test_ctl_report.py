"""callflowctl report: the daemon's historical interval reports from the
command line.

The daemon starts on a record file seeded with contacts on 2026-03-10 and
11 and a few that ended shortly before now, in queues and agents whose
names have spaces, '&', '+' and non-ASCII. The table must have one row
per API row, with the API's numbers, and a TOTAL line computed from the
rows (counts summed, means weighted by the counts they average over,
which also equal the API's own one-bucket report); --json must be the
API's body. The time shorthands must reach the daemon as the bounds they
stand for, names must be filtered exactly, bad usage and an unanswered
request exit 2, a refused request exits 1 with the reason, and off
loopback the token goes along."""
import datetime
import json
import os
import re
import subprocess
import time
import unittest
import urllib.parse

import cfd
from daemon import Daemon, free_port
from seed import SeededDaemon, TOKEN, http, iso, ms, revised, write_records
from test_daemon_reports import at, contact

SALES, BOTH, CAFE = "Sales", "Sales & Support", "Caf\u00e9+Bar"
ANN = "Ann & Bo"
CONFIG = {"queues": [{"name": SALES, "service_level_seconds": 10},
                     {"name": BOTH}]}
DAY_MS = 86400000


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None)


def seed(now):
    recs = [
        contact(1, at(0, 9, 5), SALES, "agent1", wait=5, acw=20),
        contact(2, at(0, 9, 12), SALES, ANN, wait=25),
        contact(3, at(0, 9, 20), SALES, None, wait=40),
        contact(4, at(0, 9, 30), BOTH, ANN, wait=15, acw=12),
        contact(5, at(0, 9, 50), CAFE, "agent1", wait=3, acw=8,
                talk=False),
        contact(6, at(0, 10, 5), SALES, "agent1", wait=9, acw=7),
        contact(7, at(0, 10, 40), BOTH, None, wait=30),
        contact(8, at(0, 11), CAFE, ANN, wait=22, acw=4),
        contact(9, at(1, 8), SALES, "agent2", wait=2, acw=33),
    ]
    recs.append(revised(recs[1], 41))       # 2's ACW ends later
    # around now: for the shorthands
    for n, ago in ((20, 26 * 60), (21, 120), (22, 5)):
        recs.append(contact(n, now - datetime.timedelta(minutes=ago),
                            SALES if n != 21 else BOTH, "agent1",
                            wait=n - 10, acw=n - 15))
    return recs


def fmt(v):
    return "-" if v is None else "%.1f" % v


def weighted(rows, key, weight):
    """The mean of key over rows, each weighted by its count weight."""
    pairs = [(r[key], r[weight]) for r in rows if r[key] is not None]
    n = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / n if n else None


def sl(r):
    return r["service_level"]


def parse_table(text):
    """(title, header cells, row cells, total cells, footnote lines) of
    callflowctl's table, columns split at two or more spaces."""
    lines = text.splitlines()
    split = [re.split(r" {2,}", ln.rstrip()) for ln in lines]
    n = next(i for i, ln in enumerate(lines) if ln.startswith("TOTAL"))
    return lines[0], split[1], split[2:n], split[n], lines[n + 1:]


class CtlReport(SeededDaemon, unittest.TestCase):
    config = CONFIG

    @staticmethod
    def records():
        return seed(utcnow())

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = "127.0.0.1:%d" % cls.d.http_port

    def ctl(self, *args):
        return cfd.callflowctl(["report"] + list(args) +
                               ["--api", self.api])

    def api_report(self, kind, frm, to, interval=None, names=()):
        params = [("from", frm), ("to", to)]
        if interval:
            params.append(("interval", interval))
        params += [("agent" if kind == "agents" else "queue", n)
                   for n in names]
        q = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        code, doc = self.d.http("GET", "/v1/reports/%s?%s" % (kind, q))
        self.assertEqual(code, 200, doc)
        return doc

    def table(self, kind, frm, to, interval=None, names=()):
        """callflowctl's table checked against the API's rows; returns
        (API document, parsed table)."""
        args = [kind, "--from", frm, "--to", to]
        if interval:
            args += ["--interval", interval]
        for n in names:
            args += ["--agent" if kind == "agents" else "--queue", n]
        p = self.ctl(*args)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        doc = self.api_report(kind, frm, to, interval, names)
        title, head, rows, total, foot = parse_table(p.stdout)
        self.assertEqual(title, "%s from %s to %s, interval %s (UTC)" % (
            kind.capitalize(), doc["from"], doc["to"], doc["interval"]))
        # aligned: every line of the table as wide as the header
        width = len(p.stdout.splitlines()[1])
        for ln in p.stdout.splitlines()[2:2 + len(rows) + 1]:
            self.assertEqual(len(ln), width, p.stdout)
        agents = kind == "agents"
        self.assertEqual(len(rows), len(doc["rows"]), p.stdout)
        for cells, r in zip(rows, doc["rows"]):
            start = r["start"][:10] + " " + r["start"][11:16]
            if agents:
                want = [start, r["agent"], str(r["handled"]),
                        fmt(r["average_handle_time_seconds"]),
                        fmt(r["average_after_contact_work_seconds"])]
            else:
                want = [start, r["queue"], str(r["queued"]),
                        str(r["handled"]), str(r["abandoned"]),
                        fmt(r["average_answer_seconds"]),
                        fmt(sl(r)["percent"]),
                        fmt(r["average_handle_time_seconds"]),
                        fmt(r["average_after_contact_work_seconds"])]
            self.assertEqual(cells, want, p.stdout)
        got = doc["rows"]
        handled = sum(r["handled"] for r in got)
        aht = weighted(got, "average_handle_time_seconds",
                       "after_contact_work_ended")
        acw = weighted(got, "average_after_contact_work_seconds",
                       "after_contact_work_ended")
        if agents:
            want = ["TOTAL", str(handled), fmt(aht), fmt(acw)]
        else:
            within = sum(sl(r)["answered_within"] for r in got)
            want = ["TOTAL", str(sum(r["queued"] for r in got)),
                    str(handled), str(sum(r["abandoned"] for r in got)),
                    fmt(weighted(got, "average_answer_seconds",
                                 "handled")),
                    fmt(100.0 * within / handled if handled else None),
                    fmt(aht), fmt(acw)]
        self.assertEqual(total, want, p.stdout)
        return doc, (head, rows, total, foot)

    def test_table_matches_the_api(self):
        frm, to = iso(at(0)), iso(at(2))
        for iv in ("15m", "30m", "1h", "1d", "total"):
            self.table("queues", frm, to, iv)
            self.table("agents", frm, to, iv)
        doc, (head, rows, total, foot) = self.table("queues", frm, to)
        self.assertEqual(head, ["START", "QUEUE", "QUEUED", "HANDLED",
                                "ABANDONED", "ASA s", "SL%*", "AHT s",
                                "ACW s"])
        # several thresholds: each queue's is named under the table
        self.assertEqual(foot, ["* SL%% within each queue's threshold: "
                                "%s 20s, Sales 10s, %s 20s" % (CAFE, BOTH)])
        sales = [r for r in rows if r[1] == SALES]
        self.assertEqual(sales[0][:6], ["2026-03-10 09:00", SALES, "3",
                                        "2", "1", "15.0"])
        self.assertEqual(total[:4], ["TOTAL", "9", "7", "2"])
        doc, (head, rows, total, foot) = self.table("agents", frm, to,
                                                    "1d")
        self.assertEqual(head, ["START", "AGENT", "HANDLED", "AHT s",
                                "ACW s"])
        self.assertEqual([r[1] for r in rows], [ANN, "agent1", "agent2"])
        self.assertEqual(foot, [])

    def test_totals_are_the_whole_range(self):
        """Weighted means of the hourly rows of one name equal the API's
        one-bucket report of that name."""
        frm, to = iso(at(0)), iso(at(2))
        for kind, name in (("queues", SALES), ("queues", BOTH),
                           ("agents", ANN), ("agents", "agent1")):
            _, (_, _, total, _) = self.table(kind, frm, to, "15m", [name])
            one = self.api_report(kind, frm, to, "total", [name])["rows"]
            self.assertEqual(len(one), 1)
            r = one[0]
            if kind == "queues":
                self.assertEqual(total[1:4], [str(r["queued"]),
                                              str(r["handled"]),
                                              str(r["abandoned"])])
                means = zip(total[4:], [r["average_answer_seconds"],
                                        sl(r)["percent"]])
            else:
                self.assertEqual(total[1], str(r["handled"]))
                means = []
            means = list(means) + list(zip(total[-2:], [
                r["average_handle_time_seconds"],
                r["average_after_contact_work_seconds"]]))
            self.assertEqual(len(means), 4 if kind == "queues" else 2)
            for cell, want in means:
                self.assertAlmostEqual(float(cell), want, delta=0.051,
                                       msg=(kind, name, total))

    def test_one_threshold_in_the_header(self):
        _, (head, _, _, foot) = self.table(
            "queues", iso(at(0)), iso(at(2)), "1h", [SALES])
        self.assertEqual(head[6], "SL% <=10s")
        self.assertEqual(foot, [])

    def test_json_is_the_api_body(self):
        frm, to = iso(at(0)), iso(at(1))
        for kind, names in (("queues", [BOTH, CAFE]), ("agents", [ANN])):
            args = [kind, "--from", frm, "--to", to, "--json",
                    "--interval", "30m"]
            for n in names:
                args += ["--" + kind[:-1], n]
            p = self.ctl(*args)
            self.assertEqual(p.returncode, 0, p.stderr)
            doc = self.api_report(kind, frm, to, "30m", names)
            self.assertEqual(json.loads(p.stdout), doc)
            self.assertTrue(doc["rows"])

    def test_names_filtered_exactly(self):
        frm, to = iso(at(0)), iso(at(2))
        doc, (_, rows, _, _) = self.table("queues", frm, to, "total",
                                          [BOTH, CAFE])
        self.assertEqual(sorted(r["queue"] for r in doc["rows"]),
                         sorted([BOTH, CAFE]))
        self.assertEqual(sorted(r[1] for r in rows), sorted([BOTH, CAFE]))
        doc, (_, rows, _, _) = self.table("agents", frm, to, "1d", [ANN])
        self.assertEqual({r[1] for r in rows}, {ANN})
        self.assertEqual(len(rows), 1)
        # a name that is only a prefix matches nothing
        doc, (_, rows, total, _) = self.table("queues", frm, to, "1d",
                                              ["Sales "])
        self.assertEqual((doc["rows"], rows), ([], []))
        self.assertEqual(total, ["TOTAL", "0", "0", "0", "-", "-", "-",
                                 "-"])

    def resolved(self, *args):
        """(from ms, to ms, document) the daemon saw for callflowctl's
        args, and the clock before and after the run."""
        before = int(time.time() * 1000)
        p = self.ctl(*(list(args) + ["--json"]))
        after = int(time.time() * 1000)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        # the same bounds given explicitly: the same answer
        kind = args[0]
        self.assertEqual(self.api_report(kind, doc["from"], doc["to"],
                                         doc["interval"]), doc)
        return ms(doc["from"]), ms(doc["to"]), doc, before, after

    def test_shorthands(self):
        def days(t):
            return t - t % DAY_MS

        frm, to, doc, b, a = self.resolved("queues", "--from", "today")
        self.assertIn(frm, {days(b), days(a)})
        self.assertEqual(to, frm + DAY_MS)
        frm, to, doc, b, a = self.resolved("agents", "--from",
                                           "yesterday")
        self.assertIn(frm, {days(b) - DAY_MS, days(a) - DAY_MS})
        self.assertEqual(to, frm + DAY_MS)
        frm, to, doc, b, a = self.resolved(
            "queues", "--from", "yesterday", "--to", "today",
            "--interval", "total")
        self.assertIn(frm, {days(b) - DAY_MS, days(a) - DAY_MS})
        self.assertEqual(to, frm + 2 * DAY_MS)
        frm, to, doc, b, a = self.resolved("queues", "--from", "-24h")
        self.assertTrue(b <= to <= a, (b, to, a))
        self.assertEqual(to - frm, DAY_MS)
        # the contacts of 2 h and 5 min ago are in it, 26 h ago not
        self.assertEqual(sum(r["queued"] for r in doc["rows"]), 2)
        frm, to, doc, b, a = self.resolved("agents", "--from", "-7d",
                                           "--interval", "1d")
        self.assertTrue(b <= to <= a, (b, to, a))
        self.assertEqual(to - frm, 7 * DAY_MS)
        self.assertEqual(sum(r["handled"] for r in doc["rows"]), 3)
        frm, to, doc, b, a = self.resolved("queues", "--from", "-90m",
                                           "--to", "now")
        self.assertEqual(to - frm, 90 * 60000)
        self.assertTrue(b <= to <= a, (b, to, a))
        # ISO 8601 with an offset: the same instant in UTC
        frm, to, doc, _, _ = self.resolved(
            "queues", "--from", "2026-03-10T10:00:00+01:00", "--to",
            "2026-03-10 12:00")
        self.assertEqual((doc["from"], doc["to"]),
                         ("2026-03-10T09:00:00.000Z",
                          "2026-03-10T12:00:00.000Z"))
        self.assertEqual(sum(r["queued"] for r in doc["rows"]), 8)

    def test_bad_usage_exits_2(self):
        t = iso(at(0))
        api = ["--api", self.api]
        for args in ([], ["flows", "--from", t], ["queues"],
                     ["queues", "--from", t, "--api", "localhost"],
                     ["queues", "--from", t, "--api", "127.0.0.1:x"],
                     ["queues", "agents", "--from", t],
                     ["queues", "--from", "tomorrow"],
                     ["queues", "--from", "-5x"],
                     ["queues", "--from", "-h"],
                     ["queues", "--from", t, "--to", "2026-13-01"],
                     ["queues", "--from", t, "--interval", "5m"],
                     ["agents", "--from", t, "--queue", SALES],
                     ["queues", "--from", t, "--agent", ANN],
                     ["queues", "--from", t, "--verbose"],
                     ["queues", "--from", t, "--queue"]):
            p = cfd.callflowctl(["report"] + api + args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn("usage: callflowctl report", p.stderr, args)
            self.assertRegex(p.stderr, r"^callflowctl: report", args)
            self.assertEqual(p.stdout, "", args)
        p = cfd.callflowctl(["report", "--help"])
        self.assertEqual(p.returncode, 0)
        self.assertIn("yesterday", p.stdout)

    def test_refused_exits_1_with_the_message(self):
        for args, words in (
                (["queues", "--from", iso(at(1)), "--to", iso(at(0))],
                 "400: to must be later than from"),
                (["agents", "--from", iso(at(0)), "--to", iso(at(100))],
                 "400: from and to may be at most 93 days apart")):
            p = self.ctl(*args)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn(words, p.stderr)
            self.assertEqual(p.stdout, "")

    def test_unreachable_exits_2(self):
        # as records and api do: 1 is for an answer that is an error
        p = cfd.callflowctl(["report", "queues", "--from", "-1h", "--api",
                             "127.0.0.1:%d" % free_port()])
        self.assertEqual(p.returncode, 2)
        self.assertIn("callflowctl: GET 127.0.0.1:", p.stderr)
        self.assertIn("refused", p.stderr)


class CtlReportToken(unittest.TestCase):
    """Off loopback the API wants the token: --token or
    $CALLFLOWD_API_TOKEN."""

    def test_token(self):
        d = Daemon(config=dict(CONFIG, api={"token": TOKEN}))
        self.addCleanup(d.cleanup)
        d.config["http"]["listen"] = "0.0.0.0:%d" % d.http_port
        d.write_config()
        write_records(d.records_path, seed(utcnow()))

        def healthy():
            if d.proc.poll() is not None:
                raise AssertionError(d.log())
            try:
                return http(d.http_port, "/health", TOKEN)[0] == 200
            except OSError:
                return False
        d._healthy = healthy
        d.start()
        api = "127.0.0.1:%d" % d.http_port
        args = ["report", "queues", "--from", iso(at(0)), "--to",
                iso(at(1)), "--interval", "total", "--api", api]
        p = cfd.callflowctl(args)
        self.assertEqual(p.returncode, 1)
        self.assertIn("401", p.stderr)
        p = cfd.callflowctl(args + ["--token", "wrong-" + TOKEN])
        self.assertEqual(p.returncode, 1)
        self.assertIn("401", p.stderr)
        p = cfd.callflowctl(args + ["--token", TOKEN, "--json"])
        self.assertEqual(p.returncode, 0, p.stderr)
        q = "from=%s&to=%s&interval=total" % (iso(at(0)), iso(at(1)))
        code, doc = http(d.http_port, "/v1/reports/queues?" + q, TOKEN)
        self.assertEqual(code, 200)
        self.assertEqual(json.loads(p.stdout), doc)
        self.assertEqual(sum(r["queued"] for r in doc["rows"]), 8)
        env = dict(os.environ, CALLFLOWD_API_TOKEN=TOKEN)
        p = subprocess.run([cfd.CTL] + args, env=env,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("TOTAL", p.stdout)
        self.assertEqual(d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", d.log())


if __name__ == "__main__":
    unittest.main()
