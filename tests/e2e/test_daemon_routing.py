"""A caller reaches an agent, end to end with real softphones: a baresip
agent registers with the daemon and is made Available over the API; a
baresip caller dials, the inbound flow queues it in Sales, the daemon
rings the agent, both whispers play, then the two are joined: the agent
hears the caller's tone and the caller the agent's. The caller hangs up:
the record names the agent and the queue, the agent goes through
after-contact work back to Available. Also: nobody available (the queue
flow plays until the caller gives up: abandoned)."""
import os
import subprocess
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, wait_for

FLOWS = [cfd.data("e2e", "agent-flows", f) for f in
         ("inbound.json", "queue.json", "agent_whisper.json",
          "customer_whisper.json")]
NUMBER = "+18005550100"

CONFIG = {
    "queues": [{"name": "Sales"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "after_contact_work_seconds": 2,
                          "ring_timeout_seconds": 15}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "first_name": "Ada", "routing_profile": "Sales profile"}],
}


def rough_frequency(path, start, length):
    """sox's rough frequency (Hz) of a stretch of a recording."""
    p = subprocess.run(["sox", path, "-n", "trim", str(start), str(length),
                        "stat"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=30)
    for line in p.stderr.splitlines():
        if line.startswith("Rough   frequency:"):
            return int(line.split(":")[1])
    raise AssertionError("no frequency from sox: " + p.stderr)


def heard_tones(rec, step=0.25):
    """The known tones (Hz) heard in a recording, in order of first
    appearance, from sox's rough frequency of each quarter second."""
    known = (440, 800, 1200, 1500)
    span = rec.span()
    found = []
    if span is None:
        return found
    t = span[0]
    while t + step <= span[1]:
        f = rough_frequency(rec.path, t, step)
        for k in known:
            if abs(f - k) < k * 0.06 and k not in found:
                found.append(k)
        t += step
    return found


def tone(path, hz, seconds):
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", path,
                    "synth", str(seconds), "sine", str(hz), "vol", "0.5"],
                   check=True, timeout=30)


class Routing(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E To Sales"},
                        config=CONFIG)
        # the whispers are tones, so each can be found in a recording
        prompts = []
        for name, hz in (("agent-whisper", 1500),
                         ("customer-whisper", 1200)):
            path = os.path.join(self.d.dir, name + ".wav")
            tone(path, hz, 1.0)
            prompts.append({"name": name, "path": path})
        self.d.config["prompts"] = prompts
        self.d.write_config()
        self.d.start()
        self.phones = []

    def tearDown(self):
        for p in self.phones:
            p.stop()
            p.cleanup()
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0)
        self.assertNotIn("ERROR: AddressSanitizer", log)

    def agent_state(self):
        code, a = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(code, 200)
        return a

    def start_agent(self):
        agent = Baresip(self.d.dir, "agent1", register_to=self.d.sip_port,
                        password="s3cret-One")
        self.phones.append(agent)
        agent.start()
        # it registers at start, maybe before ctrl_tcp is connected: the
        # daemon's view is what counts
        wait_for(lambda: self.agent_state()["device"], 15, "agent device")
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)
        self.assertTrue(a["routable"])
        return agent

    def start_caller(self, seconds):
        wav = os.path.join(self.d.dir, "caller-800.wav")
        tone(wav, 800, seconds)
        caller = Baresip(self.d.dir, "caller", audio_source=wav)
        self.phones.append(caller)
        caller.start()
        caller.dial("sip:%s@127.0.0.1:%d" % (NUMBER, self.d.sip_port))
        return caller

    def test_caller_reaches_agent_and_both_hear(self):
        agent = self.start_agent()
        caller = self.start_caller(12)   # aufile hangs up at its end

        caller.wait_event("CALL_ESTABLISHED", 15)
        agent.wait_event("CALL_ESTABLISHED", 20)
        wait_for(lambda: self.agent_state()["state"] == "OnContact", 10,
                 "agent on contact")
        self.assertIsNotNone(self.agent_state()["contact"])
        self.d.wait_log("customer and agent joined", 20)

        caller.wait_event("CALL_CLOSED", 30)   # the caller's file ended
        agent.wait_event("CALL_CLOSED", 15)

        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(rec["Queue"]["Name"], "Sales")
        self.assertEqual(rec["Agent"]["Username"], "agent1")
        self.assertIsNotNone(rec["Agent"]["ConnectedToAgentTimestamp"])
        self.assertEqual(rec["AgentConnectionAttempts"], 1)
        # the caller's file is 12 s: most of it was talk with the agent
        self.assertGreater(rec["Agent"]["AgentInteractionDuration"], 5)
        self.assertEqual(rec["Agent"]["AfterContactWorkStartTimestamp"],
                         rec["DisconnectTimestamp"])

        # the agent heard its whisper (1500 Hz), then the caller (800 Hz)
        heard = agent.received()
        tones = heard_tones(heard)
        self.assertIn(1500, tones, "agent heard %s" % tones)
        self.assertIn(800, tones, "agent heard %s" % tones)
        self.assertLess(tones.index(1500), tones.index(800))
        # the caller heard its whisper (1200 Hz), then the agent (440 Hz)
        tones = heard_tones(caller.received())
        self.assertIn(1200, tones, "caller heard %s" % tones)
        self.assertIn(440, tones, "caller heard %s" % tones)
        self.assertLess(tones.index(1200), tones.index(440))

        # after-contact work, then Available again
        wait_for(lambda: self.agent_state()["state"] == "AfterContactWork",
                 10, "ACW")
        wait_for(lambda: self.agent_state()["state"] == "Available", 10,
                 "Available after ACW")

    def test_nobody_available_abandoned(self):
        caller = self.start_caller(6)
        caller.wait_event("CALL_ESTABLISHED", 15)
        self.d.wait_log("queued in Sales")
        # the customer queue flow plays to the waiting caller
        wait_for(lambda: caller.received().audio_started(), 15,
                 "queue prompt heard")
        caller.wait_event("CALL_CLOSED", 20)
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Queue"]["Name"], "Sales")
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertNotIn("Agent", rec)
        self.assertEqual(rec["AgentConnectionAttempts"], 0)


if __name__ == "__main__":
    unittest.main()
