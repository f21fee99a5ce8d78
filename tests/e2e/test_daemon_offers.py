"""Offers to agents end to end with real softphones: baresip agents
register with the daemon (auto or manual answer), baresip callers dial in.

- an agent who does not answer (ring timeout) or declines goes Missed and
  the contact, back at the head of its queue, goes to the next agent;
- the caller hanging up while the agent rings cancels the offer;
- the longest-idle eligible agent takes a contact, a profile takes its
  higher-priority queue first, a queue's delay holds the offer back;
- the agent's phone re-registering while it rings changes nothing;
- a full queue and closed hours take the flow's branches;
- the agent hanging up: AGENT_DISCONNECT, after-contact work, clear.

Everything waits on events (baresip events, API polling, log lines) with
deadlines; phones and the daemon are always stopped.
"""
import datetime
import os
import time
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, wait_for
from test_daemon_registrar import Client

FLOWS = [cfd.data("e2e", "offer-flows", "to_sales.json"),
         cfd.data("e2e", "offer-flows", "to_support.json"),
         cfd.data("e2e", "agent-flows", "queue.json")]
SALES = "+18005550100"
SUPPORT = "+18005550101"
NUMBERS = {SALES: "E2E Offers To Sales", SUPPORT: "E2E Offers To Support"}
PASSWORDS = {"agent1": "s3cret-One", "agent2": "s3cret-Two",
             "agent3": "s3cret-Three"}
ALWAYS = {"Name": "Always", "TimeZone": "UTC",
          "Config": [{"Day": d, "StartTime": {"Hours": 0, "Minutes": 0},
                      "EndTime": {"Hours": 0, "Minutes": 0}}
                     for d in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
                               "FRIDAY", "SATURDAY", "SUNDAY")]}


def profile(name, queues, ring=15, acw=0, missed=30):
    """A routing profile; queues: [(queue, priority, delay)]."""
    return {"name": name,
            "queues": [{"queue": q, "priority": p, "delay": d}
                       for q, p, d in queues],
            "ring_timeout_seconds": ring,
            "after_contact_work_seconds": acw,
            "missed_offer": {"missed_seconds": missed}}


def agents(*pairs):
    return [{"username": u, "password": PASSWORDS[u], "first_name": u,
             "routing_profile": p} for u, p in pairs]


def iso_ms(text):
    """Milliseconds of a record's ISO 8601 timestamp."""
    text = text.replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp() * 1000


class RawPhone(Client):
    """An agent's phone in raw SIP over UDP (registers through Client),
    for what baresip will not do: answer an INVITE the daemon has just
    cancelled (the 200 crossing the CANCEL)."""

    def recv(self, timeout):
        """The next request as (method, headers dict, raw text)."""
        self.s.settimeout(timeout)
        while True:
            data = self.s.recvfrom(65535)[0].decode(errors="replace")
            head = data.split("\r\n\r\n", 1)[0].split("\r\n")
            if head[0].startswith("SIP/2.0"):
                continue        # a response to us: not wanted here
            hdrs = {}
            for line in head[1:]:
                name, _, val = line.partition(":")
                hdrs.setdefault(name.strip().lower(), val.strip())
            return head[0].split(" ", 1)[0], hdrs, data

    def reply(self, req, status, reason, tag="", body=""):
        method, h, _ = req
        to = h["to"] + (";tag=" + tag if tag and "tag=" not in h["to"]
                        else "")
        lines = ["SIP/2.0 %d %s" % (status, reason), "Via: " + h["via"],
                 "From: " + h["from"], "To: " + to,
                 "Call-ID: " + h["call-id"], "CSeq: " + h["cseq"]]
        if method == "INVITE" and status == 200:
            lines.append("Contact: <sip:raw@127.0.0.1:%d>" % self.lport)
        if body:
            lines.append("Content-Type: application/sdp")
        lines += ["Content-Length: %d" % len(body), "", ""]
        via = h["via"]
        port = int(via.split("rport=")[1].split(";")[0]) \
            if "rport=" in via else self.port
        self.s.sendto(("\r\n".join(lines) + body).encode(),
                      ("127.0.0.1", port))


class Offers(unittest.TestCase):

    def setUp(self):
        self.d = None
        self.phones = []

    def tearDown(self):
        for p in self.phones:
            p.stop()
            p.cleanup()
        if self.d:
            rc = self.d.stop()
            log = self.d.log()
            self.d.cleanup()
            self.assertEqual(rc, 0, log[-3000:])
            self.assertNotIn("AddressSanitizer", log)
            self.assertNotIn("LeakSanitizer", log)
            self.assertNotIn("runtime error", log)

    # -- helpers --

    def start_daemon(self, queues, profiles, agent_list, hours=(ALWAYS,),
                     extra=None):
        config = {"hours_of_operation": list(hours), "queues": queues,
                  "routing_profiles": profiles, "agents": agent_list}
        config.update(extra or {})
        self.d = Daemon(flows=FLOWS, numbers=NUMBERS, config=config)
        self.d.start()

    def agent(self, user):
        code, a = self.d.http("GET", "/v1/agents/" + user)
        self.assertEqual(code, 200, a)
        return a

    def set_status(self, user, status):
        code, a = self.d.http("PUT", "/v1/agents/%s/status" % user,
                              {"status": status})
        self.assertEqual(code, 200, a)
        return a

    def wait_state(self, user, state, timeout=15):
        return wait_for(lambda: self.agent(user)["state"] == state and
                        self.agent(user), timeout,
                        "%s %s (is %s)" % (user, state,
                                           self.agent(user)["state"]))

    def start_agent(self, user, auto=True, available=True):
        phone = Baresip(self.d.dir, user, register_to=self.d.sip_port,
                        password=PASSWORDS[user])
        if not auto:
            # the same phone, answering by hand (accept/hangup)
            path = os.path.join(phone.dir, "accounts")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace("answermode=auto",
                                     "answermode=manual"))
        self.phones.append(phone)
        phone.start()
        wait_for(lambda: self.agent(user)["device"], 15,
                 "%s registered" % user)
        if available:
            self.assertTrue(self.set_status(user, "Available")["routable"])
        return phone

    def call(self, number, name="caller"):
        caller = Baresip(self.d.dir, name)
        self.phones.append(caller)
        caller.start()
        caller.dial("sip:%s@127.0.0.1:%d" % (number, self.d.sip_port))
        caller.wait_event("CALL_ESTABLISHED", 15)
        return caller

    def contact_of(self, name):
        """The live contact whose caller is name."""
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(code, 200)
        for c in body["contacts"]:
            if c["caller"] == name:
                return c
        return None

    def wait_queued(self, name, queue):
        return wait_for(lambda: (self.contact_of(name) or {}).get("state")
                        == "Queued" and self.contact_of(name), 15,
                        "%s queued in %s" % (name, queue))

    def record_of(self, name, timeout=20):
        def find():
            for r in self.d.records():
                if r["CustomerEndpoint"]["Address"] == name:
                    return r
            return None
        return wait_for(find, timeout, "the record of " + name)

    def acw_revision_of(self, name, timeout=10):
        """The record of name once it carries the end of the agent's ACW."""
        def find():
            for r in self.d.records():
                if (r["CustomerEndpoint"]["Address"] == name and
                        "AfterContactWorkEndTimestamp" in
                        (r.get("Agent") or {})):
                    return r
            return None
        return wait_for(find, timeout, "the ACW revision of " + name)

    def ringing_uri(self, user):
        """The URI the daemon rings for user (its registered contact)."""
        mark = "ringing agent %s at " % user
        log = self.d.wait_log(mark) and self.d.log()
        return log[log.rindex(mark) + len(mark):].split("\n", 1)[0]

    # -- 1. no answer, decline: Missed, the next agent takes it --

    def test_ring_timeout_then_next_agent(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], ring=3, missed=60)],
            agents(("agent1", "Sales"), ("agent2", "Sales")))
        slow = self.start_agent("agent1", auto=False)
        quick = self.start_agent("agent2", available=False)

        first = self.call(SALES, "caller1")
        slow.wait_event("CALL_INCOMING", 15)
        offered = self.agent("agent1")
        self.assertEqual(offered["state"], "Incoming")
        # a later caller waits behind the first one (agent2 is Offline)
        second = self.call(SALES, "caller2")
        self.wait_queued("caller2", "Sales")

        # no answer within 3 s: Missed, the offer is cancelled
        missed = self.wait_state("agent1", "Missed", 10)
        self.assertEqual(missed["misses"], 1)
        self.assertIsNone(missed["contact"])
        slow.wait_event("CALL_CLOSED", 10)
        self.d.wait_log("back in queue Sales")
        ring_s = (iso_ms(missed["state_since"]) -
                  iso_ms(offered["state_since"])) / 1000
        self.assertGreaterEqual(ring_s, 2.9)
        self.assertLess(ring_s, 6)

        # the first caller is back at the head: agent2 takes it first
        self.set_status("agent2", "Available")
        quick.wait_event("CALL_ESTABLISHED", 15)
        a2 = self.wait_state("agent2", "OnContact")
        self.assertEqual(a2["contact"],
                         self.contact_of("caller1")["ContactId"])
        self.assertEqual(self.contact_of("caller2")["state"], "Queued")
        self.assertEqual(self.agent("agent1")["state"], "Missed")

        first.hangup()
        quick.wait_event("CALL_CLOSED", 10)
        rec = self.record_of("caller1")
        self.assertEqual(rec["AgentConnectionAttempts"], 2)
        self.assertEqual(rec["Agent"]["Username"], "agent2")
        self.assertEqual(rec["Queue"]["Name"], "Sales")
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(rec["Attributes"].get("Hours"), "Open")

        # no after-contact work: agent2 takes the second caller at once
        quick.wait_event("CALL_ESTABLISHED", 15)
        second.hangup()
        rec = self.record_of("caller2")
        self.assertEqual(rec["AgentConnectionAttempts"], 1)
        self.assertEqual(rec["Agent"]["Username"], "agent2")
        self.assertEqual(self.agent("agent1")["state"], "Missed")

    def test_missed_again_then_status(self):
        """Missed ends after missed_seconds and the same contact rings
        again; max_in_a_row misses set the configured status."""
        sales = profile("Sales", [("Sales", 1, 0)], ring=2)
        sales["missed_offer"] = {"missed_seconds": 1, "max_in_a_row": 2,
                                 "status": "Lunch"}
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}], [sales],
            agents(("agent1", "Sales")),
            extra={"agent_statuses": [{"name": "Lunch",
                                       "type": "CUSTOM"}]})
        phone = self.start_agent("agent1", auto=False)
        caller = self.call(SALES, "caller1")
        phone.wait_event("CALL_INCOMING", 15)
        a = self.wait_state("agent1", "Missed", 6)
        self.assertEqual(a["misses"], 1)
        self.assertEqual(a["status"], "Available")
        phone.wait_event("CALL_CLOSED", 5)
        # back to Available after 1 s, and rung again for the same caller
        phone.wait_event("CALL_INCOMING", 10)
        self.assertEqual(self.agent("agent1")["contact"],
                         self.contact_of("caller1")["ContactId"])
        phone.wait_event("CALL_CLOSED", 6)
        a = wait_for(lambda: self.agent("agent1")["status"] == "Lunch" and
                     self.agent("agent1"), 5, "agent1 on Lunch")
        self.assertFalse(a["routable"])
        self.assertEqual(self.wait_state("agent1", "Lunch", 5)["misses"],
                         0)
        self.assertEqual(self.contact_of("caller1")["state"], "Queued")
        caller.hangup()
        rec = self.record_of("caller1")
        self.assertEqual(rec["AgentConnectionAttempts"], 2)
        self.assertNotIn("Agent", rec)

    def test_decline_then_next_agent(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], ring=15, missed=60)],
            agents(("agent1", "Sales"), ("agent2", "Sales")))
        picky = self.start_agent("agent1", auto=False)
        quick = self.start_agent("agent2")   # idle for less time

        caller = self.call(SALES, "caller1")
        picky.wait_event("CALL_INCOMING", 15)
        self.assertEqual(self.agent("agent2")["state"], "Available")
        picky.hangup()                       # declines: 486
        missed = self.wait_state("agent1", "Missed", 5)
        self.assertEqual(missed["misses"], 1)
        self.assertRegex(self.d.wait_log("agent's phone declined") and
                         self.d.log(), r"phone declined \((486|603) ")

        quick.wait_event("CALL_ESTABLISHED", 15)
        self.wait_state("agent2", "OnContact")
        caller.hangup()
        rec = self.record_of("caller1")
        self.assertEqual(rec["AgentConnectionAttempts"], 2)
        self.assertEqual(rec["Agent"]["Username"], "agent2")
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")

    def test_answer_crossing_the_cancel(self):
        """The agent's 200 OK crosses the daemon's CANCEL at the ring
        timeout: a miss all the same; the late session is ended (ACK,
        BYE) and the next agent gets the contact."""
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], ring=2, missed=60)],
            agents(("agent1", "Sales"), ("agent2", "Sales")))
        raw = RawPhone(self.d.sip_port)
        try:
            status, text = raw.login("agent1", PASSWORDS["agent1"])
            self.assertEqual(status, 200, text)
            self.set_status("agent1", "Available")
            quick = self.start_agent("agent2")
            caller = self.call(SALES, "caller1")

            invite = raw.recv(10)
            self.assertEqual(invite[0], "INVITE")
            raw.reply(invite, 180, "Ringing", tag="late")
            cancel = raw.recv(10)        # the ring timeout
            self.assertEqual(cancel[0], "CANCEL")
            sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                   "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                   "m=audio %d RTP/AVP 0\r\n"
                   "a=rtpmap:0 PCMU/8000\r\n" % (raw.lport + 2))
            raw.reply(invite, 200, "OK", tag="late", body=sdp)
            raw.reply(cancel, 200, "OK", tag="late")
            seen = []
            while "BYE" not in seen:
                req = raw.recv(10)
                seen.append(req[0])
                if req[0] == "BYE":
                    raw.reply(req, 200, "OK")
            self.assertIn("ACK", seen)

            a = self.wait_state("agent1", "Missed", 5)
            self.assertEqual(a["misses"], 1)
            quick.wait_event("CALL_ESTABLISHED", 15)
            self.wait_state("agent2", "OnContact")
            caller.hangup()
            rec = self.record_of("caller1")
            self.assertEqual(rec["AgentConnectionAttempts"], 2)
            self.assertEqual(rec["Agent"]["Username"], "agent2")
        finally:
            raw.close()

    # -- 2. the caller hangs up while the agent rings --

    def test_caller_hangs_up_while_ringing(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], ring=20)],
            agents(("agent1", "Sales")))
        phone = self.start_agent("agent1", auto=False)
        caller = self.call(SALES, "caller1")
        phone.wait_event("CALL_INCOMING", 15)
        self.assertEqual(self.agent("agent1")["state"], "Incoming")

        caller.hangup()
        phone.wait_event("CALL_CLOSED", 10)     # CANCEL
        a = self.wait_state("agent1", "Available", 10)
        self.assertEqual(a["misses"], 0)
        self.assertIsNone(a["contact"])
        rec = self.record_of("caller1")
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(rec["Queue"]["Name"], "Sales")
        self.assertNotIn("Agent", rec)
        self.assertEqual(rec["AgentConnectionAttempts"], 1)
        self.assertIn("offer withdrawn (gone)", self.d.log())
        self.assertNotIn("Missed", self.d.log())

    # -- 3. which agent, which contact, when --

    def test_longest_idle_agent_takes_it(self):
        # agent2 has Sales at priority 2 only, but has been idle longer
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}, {"name": "Support"}],
            [profile("First", [("Sales", 1, 0)]),
             profile("Second", [("Support", 1, 0), ("Sales", 2, 0)])],
            agents(("agent1", "First"), ("agent2", "Second")))
        p2 = self.start_agent("agent2")
        p1 = self.start_agent("agent1")
        # agent1 comes first in the configuration (the tie-break)
        self.assertLessEqual(iso_ms(self.agent("agent2")["status_since"]),
                             iso_ms(self.agent("agent1")["status_since"]))

        caller = self.call(SALES, "caller1")
        p2.wait_event("CALL_ESTABLISHED", 15)
        self.wait_state("agent2", "OnContact")
        self.assertEqual(self.agent("agent1")["state"], "Available")

        # the next Sales contact: agent1 is the only one free
        other = self.call(SALES, "caller2")
        p1.wait_event("CALL_ESTABLISHED", 15)
        self.wait_state("agent1", "OnContact")
        caller.hangup()
        other.hangup()
        self.assertEqual(self.record_of("caller1")["Agent"]["Username"],
                         "agent2")
        self.assertEqual(self.record_of("caller2")["Agent"]["Username"],
                         "agent1")

    def test_profile_priority_before_age(self):
        # agent2: Support at priority 1, Sales at 2; the Sales caller is
        # older, the Support caller is taken first
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"},
             {"name": "Support", "hours": "Always"}],
            [profile("Second", [("Support", 1, 0), ("Sales", 2, 0)])],
            agents(("agent2", "Second")))
        phone = self.start_agent("agent2", available=False)
        older = self.call(SALES, "caller1")
        self.wait_queued("caller1", "Sales")
        newer = self.call(SUPPORT, "caller2")
        self.wait_queued("caller2", "Support")

        self.set_status("agent2", "Available")
        phone.wait_event("CALL_ESTABLISHED", 15)
        a = self.wait_state("agent2", "OnContact")
        self.assertEqual(a["contact"],
                         self.contact_of("caller2")["ContactId"])
        self.assertEqual(self.contact_of("caller1")["state"], "Queued")

        # the agent hangs up: the Sales caller is next
        phone.hangup()
        phone.wait_event("CALL_CLOSED", 10)
        phone.wait_event("CALL_ESTABLISHED", 15)
        a = self.wait_state("agent2", "OnContact")
        self.assertEqual(a["contact"],
                         self.contact_of("caller1")["ContactId"])
        older.hangup()
        newer.wait_event("CALL_CLOSED", 10)
        self.assertEqual(self.record_of("caller2")["DisconnectReason"],
                         "AGENT_DISCONNECT")
        self.assertEqual(self.record_of("caller1")["Agent"]["Username"],
                         "agent2")

    def test_queue_delay_holds_the_offer(self):
        delay = 4
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"},
             {"name": "Support", "hours": "Always"}],
            [profile("First", [("Sales", 1, 0)]),
             profile("Late", [("Support", 1, delay)])],
            agents(("agent1", "First"), ("agent3", "Late")))
        p1 = self.start_agent("agent1")
        p3 = self.start_agent("agent3")
        caller = self.call(SUPPORT, "caller1")
        queued = self.wait_queued("caller1", "Support")
        # the only agent with Support is free, yet the contact waits
        waited = []

        def offered():
            a = self.agent("agent3")
            if a["state"] == "Available":
                waited.append(time.monotonic())
            return a["state"] != "Available"
        t0 = time.monotonic()
        wait_for(offered, delay + 10, "agent3 offered", interval=0.1)
        self.assertTrue(waited)
        self.assertGreaterEqual(waited[-1] - t0, delay - 1.5)
        p3.wait_event("CALL_ESTABLISHED", 15)
        self.assertEqual(self.agent("agent1")["state"], "Available")
        self.assertFalse([e for e in p1.events()
                          if e.get("type", "").startswith("CALL")])
        caller.hangup()
        rec = self.record_of("caller1")
        self.assertEqual(rec["Agent"]["Username"], "agent3")
        self.assertEqual(rec["ContactId"], queued["ContactId"])
        waited_s = (iso_ms(rec["Agent"]["ConnectedToAgentTimestamp"]) -
                    iso_ms(rec["Queue"]["EnqueueTimestamp"])) / 1000
        self.assertGreaterEqual(waited_s, delay - 0.05)
        self.assertLess(waited_s, delay + 8)

    # -- 4. the ringing phone re-registers --

    def test_reregister_while_ringing(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], ring=20)],
            agents(("agent1", "Sales")))
        phone = self.start_agent("agent1", auto=False)
        caller = self.call(SALES, "caller1")
        phone.wait_event("CALL_INCOMING", 15)
        self.assertEqual(self.agent("agent1")["state"], "Incoming")

        # the ringing phone's binding is refreshed, then a second device
        # registers, while it rings
        uri = self.ringing_uri("agent1")
        reg = Client(self.d.sip_port)
        try:
            status, text = reg.login("agent1", PASSWORDS["agent1"],
                                     contact="<%s>" % uri)
            self.assertEqual(status, 200, text)
            self.assertIn(uri, text)
            status, text = reg.login("agent1", PASSWORDS["agent1"])
            self.assertEqual(status, 200, text)
        finally:
            reg.close()
        a = self.agent("agent1")
        self.assertEqual(a["state"], "Incoming")
        self.assertEqual(a["misses"], 0)
        self.assertTrue(a["device"])

        r = phone.command("accept")
        self.assertTrue(r.get("ok"), r)
        phone.wait_event("CALL_ESTABLISHED", 10)
        self.wait_state("agent1", "OnContact")
        caller.hangup()
        rec = self.record_of("caller1")
        self.assertEqual(rec["AgentConnectionAttempts"], 1)
        self.assertEqual(rec["Agent"]["Username"], "agent1")
        self.assertEqual(self.agent("agent1")["misses"], 0)

    def test_unregister_while_ringing_is_no_miss(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], ring=20)],
            agents(("agent1", "Sales")))
        phone = self.start_agent("agent1", auto=False)
        caller = self.call(SALES, "caller1")
        phone.wait_event("CALL_INCOMING", 15)
        uri = self.ringing_uri("agent1")

        # the phone's binding goes away: the offer is withdrawn (CANCEL),
        # not missed; the contact waits for the agent's next device
        reg = Client(self.d.sip_port)
        try:
            status, text = reg.login("agent1", PASSWORDS["agent1"],
                                     expires=0, contact="<%s>" % uri)
            self.assertEqual(status, 200, text)
            phone.wait_event("CALL_CLOSED", 10)
            a = self.wait_state("agent1", "Available", 5)
            self.assertFalse(a["device"])
            self.assertEqual(a["misses"], 0)
            self.assertEqual(self.contact_of("caller1")["state"], "Queued")
            self.assertIn("offer withdrawn (device)", self.d.log())

            # registered again: the same contact is offered again
            status, text = reg.login("agent1", PASSWORDS["agent1"],
                                     contact="<%s>" % uri)
            self.assertEqual(status, 200, text)
        finally:
            reg.close()
        phone.wait_event("CALL_INCOMING", 15)
        self.assertTrue(phone.command("accept").get("ok"))
        phone.wait_event("CALL_ESTABLISHED", 10)
        a = self.wait_state("agent1", "OnContact")
        self.assertEqual(a["misses"], 0)
        caller.hangup()
        rec = self.record_of("caller1")
        self.assertEqual(rec["AgentConnectionAttempts"], 2)
        self.assertEqual(rec["Agent"]["Username"], "agent1")

    # -- 5, 6. the flow's branches: queue full, hours closed --

    def test_queue_at_capacity_branch(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always", "max_contacts": 1}],
            [profile("Sales", [("Sales", 1, 0)])],
            agents(("agent1", "Sales")))
        first = self.call(SALES, "caller1")
        self.wait_queued("caller1", "Sales")
        second = self.call(SALES, "caller2")
        second.wait_event("CALL_CLOSED", 15)
        rec = self.record_of("caller2")
        self.assertEqual(rec["Attributes"].get("Branch"), "QueueAtCapacity")
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertIsNone(rec["Queue"])
        self.assertEqual(self.contact_of("caller1")["state"], "Queued")
        first.hangup()
        rec = self.record_of("caller1")
        self.assertNotIn("Branch", rec["Attributes"])
        self.assertEqual(rec["Queue"]["Name"], "Sales")

    def test_closed_hours_branch(self):
        # open for one hour starting two hours from now, every day: closed
        now = datetime.datetime.now(datetime.timezone.utc)
        start = now + datetime.timedelta(hours=2)
        end = now + datetime.timedelta(hours=3)
        days = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
                "SATURDAY", "SUNDAY")
        later = {"Name": "Later", "TimeZone": "UTC", "Config": [
            {"Day": d, "StartTime": {"Hours": start.hour,
                                     "Minutes": start.minute},
             "EndTime": {"Hours": end.hour, "Minutes": end.minute}}
            for d in days]}
        self.start_daemon(
            [{"name": "Sales", "hours": "Later"}],
            [profile("Sales", [("Sales", 1, 0)])],
            agents(("agent1", "Sales")), hours=(ALWAYS, later))
        self.start_agent("agent1")
        caller = self.call(SALES, "caller1")
        caller.wait_event("CALL_CLOSED", 15)
        rec = self.record_of("caller1")
        self.assertEqual(rec["Attributes"].get("Hours"), "Closed")
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertIsNone(rec["Queue"])
        self.assertEqual(rec["AgentConnectionAttempts"], 0)
        self.assertEqual(self.agent("agent1")["state"], "Available")

    # -- 7. the agent hangs up: after-contact work --

    def test_agent_hangs_up_then_acw(self):
        acw = 3
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], acw=acw)],
            agents(("agent1", "Sales")))
        phone = self.start_agent("agent1")

        caller = self.call(SALES, "caller1")
        phone.wait_event("CALL_ESTABLISHED", 15)
        self.wait_state("agent1", "OnContact")
        phone.hangup()
        caller.wait_event("CALL_CLOSED", 10)
        a = self.wait_state("agent1", "AfterContactWork", 10)
        rec = self.record_of("caller1")
        self.assertEqual(rec["DisconnectReason"], "AGENT_DISCONNECT")
        self.assertEqual(rec["Agent"]["Username"], "agent1")
        # written at the hang-up: ACW has begun, its end is not known yet
        self.assertEqual(rec["Agent"]["AfterContactWorkStartTimestamp"],
                         rec["DisconnectTimestamp"])
        self.assertNotIn("AfterContactWorkEndTimestamp", rec["Agent"])
        b = self.wait_state("agent1", "Available", acw + 5)
        acw_s = (iso_ms(b["state_since"]) - iso_ms(a["state_since"])) / 1000
        self.assertGreaterEqual(acw_s, acw - 0.1)
        self.assertLess(acw_s, acw + 2)
        # ... then written again, complete, when ACW ended
        rev = self.acw_revision_of("caller1")
        self.assertEqual(rev["ContactId"], rec["ContactId"])
        self.assertEqual(rev["DisconnectTimestamp"],
                         rec["DisconnectTimestamp"])
        ended = rev["Agent"]["AfterContactWorkEndTimestamp"]
        self.assertEqual(rev["LastUpdateTimestamp"], ended)
        self.assertLess(abs(iso_ms(ended) - iso_ms(b["state_since"])), 1000)
        self.assertAlmostEqual(rev["Agent"]["AfterContactWorkDuration"],
                               acw, delta=1)
        self.assertEqual(rev["Agent"]["AgentInteractionDuration"],
                         rec["Agent"]["AgentInteractionDuration"])
        self.assertEqual(rev["Attributes"], rec["Attributes"])

        # again, and the agent clears ACW early
        caller = self.call(SALES, "caller2")
        phone.wait_event("CALL_ESTABLISHED", 15)
        self.wait_state("agent1", "OnContact")
        phone.hangup()
        a = self.wait_state("agent1", "AfterContactWork", 10)
        code, body = self.d.http("POST", "/v1/agents/agent1/clear")
        self.assertEqual(code, 200, body)
        b = self.agent("agent1")
        self.assertEqual(b["state"], "Available")
        self.assertLess((iso_ms(b["state_since"]) -
                         iso_ms(a["state_since"])) / 1000, acw)
        self.assertEqual(self.record_of("caller2")["DisconnectReason"],
                         "AGENT_DISCONNECT")
        rev = self.acw_revision_of("caller2")
        self.assertLess(rev["Agent"]["AfterContactWorkDuration"], acw)
        code, body = self.d.http("POST", "/v1/agents/agent1/clear")
        self.assertEqual(code, 409, body)
        # one record per contact in the file's reading and over the API
        lines = [r for r in self.d.record_lines()
                 if r["CustomerEndpoint"]["Address"] in ("caller1",
                                                         "caller2")]
        self.assertEqual(len(lines), 4)
        code, body = self.d.http("GET", "/v1/contact-records/" +
                                 rev["ContactId"])
        self.assertEqual(code, 200, body)
        self.assertEqual(body["Agent"]["AfterContactWorkEndTimestamp"],
                         rev["Agent"]["AfterContactWorkEndTimestamp"])

    def test_no_acw_is_in_the_first_record(self):
        self.start_daemon(
            [{"name": "Sales", "hours": "Always"}],
            [profile("Sales", [("Sales", 1, 0)], acw=0)],
            agents(("agent1", "Sales")))
        phone = self.start_agent("agent1")
        caller = self.call(SALES, "caller1")
        phone.wait_event("CALL_ESTABLISHED", 15)
        self.wait_state("agent1", "OnContact")
        caller.hangup()
        rec = self.record_of("caller1")
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        agent = rec["Agent"]
        self.assertEqual(agent["AfterContactWorkDuration"], 0)
        self.assertLess(iso_ms(agent["AfterContactWorkEndTimestamp"]) -
                        iso_ms(agent["AfterContactWorkStartTimestamp"]),
                        1000)
        self.wait_state("agent1", "Available")
        self.assertEqual(len([r for r in self.d.record_lines()
                              if r["ContactId"] == rec["ContactId"]]), 1)


if __name__ == "__main__":
    unittest.main()
