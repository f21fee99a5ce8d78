"""Contact records and queue metrics over the API, and API access.

The daemon starts on a records file written here (old and today's
records, one torn line); the API must give back exactly those records,
filtered and paged with cursors, one by ContactId, and count today's
handled/abandoned/answer time/service level per queue. A real call
(SIPp, queued in Sales, hangs up) is appended while the daemon runs and
must show up in both. `callflowctl records` prints the same records as
JSON lines. Off loopback the API needs a Bearer token, and the daemon
refuses to start without one; SIGHUP swaps the token, and refuses (the
whole reload) to remove it while the socket is off loopback."""
import datetime
import json
import os
import re
import signal
import subprocess
import unittest
import urllib.error
import urllib.parse
import urllib.request

import cfd
from daemon import Daemon, Sipp, wait_for
from seed import (TOKEN, append_records, first_lines, http, mean, ms,
                  record, revised, start_seeded, stop_checked,
                  write_records)
from test_daemon_records import parse_metrics

FLOWS = [cfd.data("e2e", "agent-flows", f) for f in
         ("inbound.json", "queue.json")]
NUMBER = "+18005550100"
CONFIG = {
    "queues": [{"name": "Sales", "service_level_seconds": 10},
               {"name": "Support"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}]}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "routing_profile": "Sales profile"}],
}

def seed():
    """Old records (2020) and today's; today's end a minute ago at most,
    so they stay within today's UTC day unless run at 00:00-00:01."""
    old = datetime.datetime(2020, 1, 1, 10, 0, 0)
    recs = []
    for i in range(6):
        init = old + datetime.timedelta(hours=i)
        recs.append(record(i + 1, init, init + datetime.timedelta(
            minutes=5), queue=("Sales", "Support", None)[i % 3],
            agent=("agent1", "agent2", None)[i % 3], wait=20))
    now = datetime.datetime.utcnow().replace(microsecond=0)
    start = now - datetime.timedelta(seconds=50)
    if start.date() != now.date():
        start = now.replace(hour=0, minute=0, second=0)
    # 7: no after-contact work (duration 0 in its only line); 8: a record
    # from before AgentInteractionDuration
    recs.append(record(7, start, now, "Sales", "agent1", wait=5, acw=0))
    recs.append(record(8, start, now, "Sales", "agent2", wait=30,
                       talk=False))
    recs.append(record(9, start, now, "Sales", None, wait=12))
    return recs


class Records(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E To Sales"},
                       config=CONFIG)
        cls.seeded = seed()
        start_seeded(cls.d, cls.seeded, torn_after=2)

    @classmethod
    def tearDownClass(cls):
        stop_checked(cls.d)

    def file_records(self, n):
        """The records in the file (the torn line skipped), once n."""
        out = []
        with open(self.d.records_path) as f:
            for line in f:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out if len(out) >= n else None

    def get(self, path, **params):
        q = urllib.parse.urlencode(params)
        return self.d.http("GET", path + ("?" + q if q else ""))

    def all_pages(self, **params):
        out, cursor = [], None
        while True:
            p = dict(params)
            if cursor:
                p["cursor"] = cursor
            code, doc = self.get("/v1/contact-records", **p)
            self.assertEqual(code, 200, doc)
            self.assertLessEqual(len(doc["records"]),
                                 int(params.get("limit", 100)))
            out += doc["records"]
            cursor = doc["next_cursor"]
            if not cursor:
                return out

    def ids(self, recs):
        return [r["ContactId"] for r in recs]

    def test_list_filters_and_pages(self):
        seeded = self.seeded
        code, doc = self.get("/v1/contact-records")
        self.assertEqual(code, 200)
        got = [r for r in doc["records"]
               if r["ContactId"].startswith("00000000-")]
        self.assertEqual(got, seeded)   # the torn line is skipped
        self.assertEqual(self.all_pages(limit=2)[:len(seeded)], got)

        code, doc = self.get("/v1/contact-records", limit=4)
        self.assertEqual(len(doc["records"]), 4)
        self.assertIsInstance(doc["next_cursor"], str)

        sales = [r for r in seeded if r["Queue"] and
                 r["Queue"]["Name"] == "Sales"]
        self.assertEqual(self.ids(self.all_pages(queue="Sales", limit=1)
                                  [:len(sales)]), self.ids(sales))
        agent2 = [r for r in seeded if r.get("Agent", {}).get(
            "Username") == "agent2"]
        self.assertEqual(self.ids(self.all_pages(agent="agent2")),
                         self.ids(agent2))
        self.assertEqual(self.all_pages(agent="nobody"), [])
        self.assertEqual(self.all_pages(queue="Nowhere"), [])

        # by DisconnectTimestamp (default) or InitiationTimestamp
        lo, hi = seeded[1], seeded[4]
        by_disc = [r for r in seeded if lo["DisconnectTimestamp"] <=
                   r["DisconnectTimestamp"] < hi["DisconnectTimestamp"]]
        self.assertEqual(self.ids(self.all_pages(
            **{"from": lo["DisconnectTimestamp"],
               "to": hi["DisconnectTimestamp"]})), self.ids(by_disc))
        by_init = [r for r in seeded if lo["DisconnectTimestamp"] <=
                   r["InitiationTimestamp"] < hi["DisconnectTimestamp"]]
        self.assertNotEqual(by_init, by_disc)
        self.assertEqual(self.ids(self.all_pages(
            time="initiation", **{"from": lo["DisconnectTimestamp"],
                                  "to": hi["DisconnectTimestamp"]})),
            self.ids(by_init))

    def test_one_record(self):
        r = self.seeded[4]
        code, doc = self.get("/v1/contact-records/" + r["ContactId"])
        self.assertEqual((code, doc), (200, r))
        code, doc = self.get("/v1/contact-records/"
                             "00000000-0000-4000-8000-999999999999")
        self.assertEqual(code, 404)
        self.assertIn("error", doc)

    def test_bad_queries(self):
        for params in ({"limit": 0}, {"limit": 1001}, {"limit": "ten"},
                       {"from": "yesterday"}, {"to": "2026-13-01"},
                       {"time": "answer"}, {"cursor": "c0.zz"},
                       {"cursor": "garbage"}, {"colour": "blue"},
                       {"queue": ""}):
            code, doc = self.get("/v1/contact-records", **params)
            self.assertEqual(code, 400, params)
            self.assertIn("error", doc)
        code, _ = self.d.http("POST", "/v1/contact-records", {})
        self.assertEqual(code, 405)

    def sales_today(self):
        code, m = self.get("/v1/queues/Sales/metrics")
        self.assertEqual(code, 200, m)
        return m

    def test_queue_metrics_and_a_live_call(self):
        today = [r for r in self.seeded if r["ContactId"][-1] in "789"]
        handled = [r for r in today if "Agent" in r]
        waits = [r["Queue"]["Duration"] for r in handled]
        m = self.sales_today()
        self.assertEqual(m["name"], "Sales")
        self.assertEqual(m["today"]["handled"], len(handled))
        self.assertEqual(m["today"]["abandoned"], 1)
        self.assertAlmostEqual(m["today"]["average_answer_seconds"],
                               sum(waits) / len(waits), places=2)
        self.assertEqual(m["today"]["service_level_seconds"], 10)
        self.assertAlmostEqual(m["today"]["service_level_percent"],
                               100.0 * sum(w <= 10 for w in waits) /
                               len(waits), places=2)
        # 7 gives its interaction and ACW (0 s); 8 neither
        r7 = today[0]["Agent"]
        self.assertEqual(m["today"]["after_contact_work_ended"], 1)
        for key, want in (("average_interaction_seconds",
                           r7["AgentInteractionDuration"]),
                          ("average_after_contact_work_seconds", 0),
                          ("average_handle_time_seconds",
                           r7["AgentInteractionDuration"])):
            self.assertAlmostEqual(m["today"][key], want, places=2,
                                   msg=key)
        check_today(self, self.d, self.seeded)
        self.assertEqual(m["contacts_in_queue"], 0)
        self.assertEqual(m["contacts_scheduled"], 0)
        self.assertEqual(m["agents"]["online"], 0)   # agent1 is Offline
        for k in ("available", "staffed", "on_contact", "acw",
                  "non_productive", "missed"):
            self.assertEqual(m["agents"][k], 0, k)

        code, doc = self.get("/v1/queues")
        self.assertEqual(code, 200)
        self.assertEqual([q["name"] for q in doc["queues"]],
                         ["Sales", "Support"])
        self.assertEqual(doc["queues"][1]["today"]["service_level_seconds"],
                         20)
        self.assertEqual(self.get("/v1/queues/Nowhere/metrics")[0], 404)
        self.assertEqual(self.get("/v1/queues/Sales")[0], 404)

        # a live call: queued in Sales, the caller hangs up (abandoned)
        sipp = Sipp(self.d, "uac_caller_bye.xml", NUMBER)
        try:
            self.assertEqual(sipp.run(), 0, sipp.errors())
        finally:
            sipp.kill()
        rec = wait_for(lambda: self.file_records(len(self.seeded) + 1),
                       20, "the call's record")[-1]
        self.assertEqual(rec["Queue"]["Name"], "Sales")
        code, doc = self.get("/v1/contact-records/" + rec["ContactId"])
        self.assertEqual((code, doc), (200, rec))
        self.assertEqual(self.all_pages()[-1], rec)
        m = self.sales_today()
        self.assertEqual(m["today"]["abandoned"], 2)
        self.assertEqual(m["today"]["handled"], len(handled))

    def test_callflowctl_records(self):
        api = "127.0.0.1:%d" % self.d.http_port
        p = cfd.callflowctl(["records", "--api", api, "--queue", "Sales",
                             "--limit", "1"])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [json.loads(x) for x in p.stdout.splitlines()]
        self.assertEqual(lines, self.all_pages(queue="Sales"))
        p = cfd.callflowctl(["records", "--api", api, "--max", "2"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([json.loads(x) for x in p.stdout.splitlines()],
                         self.seeded[:2])
        p = cfd.callflowctl(["records", "--api", api, "--id",
                             self.seeded[3]["ContactId"]])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), self.seeded[3])
        p = cfd.callflowctl(["records", "--api", api, "--limit", "0"])
        self.assertEqual(p.returncode, 1)
        self.assertIn("limit", p.stderr)
        p = cfd.callflowctl(["records", "--bogus"])
        self.assertEqual(p.returncode, 2)


# Two ContactIds with the same hash_joaat_str() (found by search): the
# index must keep them two contacts.
ID_A = "c0111de0-0000-4000-8000-000000202940"
ID_B = "c0111de0-0000-4000-8000-000000206684"


def current(lines):
    """Each contact once, in the place of its first line, as its newest
    line."""
    order, newest = [], {}
    for r in lines:
        if r["ContactId"] not in newest:
            order.append(r["ContactId"])
        newest[r["ContactId"]] = r
    return [newest[i] for i in order]


def today_waits(lines, queue):
    """(queue times of handled contacts, abandoned count) of today's
    contacts of queue, each counted once from its first line."""
    today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    seen, mine = set(), []
    for r in lines:
        if r["ContactId"] in seen:
            continue
        seen.add(r["ContactId"])
        if r["Queue"] and r["Queue"]["Name"] == queue and \
                r["DisconnectTimestamp"].startswith(today):
            mine.append(r)
    waits = [r["Queue"]["Duration"] for r in mine if "Agent" in r]
    return waits, len(mine) - len(waits)


class Revisions(unittest.TestCase):
    """A later line with the same ContactId replaces the earlier one: the
    API lists each contact once, at the place of its first line, with its
    newest line; filters and today's figures see one record per
    contact."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(config=CONFIG)
        recs = seed()
        a = dict(recs[7], ContactId=ID_A,
                 Queue=dict(recs[7]["Queue"], Name="Support"))
        b = dict(recs[8], ContactId=ID_B,
                 Queue=dict(recs[8]["Queue"], Name="Support"))
        # first lines, then revisions: one contact revised twice
        cls.lines = recs + [a, b, revised(recs[0]), revised(recs[1], 10),
                            revised(recs[6]), revised(a),
                            revised(recs[1], 45)]
        start_seeded(cls.d, cls.lines, torn_after=9)

    @classmethod
    def tearDownClass(cls):
        stop_checked(cls.d)

    @classmethod
    def append(cls, r):
        cls.lines.append(r)
        append_records(cls.d.records_path, [r])

    def current(self):
        return current(self.lines)

    def pages(self, **params):
        out, cursor = [], None
        while True:
            p = dict(params, **({"cursor": cursor} if cursor else {}))
            code, doc = self.d.http("GET", "/v1/contact-records?" +
                                    urllib.parse.urlencode(p))
            self.assertEqual(code, 200, doc)
            out += doc["records"]
            cursor = doc["next_cursor"]
            if not cursor:
                return out

    def check_list_and_filters(self):
        cur = self.current()
        self.assertGreater(len(self.lines), len(cur))
        self.assertEqual(self.pages(), cur)
        self.assertEqual(self.pages(limit=2), cur)
        self.assertEqual(self.pages(limit=1), cur)
        for agent in ("agent1", "agent2"):
            self.assertEqual(self.pages(agent=agent), [
                r for r in cur if (r.get("Agent") or {}).get(
                    "Username") == agent], agent)
        for queue in ("Sales", "Support"):
            self.assertEqual(self.pages(queue=queue, limit=3), [
                r for r in cur if (r["Queue"] or {}).get("Name") ==
                queue], queue)
        for r in cur:
            code, doc = self.d.http("GET", "/v1/contact-records/" +
                                    r["ContactId"])
            self.assertEqual((code, doc), (200, r))

    def check_today(self):
        check_today(self, self.d, self.lines)

    def test_each_contact_once_as_its_newest_line(self):
        self.check_list_and_filters()
        code, a = self.d.http("GET", "/v1/contact-records/" + ID_A)
        code, b = self.d.http("GET", "/v1/contact-records/" + ID_B)
        self.assertEqual((a["ContactId"], b["ContactId"]), (ID_A, ID_B))
        self.assertEqual(a["Agent"]["AfterContactWorkDuration"], 30)
        self.assertNotIn("LastUpdateTimestamp", b)
        self.assertEqual(self.d.http("GET", "/v1/contact-records/"
                                     "c0111de0-0000-4000-8000-"
                                     "000000000000")[0], 404)
        self.check_today()

    def test_revision_appended_while_running(self):
        self.check_list_and_filters()
        first = [r for r in self.lines if r["ContactId"].endswith("8")][0]
        before = self.d.http("GET", "/v1/queues/Sales/metrics")[1]["today"]
        rev = revised(first, 20)
        self.append(rev)
        code, doc = self.d.http("GET", "/v1/contact-records/" +
                                rev["ContactId"])
        self.assertEqual((code, doc), (200, rev))
        self.check_list_and_filters()
        self.check_today()
        # its ACW ended: counted now, once, in the day's averages
        after = self.d.http("GET", "/v1/queues/Sales/metrics")[1]["today"]
        self.assertEqual(after["after_contact_work_ended"],
                         before["after_contact_work_ended"] + 1)
        self.assertEqual(after["handled"], before["handled"])
        self.append(revised(first, 50))
        self.check_today()
        again = self.d.http("GET", "/v1/queues/Sales/metrics")[1]["today"]
        self.assertEqual(again, after)
        # a new contact after it comes last; its revision keeps it there
        new = dict(first, ContactId="00000000-0000-4000-8000-000000000010")
        self.append(new)
        self.append(revised(self.current()[0], 99))
        self.append(revised(new, 5))
        self.assertEqual(self.pages()[-1], revised(new, 5))
        self.check_list_and_filters()
        self.check_today()


def today_handling(lines, queue):
    """(interaction seconds of today's handled contacts of queue that give
    it, [(interaction, ACW) of those whose ACW ended]): each contact from
    its first line, its ACW from the first line giving the duration."""
    today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    first, acw = first_lines(lines)
    handled = [r for r in first.values() if r.get("Agent") and
               r["Queue"] and r["Queue"]["Name"] == queue and
               r["DisconnectTimestamp"].startswith(today)]
    talk = [r["Agent"]["AgentInteractionDuration"] for r in handled
            if "AgentInteractionDuration" in r["Agent"]]
    ended = [(acw[r["ContactId"]].get("AgentInteractionDuration", 0),
              acw[r["ContactId"]]["AfterContactWorkDuration"])
             for r in handled if r["ContactId"] in acw]
    return talk, ended


def check_today(test, d, lines):
    for queue in ("Sales", "Support"):
        waits, abandoned = today_waits(lines, queue)
        talk, ended = today_handling(lines, queue)
        code, m = d.http("GET", "/v1/queues/%s/metrics" % queue)
        test.assertEqual(code, 200, m)
        t = m["today"]
        test.assertEqual(t["handled"], len(waits), queue)
        test.assertEqual(t["abandoned"], abandoned, queue)
        for key, want in (
                ("average_answer_seconds", mean(waits)),
                ("average_interaction_seconds", mean(talk)),
                ("average_after_contact_work_seconds",
                 mean([a for _, a in ended])),
                ("average_handle_time_seconds",
                 mean([i + a for i, a in ended]))):
            if want is None:
                test.assertIsNone(t[key], (queue, key))
            else:
                test.assertAlmostEqual(t[key], want, places=2,
                                       msg=(queue, key))
        test.assertEqual(t["after_contact_work_ended"], len(ended), queue)


class Backlog(unittest.TestCase):
    """Megabytes appended at once are indexed off the loop thread in
    several steps; the first request after them already sees them all
    (it waits for the catch-up)."""

    def test_first_request_sees_the_whole_backlog(self):
        d = Daemon(config=CONFIG)
        self.addCleanup(d.cleanup)
        lines = seed()
        write_records(d.records_path, lines)
        d.start()

        now = datetime.datetime.utcnow().replace(microsecond=0)
        start = max(now - datetime.timedelta(seconds=50),
                    now.replace(hour=0, minute=0, second=0))
        many = [record(100 + i, start, now, ("Sales", "Support")[i % 2],
                       "agent1" if i % 3 else None, wait=i % 40)
                for i in range(6000)]
        many += [revised(r, 7) for r in many[::5]]
        text = "".join(json.dumps(r) + "\n" for r in many)
        self.assertGreater(len(text), 3 << 20)
        with open(d.records_path, "a") as f:
            f.write(text)
        lines += many

        code, doc = d.http("GET", "/v1/contact-records/" +
                           many[-1]["ContactId"])
        self.assertEqual((code, doc), (200, many[-1]))
        out, cursor = [], None
        while True:
            q = "limit=1000" + ("&cursor=" + cursor if cursor else "")
            code, doc = d.http("GET", "/v1/contact-records?" + q)
            self.assertEqual(code, 200, doc)
            out += doc["records"]
            cursor = doc["next_cursor"]
            if not cursor:
                break
        self.assertEqual(out, current(lines))
        check_today(self, d, lines)
        self.assertEqual(d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", d.log())


def raw_get(d, path):
    """(status, Content-Type, body bytes) of a GET, unparsed."""
    url = "http://127.0.0.1:%d%s" % (d.http_port, path)
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read()


class StoredLines(unittest.TestCase):
    """Pages and single records are the stored lines, byte for byte, in
    JSON written around them: escapes, key order, spacing and a CRLF line
    end come back as written, and every body parses as the documented
    shape with the right records."""

    def test_pages_are_the_lines_as_written(self):
        d = Daemon(config=CONFIG)
        self.addCleanup(d.cleanup)
        recs = seed()
        r = dict(recs[1])
        r["Attributes"] = {"name": "Ren\u00e9e \"R\" / \\", "z": 1,
                           "a": [1.5, None, True]}
        recs[1] = r
        recs[0] = dict(recs[0], Attributes={"city": "Z\u00fcrich"})
        # lines as other writers may leave them: compact or spaced, raw
        # UTF-8 or escaped (\u, \/), keys in any order, one with a CRLF
        # end, one torn, one revision
        texts = [json.dumps(x, separators=(",", ":"), ensure_ascii=False)
                 for x in recs]
        texts[1] = json.dumps(r, ensure_ascii=True).replace("/", "\\/")
        texts[2] = json.dumps(recs[2], ensure_ascii=False, indent=None,
                              sort_keys=True) + "\r"
        texts.insert(3, "{torn line from a crash")
        rev = revised(recs[6], 15)
        texts.append(json.dumps(rev))
        lines = recs + [rev]
        os.makedirs(os.path.dirname(d.records_path))
        with open(d.records_path, "w", newline="", encoding="utf-8") as f:
            f.write("".join(t + "\n" for t in texts))
        d.start()

        # the newest line of each contact, in the place of its first
        stored = {}
        order = []
        for t in texts:
            try:
                cid = json.loads(t)["ContactId"]
            except ValueError:
                continue
            if cid not in stored:
                order.append(cid)
            stored[cid] = t
        want = current(lines)
        self.assertEqual([x["ContactId"] for x in want], order)

        got, cursor, place = [], None, 0
        while True:
            q = "/v1/contact-records?limit=4" + \
                ("&cursor=" + cursor if cursor else "")
            code, ctype, body = raw_get(d, q)
            self.assertEqual((code, ctype), (200, "application/json"))
            doc = json.loads(body.decode())
            self.assertEqual(list(doc), ["records", "next_cursor"])
            page = order[place:place + 4]
            self.assertEqual(body.decode(), '{"records":[%s],'
                             '"next_cursor":%s}' % (
                                 ",".join(stored[c] for c in page),
                                 json.dumps(doc["next_cursor"])))
            place += len(page)
            got += doc["records"]
            cursor = doc["next_cursor"]
            if not cursor:
                break
        self.assertEqual(got, want)
        self.assertEqual(got[1]["Attributes"]["name"], 'Ren\u00e9e "R" / \\')
        self.assertEqual(got[0]["Attributes"]["city"], "Z\u00fcrich")

        for c in (order[1], order[2], rev["ContactId"]):
            code, ctype, body = raw_get(d, "/v1/contact-records/" + c)
            self.assertEqual((code, ctype), (200, "application/json"))
            self.assertEqual(body.decode(), stored[c])
            self.assertEqual(json.loads(body.decode()),
                             [x for x in want if x["ContactId"] == c][0])

        # nothing matches: an empty page, still the same shape
        code, _, body = raw_get(d, "/v1/contact-records?agent=nobody")
        self.assertEqual((code, body), (200, b'{"records":[],'
                                        b'"next_cursor":null}'))
        self.assertEqual(d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", d.log())


QUEUE_COUNTERS = {
    "callflowd_queue_contacts_handled_total": "handled",
    "callflowd_queue_contacts_abandoned_total": "abandoned",
    "callflowd_queue_answer_seconds_total": "answer",
    "callflowd_queue_interaction_seconds_total": "interaction",
    "callflowd_queue_after_contact_work_seconds_total": "acw",
    "callflowd_queue_after_contact_work_ended_total": "acw_ended",
}
LABEL_QUEUE = re.compile(r'^\{queue="((?:\\[\\"n]|[^"\\\n])*)"\}$')
# a queue name the text format must escape
ODD_QUEUE = 'Sales "EU"\\2\nnight'


def unescape(v):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1),
                                                    m.group(1)), v)


def queue_counters(lines):
    """{queue: {counter: value}} of every record line, whatever its day:
    each contact once from its first line (handled, abandoned, queue
    wait, interaction), its ACW once from the first line giving it, in
    the queue of its first line."""
    seen, handled, acw_done, out = set(), {}, set(), {}
    for r in lines:
        cid, a = r["ContactId"], r.get("Agent")
        if cid not in seen:
            seen.add(cid)
            if r["Queue"]:
                c = out.setdefault(r["Queue"]["Name"], dict.fromkeys(
                    QUEUE_COUNTERS.values(), 0))
                if a is None:
                    c["abandoned"] += 1
                else:
                    c["handled"] += 1
                    c["answer"] += max(0, ms(
                        a["ConnectedToAgentTimestamp"]) - ms(
                        r["Queue"]["EnqueueTimestamp"])) / 1000.0
                    c["interaction"] += a.get("AgentInteractionDuration",
                                              0)
                    handled[cid] = c
        if cid in handled and cid not in acw_done and \
                "AfterContactWorkDuration" in a:
            acw_done.add(cid)
            handled[cid]["acw_ended"] += 1
            handled[cid]["acw"] += a["AfterContactWorkDuration"]
    return out


class QueueCounters(unittest.TestCase):
    """Prometheus counters per queue from the record index: the seeded
    file gives exact values (every day, each contact once, ACW once from
    the first line giving it), revisions and new contacts appended add to
    them, a replaced file starts them again; label values are escaped."""

    def setUp(self):
        self.d = Daemon(config=CONFIG)
        self.addCleanup(self.d.cleanup)
        recs = seed()
        start = datetime.datetime.strptime(
            recs[-1]["InitiationTimestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
        end = start + datetime.timedelta(seconds=40)
        odd = [record(40, start, end, ODD_QUEUE, "agent1", wait=3, acw=4),
               record(41, start, end, ODD_QUEUE, None, wait=6),
               record(42, start, end, "Support", "agent2", wait=2)]
        # revisions: ACW of 1 (2020) and 42 comes later; 7's (0 s, in
        # its first line) and 40's are not counted again
        self.lines = recs + odd + [revised(recs[0], 30), revised(odd[2], 9),
                                   revised(recs[6], 50), revised(odd[0], 8),
                                   revised(recs[0], 70)]
        write_records(self.d.records_path, self.lines)
        self.d.start()

    def tearDown(self):
        self.assertEqual(self.d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", self.d.log())

    def scrape(self):
        code, ctype, body = raw_get(self.d, "/metrics")
        self.assertEqual(code, 200)
        self.assertTrue(ctype.startswith("text/plain; version=0.0.4"))
        out = {}
        for (name, labels), v in parse_metrics(body.decode()).items():
            if name not in QUEUE_COUNTERS:
                continue
            m = LABEL_QUEUE.match(labels)
            self.assertTrue(m, labels)
            out.setdefault(unescape(m.group(1)), {})[
                QUEUE_COUNTERS[name]] = v
        return out

    def check(self, got):
        want = queue_counters(self.lines)
        self.assertEqual(set(got), set(want))
        for q, c in want.items():
            self.assertEqual(set(got[q]), set(c), q)
            for k, v in c.items():
                self.assertAlmostEqual(got[q][k], v, places=3,
                                       msg=(q, k))

    def append(self, recs):
        self.lines += recs
        append_records(self.d.records_path, recs)

    def test_counters_from_the_records(self):
        got = self.scrape()
        self.check(got)
        # the reference itself, written out for two queues
        self.assertEqual(got[ODD_QUEUE], {
            "handled": 1, "abandoned": 1, "answer": 3.0,
            "interaction": 36, "acw": 4, "acw_ended": 1})
        self.assertEqual(got["Sales"]["handled"], 4)     # 1, 4, 7, 8
        self.assertEqual(got["Sales"]["abandoned"], 1)   # 9
        self.assertEqual(got["Sales"]["acw_ended"], 2)   # 1 (30 s), 7
        self.assertEqual(got["Sales"]["acw"], 30)
        self.assertEqual(got["Support"]["acw_ended"], 1)  # 42 (9 s)
        # the text keeps the escapes; agents are no queues
        body = raw_get(self.d, "/metrics")[2].decode()
        self.assertIn('{queue="Sales \\"EU\\"\\\\2\\nnight"}', body)
        self.assertNotIn('queue="agent1"', body)

        # appended: an ACW revision, a new abandoned and a handled one
        r8 = [r for r in self.lines if r["ContactId"].endswith("8")][0]
        new = [revised(r8, 21), record(50, *self.times(), "Support", None,
                                       wait=4),
               record(51, *self.times(), "Sales", "agent1", wait=7)]
        self.append(new)
        code, _ = self.d.http("GET", "/v1/queues")   # waits: indexed
        self.assertEqual(code, 200)
        after = self.scrape()
        self.check(after)
        self.assertEqual(after["Sales"]["acw_ended"], 3)
        self.assertEqual(after["Sales"]["handled"], 5)
        self.assertEqual(after["Support"]["abandoned"],
                         got["Support"]["abandoned"] + 1)
        for q in got:
            for k in got[q]:
                self.assertGreaterEqual(after[q][k], got[q][k], (q, k))

    def times(self):
        now = datetime.datetime.utcnow().replace(microsecond=0)
        return now - datetime.timedelta(seconds=30), now

    def test_replaced_file_starts_them_again(self):
        self.check(self.scrape())
        self.lines = [record(60, *self.times(), "Billing", "agent1",
                             wait=11, acw=2)]
        tmp = self.d.records_path + ".new"
        with open(tmp, "w") as f:
            f.write(json.dumps(self.lines[0]) + "\n")
        os.rename(tmp, self.d.records_path)
        code, _ = self.d.http("GET", "/v1/queues")   # indexed anew
        self.assertEqual(code, 200)
        got = self.scrape()
        self.check(got)
        self.assertEqual(got, {"Billing": {
            "handled": 1, "abandoned": 0, "answer": 11.0,
            "interaction": 18, "acw": 2, "acw_ended": 1}})


class Access(unittest.TestCase):

    def daemon(self, api=None):
        d = Daemon(config=CONFIG)
        self.addCleanup(d.cleanup)
        d.config["http"]["listen"] = "0.0.0.0:%d" % d.http_port
        if api is not None:
            d.config["api"] = api
        d.write_config()
        return d

    def run_to_exit(self, d):
        with open(d.log_path, "w") as log:
            p = subprocess.run([cfd.DAEMON, "--config", d.config_path],
                               stdout=log, stderr=subprocess.STDOUT,
                               cwd=d.dir, timeout=30)
        return p.returncode

    def test_off_loopback_without_token_refuses_to_start(self):
        d = self.daemon()
        self.assertNotEqual(self.run_to_exit(d), 0)
        self.assertIn("not a loopback address", d.log())
        d = self.daemon({"token": "short"})
        self.assertNotEqual(self.run_to_exit(d), 0)
        self.assertIn("api.token", d.log())
        d = self.daemon({"token": TOKEN, "extra": 1})
        self.assertNotEqual(self.run_to_exit(d), 0)
        self.assertIn("api.extra: unknown key", d.log())

    def test_token_required(self):
        d = self.daemon({"token": TOKEN})
        d._healthy = lambda: (d.proc.poll() is None and
                              self.try_health(d.http_port))
        d.start()
        try:
            for path in ("/health", "/v1/contact-records", "/v1/queues",
                         "/v1/agents", "/metrics"):
                code, doc = http(d.http_port, path)
                self.assertEqual(code, 401, path)
                self.assertIn("error", doc)
                self.assertEqual(http(d.http_port, path, "wrong-" +
                                      TOKEN)[0], 401)
            self.assertEqual(http(d.http_port, "/v1/queues", TOKEN)[0],
                             200)
            api = "127.0.0.1:%d" % d.http_port
            p = cfd.callflowctl(["records", "--api", api])
            self.assertEqual(p.returncode, 1)
            self.assertIn("401", p.stderr)
            p = cfd.callflowctl(["records", "--api", api, "--token",
                                 TOKEN])
            self.assertEqual((p.returncode, p.stdout), (0, ""), p.stderr)
        finally:
            self.assertEqual(d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", d.log())

    def started(self, d):
        d._healthy = lambda: (d.proc.poll() is None and
                              self.try_health(d.http_port))
        d.start()

    def reload(self, d, api, listen=None, extra=None):
        """Rewrite the config (api section, http.listen) and SIGHUP."""
        if api is None:
            d.config.pop("api", None)
        else:
            d.config["api"] = api
        if listen:
            d.config["http"]["listen"] = listen
        d.config.update(extra or {})
        d.write_config()
        d.signal(signal.SIGHUP)

    def wait_log_count(self, d, text, n):
        wait_for(lambda: d.log().count(text) >= n, 20,
                 "%d log lines %r" % (n, text))

    def queues(self, d, token):
        code, doc = http(d.http_port, "/v1/queues", token)
        self.assertEqual(code, 200, doc)
        return [q["name"] for q in doc["queues"]]

    def test_token_reloaded_off_loopback(self):
        token_b = "e2e-token-B-fedcba9876543210"
        d = self.daemon({"token": TOKEN})
        self.started(d)
        self.assertEqual(http(d.http_port, "/health", TOKEN)[0], 200)

        # a new token: the old one is refused from now on
        self.reload(d, {"token": token_b})
        d.wait_log("api: token changed")
        self.assertEqual(http(d.http_port, "/health", TOKEN)[0], 401)
        self.assertEqual(http(d.http_port, "/v1/contact-records",
                              TOKEN)[0], 401)
        self.assertEqual(self.queues(d, token_b), ["Sales", "Support"])

        # moving http.listen to loopback does not move the socket: the
        # token is still a must where it listens, so the reload (and the
        # new queue in it) is refused as a whole
        more = {"queues": CONFIG["queues"] + [{"name": "Billing"}]}
        self.reload(d, None, "127.0.0.1:%d" % d.http_port, more)
        self.wait_log_count(d, "keeping the running configuration", 1)
        log = d.log()
        self.assertIn("needs a restart: the API keeps listening on "
                      "0.0.0.0:%d" % d.http_port, log)
        self.assertIn("api section refused", log)
        self.assertIn("is not a loopback address", log)
        self.assertNotIn("api: token removed", log)
        self.assertEqual(http(d.http_port, "/health")[0], 401)
        self.assertEqual(self.queues(d, token_b), ["Sales", "Support"])

        # the same without moving: refused by the check of the section
        self.reload(d, None, "0.0.0.0:%d" % d.http_port, more)
        self.wait_log_count(d, "keeping the running configuration", 2)
        self.assertEqual(d.log().count("is not a loopback address"), 2)
        self.assertEqual(http(d.http_port, "/health")[0], 401)
        self.assertEqual(http(d.http_port, "/health", TOKEN)[0], 401)
        self.assertEqual(self.queues(d, token_b), ["Sales", "Support"])

        self.assertEqual(d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", d.log())

    def test_token_set_and_removed_on_loopback(self):
        d = Daemon(config=CONFIG)
        self.addCleanup(d.cleanup)
        d.start()
        self.assertEqual(http(d.http_port, "/health")[0], 200)
        self.reload(d, {"token": TOKEN})
        d.wait_log("api: token set")
        self.assertEqual(http(d.http_port, "/health")[0], 401)
        self.assertEqual(http(d.http_port, "/health", TOKEN)[0], 200)
        self.reload(d, None)
        d.wait_log("api: token removed")
        self.assertEqual(http(d.http_port, "/health")[0], 200)
        self.assertEqual(d.stop(), 0)
        self.assertNotIn("ERROR: AddressSanitizer", d.log())

    @staticmethod
    def try_health(port):
        try:
            return http(port, "/health", TOKEN)[0] == 200
        except OSError:
            return False


if __name__ == "__main__":
    unittest.main()
