"""Callbacks end to end: a SIPp caller (+15551230000) waits in Sales,
presses 1 in the customer queue flow, hears the promise and is hung up
on; the CALLBACK contact waits in the queue with no caller (listed by the
API). A baresip agent becomes Available: its phone rings and answers,
then the daemon dials the customer on the outbound trunk (a SIPp UAS that
checks the number and the caller ID). Answered: the agent hears the
customer's audio, hangs up, and the two records are linked. Busy twice:
the agent is released after each attempt, the callback is retried once,
then given up with a record saying so."""
import time
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, Sipp, wait_for

FLOWS = [cfd.data("e2e", "callback-flows", f) for f in
         ("inbound.json", "queue.json")]
NUMBER = "+18005550100"
CUSTOMER = "+15551230000"
CALLER_ID = "+18005550199"

CONFIG = {
    "queues": [{"name": "Sales"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "after_contact_work_seconds": 1,
                          "ring_timeout_seconds": 15}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "first_name": "Ada", "routing_profile": "Sales profile"}],
}


class Callback(unittest.TestCase):

    def setUp(self):
        self.peers = []
        self.sipps = []
        self.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E Callback Inbound"},
                        config=CONFIG)

    def tearDown(self):
        for s in self.sipps:
            s.kill()
            if getattr(s, "out", None) and not s.out.closed:
                s.out.close()
        for p in self.peers:
            p.stop()
            p.cleanup()
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0)
        self.assertNotIn("ERROR: AddressSanitizer", log)

    def start(self, uas_scenario, attempts, allowed="^\\+1555"):
        """The customer's UAS on the outbound trunk, then the daemon."""
        uas = Sipp(self.d, uas_scenario, "customer", calls=attempts,
                   timeout=90)
        self.sipps.append(uas)
        self.d.config["outbound"] = {
            "trunk": {"address": "127.0.0.1:%d" % uas.port},
            "caller_id": CALLER_ID,
            "allowed_patterns": [allowed],
        }
        self.d.write_config()
        uas.start()
        self.d.start()
        return uas

    def agent_state(self):
        code, a = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(code, 200)
        return a

    def start_agent(self):
        agent = Baresip(self.d.dir, "agent1", register_to=self.d.sip_port,
                        password="s3cret-One")
        self.peers.append(agent)
        agent.start()
        wait_for(lambda: self.agent_state()["device"], 15, "agent device")
        return agent

    def available(self):
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)

    def request_callback(self):
        """The caller asks for a callback; returns (its record, the
        callback contact as the API lists it)."""
        caller = Sipp(self.d, "uac_callback_request.xml", NUMBER)
        self.sipps.append(caller)
        caller.start()
        # InitialCallDelaySeconds (2): scheduled first, queued after
        self.d.wait_log("callback to %s" % CUSTOMER, 20)
        t0 = time.monotonic()
        self.d.wait_log("callback queued in Sales", 20)
        self.assertGreaterEqual(time.monotonic() - t0, 1.5)
        self.assertEqual(caller.wait(), 0, caller.errors())
        orig = self.d.wait_records(1)[0]
        self.assertEqual(orig["InitiationMethod"], "INBOUND")
        self.assertEqual(orig["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertEqual(orig["Queue"]["Name"], "Sales")
        self.assertEqual(orig["CustomerEndpoint"]["Address"], CUSTOMER)

        # the callback waits with no caller: listed, queued in Sales
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(code, 200)
        self.assertEqual(len(body["contacts"]), 1, body)
        cb = body["contacts"][0]
        self.assertEqual(cb["state"], "Queued")
        self.assertEqual(cb["caller"], CUSTOMER)
        self.assertEqual(cb["queue"], "Sales")
        self.assertEqual(orig["NextContactId"], cb["ContactId"])
        self.assertNotEqual(cb["ContactId"], orig["ContactId"])
        return orig, cb

    def check_linked(self, orig, rec, cb):
        self.assertEqual(rec["ContactId"], cb["ContactId"])
        self.assertEqual(rec["InitiationMethod"], "CALLBACK")
        self.assertEqual(rec["PreviousContactId"], orig["ContactId"])
        self.assertEqual(rec["InitialContactId"], orig["InitialContactId"])
        self.assertEqual(rec["CustomerEndpoint"]["Address"], CUSTOMER)
        self.assertEqual(rec["Queue"]["Name"], "Sales")

    def test_agent_first_then_customer_bridged(self):
        uas = self.start("uas_callback_answer.xml", 1)
        agent = self.start_agent()
        orig, cb = self.request_callback()

        self.available()
        agent.wait_event("CALL_ESTABLISHED", 20)
        self.d.wait_log("customer and agent joined", 20)
        self.assertIn("callback dialling sip:%s@127.0.0.1:%d" %
                      (CUSTOMER, uas.port), self.d.log())

        # the agent hears the customer's recording over the bridge
        def heard():
            span = agent.received().span()
            return span and span[1] - span[0] >= 2.0
        wait_for(heard, 20, "2 s of the customer's audio at the agent")

        agent.hangup()
        agent.wait_event("CALL_CLOSED", 15)
        self.assertEqual(uas.wait(30), 0, uas.errors())

        recs = self.d.wait_records(2)
        self.assertEqual(len(recs), 2)
        rec = recs[1]
        self.check_linked(orig, rec, cb)
        self.assertEqual(rec["DisconnectReason"], "AGENT_DISCONNECT")
        self.assertEqual(rec["Agent"]["Username"], "agent1")
        self.assertIsNotNone(rec["Agent"]["ConnectedToAgentTimestamp"])
        self.assertIsNotNone(rec["ConnectedToSystemTimestamp"])
        self.assertEqual(rec["AgentConnectionAttempts"], 1)
        self.assertNotIn("Failure", rec)
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(body["contacts"], [])

    def test_customer_busy_retried_then_given_up(self):
        uas = self.start("uas_callback_busy.xml", 2)
        agent = self.start_agent()
        orig, cb = self.request_callback()

        self.available()
        # each attempt rings the agent first; the busy customer ends it
        for _ in range(2):
            agent.wait_event("CALL_ESTABLISHED", 20)
            agent.wait_event("CALL_CLOSED", 20)
        self.assertEqual(uas.wait(30), 0, uas.errors())

        recs = self.d.wait_records(2)
        self.assertEqual(len(recs), 2)
        rec = recs[1]
        self.check_linked(orig, rec, cb)
        self.assertEqual(rec["DisconnectReason"], "OTHER")
        self.assertIn("customer did not answer (486) after 2 of 2 attempts",
                      rec["Failure"]["Reason"])
        self.assertEqual(rec["AgentConnectionAttempts"], 2)
        self.assertIn("callback attempt 1 of 2", self.d.log())
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(body["contacts"], [])
        # the agent was released each time: back to Available
        wait_for(lambda: self.agent_state()["state"] == "Available", 10,
                 "agent Available again")

    def test_number_not_allowed_no_callback(self):
        # the toll-fraud guard: only +44 may be dialled
        uas = self.start("uas_callback_answer.xml", 1, allowed="^\\+44")
        caller = Sipp(self.d, "uac_callback_request.xml", NUMBER)
        self.sipps.append(caller)
        self.assertEqual(caller.run(), 0, caller.errors())
        rec = self.d.wait_records(1)[0]
        self.assertEqual(rec["InitiationMethod"], "INBOUND")
        # the flow took CreateCallbackContact's error branch and hung up
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertIsNone(rec.get("NextContactId"))
        self.assertIn("callback to %s refused: number not allowed" %
                      CUSTOMER, self.d.log())
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(body["contacts"], [])
        self.assertEqual(len(self.d.records()), 1)
        # the customer's trunk was never dialled
        self.assertIsNone(uas.proc.poll())
        self.assertNotIn("callback dialling", self.d.log())


if __name__ == "__main__":
    unittest.main()
