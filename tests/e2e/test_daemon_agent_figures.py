"""Today's figures of each agent over the API, from the contact records.

The daemon starts on a record file with old (2020) and today's records
of configured agents (after-contact work over, still on, one revision
already written, a record without AgentInteractionDuration, an
abandoned contact, an agent that is not configured). GET /v1/agents and
GET /v1/agents/{name} must give each agent's handled contacts and mean
interaction, after-contact work and handle time of the UTC day, as
computed here from the lines (each contact once from its first line,
its ACW once from the first line giving it). Revisions and a backlog of
records appended while the daemon runs must be seen by the very next
request (it is held until the index caught up)."""
import datetime
import json
import unittest

from seed import SeededDaemon, first_lines, mean, record, revised

PROFILE = {"name": "Sales profile",
           "queues": [{"queue": "Sales", "priority": 1},
                      {"queue": "Support", "priority": 2}]}
CONFIG = {
    "queues": [{"name": "Sales"}, {"name": "Support"}],
    "routing_profiles": [PROFILE],
    "agents": [{"username": u, "password": "s3cret-One",
                "first_name": f, "routing_profile": "Sales profile"}
               for u, f in (("agent1", "Ada"), ("agent2", "Grace"),
                            ("agent3", "Alan"))],
}
AGENTS = ("agent1", "agent2", "agent3")
# what agent_json gave before "today": unchanged
KEYS = {"username", "first_name", "last_name", "status", "next_status",
        "status_type", "state", "state_since", "status_since", "device",
        "routable", "routing_profile", "misses", "contact"}
TODAY_KEYS = {"date", "handled", "average_interaction_seconds",
              "after_contact_work_ended",
              "average_after_contact_work_seconds",
              "average_handle_time_seconds"}


def window():
    """(start, end) of today's contacts: within the last minute, and
    today (UTC) even just after midnight."""
    now = datetime.datetime.utcnow().replace(microsecond=0)
    return max(now - datetime.timedelta(seconds=50),
               now.replace(hour=0, minute=0, second=0)), now


def seed():
    old = datetime.datetime(2020, 1, 1, 10, 0, 0)
    recs = [record(i + 1, old, old + datetime.timedelta(minutes=5),
                   "Sales", "agent1", wait=20, acw=5) for i in range(3)]
    start, now = window()
    recs += [
        # agent1: ACW over (0 s), ACW still on, ACW 20 s then revised
        record(11, start, now, "Sales", "agent1", wait=5, acw=0),
        record(12, start, now, "Sales", "agent1", wait=8),
        record(13, start, now, "Support", "agent1", wait=2, acw=20),
        # agent2: no AgentInteractionDuration (older writer), ACW 12 s
        record(21, start, now, "Support", "agent2", wait=3, talk=False,
               acw=12),
        record(22, start, now, "Sales", None, wait=9),      # abandoned
        record(31, start, now, "Sales", "ghost", wait=1, acw=3),
    ]
    recs.append(revised(recs[5], 40))      # 13 again: not counted again
    return recs


def agent_today(lines, agent):
    """(interaction seconds of today's contacts handled by agent that
    give it, [(interaction, ACW) of those whose ACW ended], handled)."""
    today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    first, acw = first_lines(lines)
    mine = [r for r in first.values() if r.get("Agent") and
            r["Agent"]["Username"] == agent and
            r["Agent"]["ConnectedToAgentTimestamp"].startswith(today)]
    talk = [r["Agent"]["AgentInteractionDuration"] for r in mine
            if "AgentInteractionDuration" in r["Agent"]]
    ended = [(acw[r["ContactId"]].get("AgentInteractionDuration", 0),
              acw[r["ContactId"]]["AfterContactWorkDuration"])
             for r in mine if r["ContactId"] in acw]
    return talk, ended, len(mine)


class Figures(SeededDaemon):
    """A daemon started on the seeded record file (one per class, so
    that what one test appends does not reach another)."""
    config = CONFIG
    records = staticmethod(seed)

    def check(self, a):
        """a (an agent as the API gives it) against the lines."""
        talk, ended, handled = agent_today(self.lines, a["username"])
        t = a["today"]
        self.assertEqual(set(a), KEYS | {"today"})
        self.assertEqual(set(t), TODAY_KEYS)
        self.assertEqual(t["date"],
                         datetime.datetime.utcnow().strftime("%Y-%m-%d"))
        self.assertEqual(t["handled"], handled, a["username"])
        self.assertEqual(t["after_contact_work_ended"], len(ended),
                         a["username"])
        for key, want in (
                ("average_interaction_seconds", mean(talk)),
                ("average_after_contact_work_seconds",
                 mean([w for _, w in ended])),
                ("average_handle_time_seconds",
                 mean([i + w for i, w in ended]))):
            if want is None:
                self.assertIsNone(t[key], (a["username"], key))
            else:
                self.assertAlmostEqual(t[key], want, places=2,
                                       msg=(a["username"], key))
        return t

    def one(self, name):
        code, a = self.d.http("GET", "/v1/agents/" + name)
        self.assertEqual(code, 200, a)
        return self.check(a)

    def listed(self):
        code, doc = self.d.http("GET", "/v1/agents")
        self.assertEqual(code, 200, doc)
        self.assertEqual([a["username"] for a in doc["agents"]],
                         list(AGENTS))
        return {a["username"]: self.check(a) for a in doc["agents"]}



class Seeded(Figures, unittest.TestCase):

    def test_seeded_figures(self):
        got = self.listed()
        # written out once, so that the reference itself is checked
        a1 = got["agent1"]
        self.assertEqual((a1["handled"], a1["after_contact_work_ended"]),
                         (3, 2))
        self.assertAlmostEqual(a1["average_after_contact_work_seconds"],
                               10.0)
        a2 = got["agent2"]
        self.assertEqual((a2["handled"], a2["after_contact_work_ended"]),
                         (1, 1))
        self.assertIsNone(a2["average_interaction_seconds"])
        self.assertAlmostEqual(a2["average_handle_time_seconds"], 12.0)
        a3 = got["agent3"]
        self.assertEqual((a3["handled"], a3["after_contact_work_ended"]),
                         (0, 0))
        for key in ("average_interaction_seconds",
                    "average_after_contact_work_seconds",
                    "average_handle_time_seconds"):
            self.assertIsNone(a3[key], key)
        for name in AGENTS:
            self.assertEqual(self.one(name), got[name])
        self.assertEqual(self.d.http("GET", "/v1/agents/ghost")[0], 404)
        # GET .../status is the agent as GET shows it; a PUT's answer
        # stays what it was (no figures)
        code, a = self.d.http("GET", "/v1/agents/agent2/status")
        self.assertEqual(code, 200)
        self.check(a)
        code, a = self.d.http("PUT", "/v1/agents/agent3/status",
                              {"status": "Offline"})
        self.assertEqual(code, 200, a)
        self.assertEqual(set(a), KEYS)



class Live(Figures, unittest.TestCase):

    def test_revisions_and_backlog_appended_live(self):
        before = self.one("agent1")
        first = [r for r in self.lines
                 if r["ContactId"].endswith("000000000012")][0]
        # its ACW ended: the next request sees it, counted once
        self.append([revised(first, 25)])
        after = self.one("agent1")
        self.assertEqual(after["after_contact_work_ended"],
                         before["after_contact_work_ended"] + 1)
        self.assertEqual(after["handled"], before["handled"])
        self.append([revised(first, 70)])
        self.assertEqual(self.one("agent1"), after)

        # megabytes at once, read in several jobs: the list waits
        start, now = window()
        many = [record(1000 + i, start, now, ("Sales", "Support")[i % 2],
                       ("agent2", "agent3")[i % 2], wait=i % 30,
                       acw=i % 4 if i % 3 else None) for i in range(4000)]
        many += [revised(r, 9) for r in many[::7]]
        text_len = sum(len(json.dumps(r)) + 1 for r in many)
        self.assertGreater(text_len, 2 << 20)
        self.append(many)
        got = self.listed()
        self.assertEqual(got["agent2"]["handled"], 2001)
        self.assertEqual(got["agent3"]["handled"], 2000)
        self.assertEqual(got["agent1"], after)


if __name__ == "__main__":
    unittest.main()
