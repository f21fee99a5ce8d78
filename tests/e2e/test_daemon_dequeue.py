"""The customer queue flow reads live queue metrics and moves the caller:
a caller waits in Sales, where nobody serves; its queue flow reads Support's
metrics (GetMetricData, then CheckMetricData NumberOfAgentsAvailable) and,
once an agent is available there, DequeueContactAndTransferToQueue moves
it to Support as a new segment (QUEUE_TRANSFER) that the agent answers."""
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, Sipp, wait_for

FLOWS = [cfd.data("e2e", "dequeue-flows", f) for f in
         ("inbound.json", "sales_queue.json", "support_queue.json")]
NUMBER = "+18005550188"

CONFIG = {
    "queues": [{"name": "Sales", "queue_flow": "Sales queue flow"},
               {"name": "Support", "queue_flow": "Support queue flow"}],
    "routing_profiles": [{"name": "Support only",
                          "queues": [{"queue": "Support", "priority": 1}],
                          "after_contact_work_seconds": 1}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "routing_profile": "Support only"}],
}


class Dequeue(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E Sales first"},
                        config=CONFIG)
        self.d.start()
        self.agent = None

    def tearDown(self):
        if self.agent:
            self.agent.stop()
            self.agent.cleanup()
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0)

    def test_queue_flow_moves_caller_to_where_an_agent_is(self):
        sipp = Sipp(self.d, "uac_until_bye.xml", NUMBER[1:]).start()
        try:
            # waiting in Sales: nobody there, Support has no one free yet
            self.d.wait_log("queued in Sales")
            code, c = self.d.http("GET", "/v1/contacts")
            self.assertEqual(c["contacts"][0]["queue"], "Sales")

            self.agent = Baresip(self.d.dir, "agent1",
                                 register_to=self.d.sip_port,
                                 password="s3cret-One")
            self.agent.start()
            wait_for(lambda: self.d.http("GET", "/v1/agents/agent1")[1]
                     ["device"], 15, "agent device")
            code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                                  {"status": "Available"})
            self.assertEqual(code, 200, a)

            # the queue flow sees it on its next round and moves the caller
            self.agent.wait_event("CALL_ESTABLISHED", 30)
            self.d.wait_log("customer and agent joined")
            self.agent.hangup()
            self.assertEqual(sipp.wait(60), 0, sipp.errors())
        finally:
            sipp.kill()

        recs = self.d.wait_records(2)
        first = [r for r in recs if r["InitiationMethod"] == "INBOUND"][0]
        second = [r for r in recs
                  if r["InitiationMethod"] == "QUEUE_TRANSFER"][0]
        self.assertEqual(first["Queue"]["Name"], "Sales")
        self.assertEqual(first["NextContactId"], second["ContactId"])
        self.assertEqual(first["Attributes"]["SupportAvailable"], "1")
        self.assertEqual(first["Attributes"]["SupportQueue"], "Support")
        self.assertNotIn("Agent", first)
        self.assertEqual(second["PreviousContactId"], first["ContactId"])
        self.assertEqual(second["InitialContactId"], first["ContactId"])
        self.assertEqual(second["Queue"]["Name"], "Support")
        self.assertEqual(second["Agent"]["Username"], "agent1")
        self.assertEqual(second["DisconnectReason"], "AGENT_DISCONNECT")
        # attributes carry over to the next segment
        self.assertEqual(second["Attributes"]["SupportAvailable"], "1")


if __name__ == "__main__":
    unittest.main()
