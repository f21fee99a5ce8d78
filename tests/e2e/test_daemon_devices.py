"""An agent with several registered devices is offered contacts on the
newest one: two softphones (raw sockets here) register as agent1, a caller
is queued, and the daemon's INVITE reaches the device that registered
last; when that device unregisters, the next offer goes to the other."""
import socket
import unittest

import cfd
from daemon import Daemon, Sipp, wait_for
from test_daemon_registrar import Client

FLOWS = [cfd.data("e2e", "agent-flows", "inbound.json")]
NUMBER = "+18005550100"
CONFIG = {
    "queues": [{"name": "Sales"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "ring_timeout_seconds": 30}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "routing_profile": "Sales profile"}],
}


def invite_on(client, timeout=20):
    """The first INVITE that reaches a Client's socket (request line)."""
    client.s.settimeout(timeout)
    while True:
        data = client.s.recvfrom(65535)[0].decode(errors="replace")
        if data.startswith("INVITE "):
            return data


class Devices(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E To Sales"},
                        config=CONFIG)
        self.d.start()
        self.old, self.new = Client(self.d.sip_port), Client(self.d.sip_port)
        self.calls = []

    def tearDown(self):
        for s in self.calls:
            s.kill()
        self.old.close()
        self.new.close()
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0)

    def call(self):
        s = Sipp(self.d, "uac_until_bye.xml", NUMBER[1:]).start()
        self.calls.append(s)
        return s

    def test_newest_device_rings(self):
        self.assertEqual(self.old.login("agent1", "s3cret-One")[0], 200)
        status, text = self.new.login("agent1", "s3cret-One")
        self.assertEqual(status, 200)
        self.assertEqual(text.count("Contact:"), 2)   # both bindings
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)

        self.call()
        inv = invite_on(self.new)
        self.assertIn("sip:agent1@127.0.0.1:%d" % self.new.lport,
                      inv.split("\r\n")[0])
        self.assertIn("X-Callflowd-Queue: Sales", inv)

        # the newest device goes away while ringing: the offer is
        # withdrawn without a miss, and rung again on the other device
        self.assertEqual(self.new.login("agent1", "s3cret-One",
                                        expires=0)[0], 200)
        inv = invite_on(self.old)
        self.assertIn("sip:agent1@127.0.0.1:%d" % self.old.lport,
                      inv.split("\r\n")[0])
        code, a = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(a["misses"], 0)
        self.assertEqual(a["state"], "Incoming")


if __name__ == "__main__":
    unittest.main()
