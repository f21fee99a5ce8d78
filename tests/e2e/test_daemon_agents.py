"""Agents over the API with a registering softphone: the agent list,
device up on REGISTER and down on unregister, status changes (Available,
a custom status), errors for unknown agents and statuses."""
import unittest

from daemon import Daemon, wait_for
from test_daemon_registrar import Client

CONFIG = {
    "queues": [{"name": "Sales"}],
    "agent_statuses": [{"name": "Lunch", "type": "CUSTOM"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "after_contact_work_seconds": 5}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "first_name": "Ada", "last_name": "Lovelace",
                "routing_profile": "Sales profile"}],
}


class Agents(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(config=CONFIG)
        self.d.start()

    def tearDown(self):
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0)

    def agent(self):
        code, body = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(code, 200)
        return body

    def test_list_and_one(self):
        code, body = self.d.http("GET", "/v1/agents")
        self.assertEqual(code, 200)
        self.assertEqual([a["username"] for a in body["agents"]],
                         ["agent1"])
        a = self.agent()
        self.assertEqual(a["first_name"], "Ada")
        self.assertEqual(a["status"], "Offline")
        self.assertEqual(a["routing_profile"], "Sales profile")
        self.assertFalse(a["device"])
        self.assertFalse(a["routable"])
        self.assertIsNone(a["contact"])
        code, body = self.d.http("GET", "/v1/agents/nobody")
        self.assertEqual(code, 404)
        self.assertIn("error", body)

    def test_register_then_available(self):
        c = Client(self.d.sip_port)
        try:
            status, _ = c.login("agent1", "s3cret-One")
            self.assertEqual(status, 200)
            wait_for(lambda: self.agent()["device"], 5, "device up")

            code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                                  {"status": "Available"})
            self.assertEqual(code, 200, a)
            self.assertEqual(a["status"], "Available")
            self.assertTrue(a["routable"])

            code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                                  {"status": "Lunch"})
            self.assertEqual(code, 200)
            self.assertEqual(a["status_type"], "CUSTOM")
            self.assertFalse(a["routable"])

            # unregistering takes the device away
            status, _ = c.login("agent1", "s3cret-One", expires=0)
            self.assertEqual(status, 200)
            wait_for(lambda: not self.agent()["device"], 5, "device down")
        finally:
            c.close()

    def test_bad_requests(self):
        code, body = self.d.http("PUT", "/v1/agents/agent1/status",
                                 {"status": "Sleeping"})
        self.assertEqual(code, 400)
        code, body = self.d.http("PUT", "/v1/agents/agent1/status", {})
        self.assertEqual(code, 400)
        code, body = self.d.http("POST", "/v1/agents/agent1/clear")
        self.assertEqual(code, 409)
        code, body = self.d.http("DELETE", "/v1/agents")
        self.assertEqual(code, 405)


if __name__ == "__main__":
    unittest.main()
