"""Historical interval reports over the API, from the contact records.

The daemon starts on a record file seeded with contacts over three days
(handled, abandoned, after-contact work over, still on, revised, a record
without AgentInteractionDuration, one written a day late, queues that are
not configured, contacts with no queue). GET /v1/reports/queues and
GET /v1/reports/agents must give, for each interval, exactly the rows
computed here from the lines: each contact once, from its first line, in
the bucket of its DisconnectTimestamp (UTC-aligned, cut by from and to),
its after-contact work from the first line that gives it. A revision and
a new contact appended while the daemon runs must be in the very next
report. Bad queries answer 400 with a message saying what is wrong."""
import datetime
import unittest
import urllib.parse

from seed import SeededDaemon, first_lines, iso, mean, ms, record, revised

CONFIG = {
    "queues": [{"name": "Sales", "id": "q-sales",
                "service_level_seconds": 10},
               {"name": "Support"}],
}
SL = {"Sales": 10}      # the others: 20 s
DAY = datetime.datetime(2026, 3, 10)
INTERVALS = {"15m": 900000, "30m": 1800000, "1h": 3600000,
             "1d": 86400000, "total": 0}
QUEUE_KEYS = {"start", "end", "queue", "queued", "handled", "abandoned",
              "average_answer_seconds", "service_level",
              "average_interaction_seconds", "after_contact_work_ended",
              "average_after_contact_work_seconds",
              "average_handle_time_seconds"}
AGENT_KEYS = {"start", "end", "agent", "handled",
              "average_interaction_seconds", "after_contact_work_ended",
              "average_after_contact_work_seconds",
              "average_handle_time_seconds"}


def at(day, h=0, m=0, s=0):
    return DAY + datetime.timedelta(days=day, hours=h, minutes=m,
                                    seconds=s)


def contact(n, end, queue, agent=None, wait=0, talk=True, acw=None,
            length=300):
    """A record of contact n that ended at end after length seconds."""
    return record(n, end - datetime.timedelta(seconds=length), end,
                  queue, agent, wait=wait, talk=talk, acw=acw)


def seed():
    recs = [
        # the day before, 23:50: outside most ranges
        contact(1, at(-1, 23, 50), "Sales", "agent1", wait=4, acw=5),
        # day 0, 09:xx
        contact(2, at(0, 9, 5), "Sales", "agent1", wait=5, acw=20),
        contact(3, at(0, 9, 12), "Sales", "agent2", wait=25),
        contact(4, at(0, 9, 20), "Sales", None, wait=40),
        contact(5, at(0, 9, 44, 59), "Support", "agent2", wait=15,
                talk=False, acw=12),
        contact(6, at(0, 9, 45), "Support", "agent1", wait=21, acw=0),
        # 10:00 exactly: the next bucket
        contact(7, at(0, 10), "Sales", "agent1", wait=10, acw=7),
        contact(8, at(0, 10, 30), "Billing", None, wait=3),
        contact(9, at(0, 10, 31), None),
        # day 1
        contact(10, at(1, 8), "Sales", "agent2", wait=2, acw=30),
        contact(11, at(1, 23, 59, 59), "Support", None, wait=60),
    ]
    # 9: connected to an agent with no queue (agents' reports only)
    recs[8]["Agent"] = {"Username": "agent2",
                        "ConnectedToAgentTimestamp":
                            recs[8]["InitiationTimestamp"],
                        "AgentInteractionDuration": 300,
                        "AfterContactWorkDuration": 9}
    recs.append(revised(recs[2], 40))       # 3's ACW ends: 40 s
    recs.append(revised(recs[2], 99))       # not counted again
    recs.append(revised(recs[1], 50))       # 2's ACW already counted
    # day 0's, written a day late (a crash recovered at the next start)
    recs.append(contact(12, at(0, 9, 30), "Sales", "agent1", wait=8,
                        acw=3))
    return recs


def expected(lines, frm, to, iv, agents, names=None):
    """The rows of a report computed from the record lines."""
    first, acw = first_lines(lines)
    base = frm - frm % iv if iv else frm
    cells = {}
    for cid, r in first.items():
        t = ms(r["DisconnectTimestamp"])
        a = r.get("Agent")
        if agents:
            name = a["Username"] if a else None
        else:
            name = (r.get("Queue") or {}).get("Name")
        if not frm <= t < to or not name or \
                (names is not None and name not in names):
            continue
        b = (t - base) // iv if iv else 0
        c = cells.setdefault((b, name), {
            "queued": 0, "handled": 0, "abandoned": 0, "waits": [],
            "talk": [], "acw": [], "aht": []})
        c["queued"] += 1
        if not a:
            c["abandoned"] += 1
            continue
        c["handled"] += 1
        enq = ms(r["Queue"]["EnqueueTimestamp"]) if r.get("Queue") \
            else None
        conn = ms(a["ConnectedToAgentTimestamp"])
        c["waits"].append(conn - enq if enq and conn > enq else 0)
        if "AgentInteractionDuration" in a:
            c["talk"].append(a["AgentInteractionDuration"])
        if cid in acw:
            w = acw[cid]
            c["acw"].append(w["AfterContactWorkDuration"])
            c["aht"].append(w.get("AgentInteractionDuration", 0) +
                            w["AfterContactWorkDuration"])
    rows = []
    for (b, name), c in cells.items():
        start = max(base + b * iv, frm) if iv else frm
        end = min(base + (b + 1) * iv, to) if iv else to
        row = {"start": start, "end": end,
               "agent" if agents else "queue": name,
               "handled": c["handled"],
               "average_interaction_seconds": mean(c["talk"]),
               "after_contact_work_ended": len(c["acw"]),
               "average_after_contact_work_seconds": mean(c["acw"]),
               "average_handle_time_seconds": mean(c["aht"])}
        if not agents:
            sl = SL.get(name, 20)
            within = sum(1 for w in c["waits"] if w <= sl * 1000)
            row.update({
                "queued": c["queued"], "abandoned": c["abandoned"],
                "average_answer_seconds":
                    mean(c["waits"]) / 1000 if c["waits"] else None,
                "service_level": {
                    "threshold_seconds": sl, "answered_within": within,
                    "percent": 100.0 * within / c["handled"]
                    if c["handled"] else None}})
        rows.append(row)
    rows.sort(key=lambda r: (r["start"], r.get("queue") or r["agent"]))
    return rows


class Reports(SeededDaemon, unittest.TestCase):
    config = CONFIG
    records = staticmethod(seed)

    def get(self, kind, params):
        q = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        return self.d.http("GET", "/v1/reports/%s?%s" % (kind, q))

    def report(self, kind, frm, to, interval=None, names=None):
        """The rows of a report, checked against the lines."""
        params = [("from", iso(frm)), ("to", iso(to))]
        if interval:
            params.append(("interval", interval))
        agents = kind == "agents"
        for n in names or ():
            params.append(("agent" if agents else "queue", n))
        code, doc = self.get(kind, params)
        self.assertEqual(code, 200, doc)
        self.assertEqual((doc["from"], doc["to"], doc["interval"]),
                         (iso(frm), iso(to), interval or "1h"))
        f, t = ms(iso(frm)), ms(iso(to))
        want = expected(self.lines, f, t, INTERVALS[interval or "1h"],
                        agents, set(names) if names else None)
        got = doc["rows"]
        for r in got:
            self.assertEqual(set(r), AGENT_KEYS if agents else QUEUE_KEYS)
            r["start"], r["end"] = ms(r["start"]), ms(r["end"])
        self.assertEqual(len(got), len(want), (got, want))
        for g, w in zip(got, want):
            self.assertEqual(self.exact(g), self.exact(w), (g, w))
            for k, v in w.items():
                if isinstance(v, float):
                    self.assertAlmostEqual(g[k], v, places=6, msg=k)
            sg, sw = g.get("service_level"), w.get("service_level")
            if sw and sw["percent"] is not None:
                self.assertAlmostEqual(sg["percent"], sw["percent"],
                                       places=6)
        return got

    @staticmethod
    def exact(row):
        """row without its floats (compared apart)."""
        out = {k: v for k, v in row.items() if not isinstance(v, float)}
        if "service_level" in out:
            sl = dict(out["service_level"])
            if isinstance(sl["percent"], float):
                del sl["percent"]
            out["service_level"] = sl
        return out

    def test_queue_intervals(self):
        frm, to = at(0, 9), at(0, 11)
        for iv in INTERVALS:
            self.report("queues", frm, to, iv)
        self.report("queues", at(-1), at(2), "1d")
        self.report("queues", at(-1), at(2), "total")
        # written out once, so that the reference itself is checked
        rows = self.report("queues", frm, to)
        sales = [r for r in rows if r["queue"] == "Sales"]
        self.assertEqual([r["start"] for r in rows],
                         [ms(iso(at(0, 9)))] * 2 + [ms(iso(at(0, 10)))] * 2)
        nine = sales[0]
        self.assertEqual((nine["queued"], nine["handled"],
                          nine["abandoned"]), (4, 3, 1))
        self.assertAlmostEqual(nine["average_answer_seconds"],
                               (5 + 25 + 8) / 3)
        self.assertEqual(nine["service_level"],
                         {"threshold_seconds": 10, "answered_within": 2,
                          "percent": nine["service_level"]["percent"]})
        self.assertAlmostEqual(nine["service_level"]["percent"], 200 / 3)
        self.assertEqual(nine["after_contact_work_ended"], 3)
        self.assertAlmostEqual(nine["average_after_contact_work_seconds"],
                               (20 + 40 + 3) / 3)
        billing = [r for r in rows if r["queue"] == "Billing"][0]
        self.assertEqual(billing["service_level"],
                         {"threshold_seconds": 20, "answered_within": 0,
                          "percent": None})
        for key in ("average_answer_seconds",
                    "average_interaction_seconds",
                    "average_handle_time_seconds"):
            self.assertIsNone(billing[key], key)

    def test_cut_buckets_and_names(self):
        # from and to inside buckets: the first and last cut
        rows = self.report("queues", at(0, 9, 7), at(0, 10, 40), "30m")
        self.assertEqual(rows[0]["start"], ms(iso(at(0, 9, 7))))
        self.assertEqual(rows[-1]["end"], ms(iso(at(0, 10, 40))))
        # repeated queue=, one by its id; names no record has: none
        self.report("queues", at(-1), at(2), "1d", ["Support", "Sales"])
        code, doc = self.get("queues", [
            ("from", iso(at(-1))), ("to", iso(at(2))),
            ("interval", "total"), ("queue", "q-sales"),
            ("queue", "nobody")])
        self.assertEqual(code, 200, doc)
        self.assertEqual([(r["queue"], r["queued"]) for r in doc["rows"]],
                         [("Sales", 7)])
        self.assertEqual(self.report("queues", at(0), at(1), "1h",
                                     ["nobody"]), [])
        self.assertEqual(self.report("queues", at(5), at(6), "total"), [])

    def test_agents(self):
        for iv in INTERVALS:
            self.report("agents", at(-1), at(2), iv)
        rows = self.report("agents", at(0), at(1), "1d")
        self.assertEqual([(r["agent"], r["handled"]) for r in rows],
                         [("agent1", 4), ("agent2", 3)])
        self.report("agents", at(0), at(1), "1h", ["agent2"])

    def test_appended_live(self):
        frm, to = at(3), at(4)
        self.assertEqual(self.report("agents", frm, to), [])
        new = contact(100, at(3, 14, 5), "Sales", "agent3", wait=3)
        self.append([new])
        # the very next request sees it (held until caught up)
        rows = self.report("queues", frm, to, "15m")
        self.assertEqual((rows[0]["handled"],
                          rows[0]["after_contact_work_ended"]), (1, 0))
        self.assertIsNone(rows[0]["average_handle_time_seconds"])
        rev = revised(new, 45)
        self.append([rev])
        rows = self.report("queues", frm, to, "15m")
        self.assertEqual((rows[0]["handled"],
                          rows[0]["after_contact_work_ended"]), (1, 1))
        self.assertAlmostEqual(rows[0]["average_after_contact_work_seconds"],
                               45)
        rows = self.report("agents", frm, to, "total")
        self.assertEqual(rows[0]["agent"], "agent3")
        self.assertEqual(rows[0]["after_contact_work_ended"], 1)

    def test_bad_queries(self):
        f, t = iso(at(0)), iso(at(1))
        for kind, params, words in (
                ("queues", [("to", t)], "from is required"),
                ("queues", [("from", f)], "to is required"),
                ("queues", [("from", "yesterday"), ("to", t)],
                 "from: expected an ISO-8601 time"),
                ("agents", [("from", f), ("to", "2026-13-01T00:00:00Z")],
                 "to: expected an ISO-8601 time"),
                ("queues", [("from", t), ("to", f)],
                 "to must be later than from"),
                ("queues", [("from", f), ("to", f)],
                 "to must be later than from"),
                ("queues", [("from", iso(at(0))), ("to", iso(at(94)))],
                 "at most 93 days apart"),
                ("queues", [("from", f), ("to", t), ("interval", "5m")],
                 "interval: expected 15m, 30m, 1h, 1d or total"),
                ("queues", [("from", f), ("to", t), ("agent", "agent1")],
                 "unknown parameter 'agent'"),
                ("agents", [("from", f), ("to", t), ("queue", "Sales")],
                 "unknown parameter 'queue'"),
                ("agents", [("from", f), ("to", t), ("agent", "")],
                 "agent: expected a name")):
            code, doc = self.get(kind, params)
            self.assertEqual(code, 400, (kind, params, doc))
            self.assertIn(words, doc["error"], (kind, params))
        # 93 days is allowed
        code, _ = self.get("queues", [("from", iso(at(0))),
                                      ("to", iso(at(93))),
                                      ("interval", "1d")])
        self.assertEqual(code, 200)
        self.assertEqual(self.d.http("POST", "/v1/reports/queues",
                                     {})[0], 405)
        self.assertEqual(self.d.http("GET", "/v1/reports")[0], 404)
        self.assertEqual(self.d.http("GET", "/v1/reports/flows")[0], 404)
        # the daemon still serves
        self.assertEqual(self.d.http("GET", "/health")[0], 200)


if __name__ == "__main__":
    unittest.main()
