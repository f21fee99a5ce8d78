"""What real Connect exports do on live calls (issue 17), end to end.

- Type-ahead: a flow turns the touchtone buffer on; a key the caller
  presses (RFC 4733 from SIPp, or SIP INFO) during a welcome prompt
  marked SkipWhenDTMFBufferEnabled cuts the prompt short and answers the
  menu that follows; without a key the menu times out.
- Routing criteria: a contact whose criteria ask for French at level 4
  goes to the French agent, not to the English one who has waited
  longer; with only the English agent there it waits, and giving him
  French over the API routes it to him at once.
- Queue position and estimated wait reach the customer queue flow
  ($.Metrics.Contact.PositionInQueue / EstimatedWaitTime).
- A customer queue hook with DisableExecution runs no queue flow.
- A number mapped to a flow module is refused, with a clear log line.
"""
import unittest

import cfd
from daemon import Daemon, Sipp, sip_invite, wait_for
from sipua import RtpPhone, SipUa, sdp_media

FLOWS = [cfd.data("e2e", "connect-calls", f) for f in
         ("typeahead.json", "criteria.json", "queue.json",
          "no_queue_flow.json", "metrics_queue.json")]
MODULE = cfd.data("e2e", "module-flows", "greeting_module.json")
TYPEAHEAD, CRITERIA, QUEUE, NO_QFLOW, TO_MODULE = (
    "+18005550171", "+18005550172", "+18005550173", "+18005550174",
    "+18005550175")
NUMBERS = {TYPEAHEAD: "E2E Typeahead", CRITERIA: "E2E Criteria",
           QUEUE: "E2E Connect To Sales", NO_QFLOW: "E2E No Queue Flow",
           TO_MODULE: "E2E Greeting module"}


def rms(samples):
    return (sum(x * x for x in samples) / len(samples)) ** 0.5 \
        if samples else 0.0


def french(level):
    return {"name": "Language", "value": "French", "level": level}


def english(level):
    return {"name": "Language", "value": "English", "level": level}


class ConnectCalls(unittest.TestCase):

    def setUp(self):
        self.d = None
        self.stoppers = []

    def tearDown(self):
        for s in reversed(self.stoppers):
            s()
        if self.d is None:
            return
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0, log[-3000:])
        self.assertNotIn("ERROR: AddressSanitizer", log)
        self.assertNotIn("LeakSanitizer", log)

    def ua(self, user):
        u = SipUa(user)
        self.stoppers.append(u.stop)
        return u

    def phone(self, hz=800):
        p = RtpPhone(hz)
        self.stoppers.append(p.stop)
        return p

    def daemon(self, agents=()):
        config = {
            "queues": [{"name": "Sales",
                        "queue_flow": "E2E Metrics Queue Flow"}],
            "routing_profiles": [{"name": "Sales profile",
                                  "queues": [{"queue": "Sales",
                                              "priority": 1}],
                                  "after_contact_work_seconds": 1,
                                  "ring_timeout_seconds": 30}],
            "agents": [dict({"routing_profile": "Sales profile"}, **a)
                       for a in agents],
        }
        flows = FLOWS + [MODULE]
        self.d = Daemon(flows=flows, config=config, numbers=NUMBERS)
        self.d.start()
        return self.d

    def available(self, user):
        code, body = self.d.http("PUT", "/v1/agents/%s/status" % user,
                                 {"status": "Available"})
        self.assertEqual(code, 200, body)

    def call(self, number):
        ua, ph = self.ua("caller"), self.phone()
        resp = ua.call(self.d.sip_port, number, ph.port)
        addr, port, _ = sdp_media(resp.body)
        ph.set_remote((addr, port))
        return ua, ph

    def contacts(self):
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(code, 200)
        out = []
        for c in body["contacts"]:
            code, one = self.d.http("GET", "/v1/contacts/%s" %
                                    c["ContactId"])
            if code == 200:
                out.append(one)
        return out

    def one_contact(self, pred, what):
        found = []

        def check():
            found[:] = [c for c in self.contacts() if pred(c)]
            return len(found) == 1
        wait_for(check, 20, what)
        return found[0]

    # -- type-ahead --

    def test_key_during_a_skippable_prompt_answers_the_menu(self):
        self.daemon()
        caller, cph = self.call(TYPEAHEAD)
        # the welcome prompt is playing: the key goes to the buffer,
        # ends the prompt, and the menu takes it without waiting
        wait_for(lambda: rms(cph.recent(0.2)) > 300, 20,
                 "the caller hearing the welcome prompt")
        caller.info_dtmf("1")
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Attributes"].get("Choice"), "balances", rec)
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT",
                         rec)

    def test_rfc4733_keys_during_a_skippable_prompt(self):
        # SIPp sends key 1 as an RFC 4733 event while the welcome
        # prompt plays; the 1 answers the menu, the daemon hangs up
        self.daemon()
        sipp = Sipp(self.d, "uac_typeahead.xml", TYPEAHEAD[1:])
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + self.d.log()[-3000:])
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Attributes"].get("Choice"), "balances", rec)

    def test_without_a_key_the_menu_times_out(self):
        # the control: the same flow, no key, takes the timeout branch
        self.daemon()
        self.call(TYPEAHEAD)
        rec = self.d.wait_records(1, timeout=60)[-1]
        self.assertEqual(rec["Attributes"].get("Choice"), "timeout", rec)

    # -- routing criteria and proficiencies --

    def test_criteria_pick_the_proficient_agent(self):
        bob, alice = self.ua("bob"), self.ua("alice")
        self.daemon(agents=[
            {"username": "bob", "contact": bob.uri,
             "proficiencies": [english(5)]},
            {"username": "alice", "contact": alice.uri,
             "proficiencies": [french(4), english(2)]}])
        # bob has waited longest: without criteria he would be offered
        self.available("bob")
        self.available("alice")
        caller, cph = self.call(CRITERIA)

        aph = self.phone(440)
        inv = alice.answer(aph.port, timeout=20)
        addr, port, _ = sdp_media(inv.body)
        aph.set_remote((addr, port))
        cph.wait_hears(440, what="the caller hearing alice")
        code, bob_now = self.d.http("GET", "/v1/agents/bob")
        self.assertEqual(code, 200)
        self.assertEqual(bob_now["state"], "Available", bob_now)
        caller.bye()
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Agent"]["Username"], "alice", rec)

    def test_waiting_contact_routes_when_an_agent_gains_the_skill(self):
        bob = self.ua("bob")
        self.daemon(agents=[{"username": "bob", "contact": bob.uri,
                             "proficiencies": [english(5)]}])
        self.available("bob")
        caller, cph = self.call(CRITERIA)
        # routing ran at the enqueue and found nobody for step 1
        c = self.one_contact(lambda c: c["phase"] == "Queued",
                             "the contact waiting in Sales")
        self.assertEqual(c["queue"], "Sales", c)
        code, bob_now = self.d.http("GET", "/v1/agents/bob")
        self.assertEqual(bob_now["state"], "Available", bob_now)

        # a level outside 1..5 changes nothing
        code, body = self.d.http("PUT", "/v1/agents/bob/proficiencies",
                                 {"proficiencies": [french(9)]})
        self.assertEqual(code, 400, body)
        code, body = self.d.http("PUT", "/v1/agents/bob/proficiencies",
                                 {"proficiencies": "French"})
        self.assertEqual(code, 400, body)
        code, body = self.d.http("GET", "/v1/agents/bob/proficiencies")
        self.assertEqual(code, 200)
        self.assertEqual(body["proficiencies"], [english(5)], body)

        code, body = self.d.http("PUT", "/v1/agents/bob/proficiencies",
                                 {"proficiencies": [english(5),
                                                    french(4)]})
        self.assertEqual(code, 200, body)
        self.assertEqual(len(body["proficiencies"]), 2, body)
        bph = self.phone(440)
        inv = bob.answer(bph.port, timeout=20)
        addr, port, _ = sdp_media(inv.body)
        bph.set_remote((addr, port))
        cph.wait_hears(440, what="the caller hearing bob")
        caller.bye()
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Agent"]["Username"], "bob", rec)

        code, _ = self.d.http("GET", "/v1/agents/nobody/proficiencies")
        self.assertEqual(code, 404)

    # -- position and estimated wait in the customer queue flow --

    def test_queue_flow_reads_position_and_wait(self):
        self.daemon(agents=[{"username": "bob"}])    # offline
        first, _ = self.call(QUEUE)
        self.one_contact(lambda c: c["attributes"].get("QueueFlowRan"),
                         "the first caller's queue flow")
        second, _ = self.call(QUEUE)
        wait_for(lambda: sum(1 for c in self.contacts()
                             if c["attributes"].get("QueueFlowRan")) == 2,
                 20, "both queue flows")
        attrs = sorted((c["attributes"] for c in self.contacts()),
                       key=lambda a: a["Position"])
        self.assertEqual([a["Position"] for a in attrs], ["1", "2"], attrs)
        # no agent serves the queue: no estimate, the reference is empty
        self.assertEqual([a.get("Ewt", "") for a in attrs], ["", ""],
                         attrs)
        first.bye()
        second.bye()
        self.d.wait_records(2)

    def test_a_ringing_contact_has_no_wait_left(self):
        bob = self.ua("bob")
        self.daemon(agents=[{"username": "bob", "contact": bob.uri}])
        self.available("bob")
        caller, _ = self.call(QUEUE)
        bob.wait_request("INVITE", 20)     # ringing, never answered
        c = self.one_contact(lambda c: c["attributes"].get("QueueFlowRan"),
                             "the queue flow")
        self.assertEqual(c["attributes"].get("Position"), "1", c)
        self.assertEqual(c["attributes"].get("Ewt"), "0", c)
        caller.bye()
        self.d.wait_records(1)

    # -- hooks --

    def test_disabled_queue_hook_runs_no_queue_flow(self):
        self.daemon(agents=[{"username": "bob"}])
        caller, _ = self.call(NO_QFLOW)
        self.d.wait_log("customer queue flow disabled")
        control, _ = self.call(QUEUE)
        self.one_contact(lambda c: c["attributes"].get("QueueFlowRan"),
                         "the control's queue flow")
        caller.bye()
        control.bye()
        recs = self.d.wait_records(2)
        by_flow = {r["Attributes"].get("QueueFlowRan"): r for r in recs}
        self.assertIn("yes", by_flow, recs)
        self.assertIn(None, by_flow, recs)
        self.assertEqual(by_flow[None]["Queue"]["Name"], "Sales", recs)

    # -- a module is not an entry point --

    def test_number_mapped_to_a_module_is_refused(self):
        self.daemon()
        resp = sip_invite(self.d.sip_port, TO_MODULE[1:])
        self.assertEqual(resp[-1][0], 500, resp)
        self.d.wait_log("a flow module, which cannot answer a call")
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Channel"], "VOICE", rec)


if __name__ == "__main__":
    unittest.main()
