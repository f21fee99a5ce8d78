"""Hold, resume and the disconnect flow, end to end with real softphones.

A baresip agent registers and is made Available; a baresip caller (an
800 Hz tone) dials, is queued in Sales and joined to the agent (a 440 Hz
tone). Every prompt is a tone, so what each side hears can be told apart:
customer hold flow 1200 Hz, agent hold flow 1500 Hz, agent whisper
1000 Hz, the disconnect flow's survey 600 Hz.

- The API holds the contact: the caller hears the customer hold flow and
  the agent the agent hold flow, the router says OnHold; resume joins them
  again (each hears the other). 404 unknown contact, 409 not connected.
- The agent's softphone holds (re-INVITE) and resumes: same on the
  customer's side. baresip 1.0.0 stops recording what it receives at its
  own hold, so the agent's side is checked through the daemon's state.
- An agent whisper flow holds the customer, talks to the agent, resumes
  (UpdatePreviousContactParticipantState through the hold op).
- The agent hangs up first: the CustomerRemaining flow runs on the
  caller's leg (an attribute, a survey tone) before the contact ends with
  AGENT_DISCONNECT.
The records count the holds (Agent.NumberOfHolds, CustomerHoldDuration,
LongestHoldDuration)."""
import os
import subprocess
import time
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, wait_for

NUMBER = "+18005550100"
BASE_FLOWS = ("inbound.json", "queue.json", "customer_hold.json",
              "agent_hold.json", "survey.json")
TONES = {"customer-hold": 1200, "agent-hold": 1500, "agent-whisper": 1000,
         "survey": 600}
CALLER_HZ, AGENT_HZ = 800, 440

CONFIG = {
    "queues": [{"name": "Sales"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "after_contact_work_seconds": 1,
                          "ring_timeout_seconds": 15}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "first_name": "Ada", "routing_profile": "Sales profile"}],
}


def tone(path, hz, seconds):
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", path,
                    "synth", str(seconds), "sine", str(hz), "vol", "0.5"],
                   check=True, timeout=30)


def tail_tone(rec, seconds=0.3):
    """(frequency by zero crossings, rms) of the last stretch received."""
    s, rate, chans = rec.pcm()
    n = int(rate * seconds)
    mono = s[::chans] if chans > 1 else s
    w = mono[-n:] if len(mono) >= n else []
    if not len(w):
        return 0, 0.0
    rms = (sum(x * x for x in w) / float(len(w))) ** 0.5
    crossings = sum(1 for i in range(1, len(w))
                    if (w[i - 1] < 0) != (w[i] < 0))
    return int(crossings / 2.0 / seconds), rms


def tones_in(rec, step=0.1):
    """The known tones heard in rec, in order of first appearance (steady
    for two windows of step seconds in a row)."""
    s, rate, chans = rec.pcm()
    mono = s[::chans] if chans > 1 else s
    n = int(rate * step)
    known = [CALLER_HZ, AGENT_HZ] + list(TONES.values())
    found, last = [], None
    for i in range(0, len(mono) - n + 1, n):
        w = mono[i:i + n]
        rms = (sum(x * x for x in w) / float(n)) ** 0.5
        c = sum(1 for j in range(1, n) if (w[j - 1] < 0) != (w[j] < 0))
        f = c / 2.0 / step
        k = next((k for k in known if rms > 1000 and abs(f - k) < k * 0.06),
                 None)
        if k is not None and k == last and k not in found:
            found.append(k)
        last = k
    return found


def hears(rec, hz):
    """True when the last stretch of rec is a loud tone of about hz."""
    f, rms = tail_tone(rec)
    return rms > 1000 and abs(f - hz) < hz * 0.06


class Hold(unittest.TestCase):

    def setUp(self):
        self.d = None
        self.phones = []

    def start_daemon(self, extra_flows=()):
        flows = [cfd.data("e2e", "hold-flows", f) for f in
                 BASE_FLOWS + tuple(extra_flows)]
        self.d = Daemon(flows=flows, numbers={NUMBER: "E2E Hold To Sales"},
                        config=CONFIG)
        prompts = []
        for name, hz in TONES.items():
            path = os.path.join(self.d.dir, name + ".wav")
            tone(path, hz, 1.0 if name != "survey" else 1.5)
            prompts.append({"name": name, "path": path})
        self.d.config["prompts"] = prompts
        self.d.write_config()
        self.d.start()

    def tearDown(self):
        for p in self.phones:
            p.stop()
            p.cleanup()
        if self.d is None:
            return
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0)
        self.assertNotIn("ERROR: AddressSanitizer", log)
        self.assertNotIn("LeakSanitizer", log)

    # -- helpers --

    def agent_state(self):
        code, a = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(code, 200)
        return a

    def start_agent(self, available=True):
        agent = Baresip(self.d.dir, "agent1", register_to=self.d.sip_port,
                        password="s3cret-One")
        self.phones.append(agent)
        agent.start()
        wait_for(lambda: self.agent_state()["device"], 15, "agent device")
        if available:
            self.make_available()
        return agent

    def make_available(self):
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)

    def start_caller(self, seconds=40):
        wav = os.path.join(self.d.dir, "caller-%d.wav" % CALLER_HZ)
        tone(wav, CALLER_HZ, seconds)
        caller = Baresip(self.d.dir, "caller", audio_source=wav)
        self.phones.append(caller)
        caller.start()
        caller.dial("sip:%s@127.0.0.1:%d" % (NUMBER, self.d.sip_port))
        caller.wait_event("CALL_ESTABLISHED", 15)
        return caller

    def contact_id(self):
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(code, 200)
        self.assertEqual(len(body["contacts"]), 1, body)
        return body["contacts"][0]["ContactId"]

    def contact(self, cid):
        code, c = self.d.http("GET", "/v1/contacts/" + cid)
        self.assertEqual(code, 200, c)
        return c

    def connect(self, agent):
        agent.wait_event("CALL_ESTABLISHED", 20)
        wait_for(lambda: self.agent_state()["state"] == "OnContact", 10,
                 "agent on contact")
        self.d.wait_log("customer and agent joined", 20)

    def wait_hears(self, phone, hz, what, timeout=10):
        rec = phone.received()
        wait_for(lambda: hears(rec, hz), timeout,
                 "%s hears %d Hz (last: %s)" % (what, hz, tail_tone(rec)),
                 interval=0.1)

    def check_holds(self, rec, n, min_s):
        ag = rec["Agent"]
        self.assertEqual(ag["Username"], "agent1")
        self.assertEqual(ag["NumberOfHolds"], n)
        self.assertGreaterEqual(ag["CustomerHoldDuration"], min_s)
        self.assertGreaterEqual(ag["LongestHoldDuration"], min_s)
        self.assertLessEqual(ag["LongestHoldDuration"],
                             ag["CustomerHoldDuration"])

    # -- tests --

    def test_api_hold_and_resume(self):
        self.start_daemon()
        agent = self.start_agent(available=False)
        caller = self.start_caller()
        self.d.wait_log("queued in Sales")
        cid = self.contact_id()

        # not connected yet: no hold; unknown contacts and methods
        code, body = self.d.http("POST", "/v1/contacts/%s/hold" % cid)
        self.assertEqual(code, 409, body)
        self.assertEqual(self.contact(cid)["state"], "Queued")
        self.assertEqual(self.d.http("POST", "/v1/contacts/nope/hold")[0],
                         404)
        self.assertEqual(self.d.http("GET", "/v1/contacts/nope")[0], 404)
        self.assertEqual(self.d.http("GET",
                                     "/v1/contacts/%s/hold" % cid)[0], 405)

        self.make_available()
        self.connect(agent)
        c = self.contact(cid)
        self.assertEqual(c["state"], "Connected")
        self.assertEqual(c["agent"]["username"], "agent1")
        self.assertEqual(c["queue"], "Sales")
        self.assertEqual(c["hold"], {"state": "None", "since": None,
                                     "holds": 0})
        self.wait_hears(caller, AGENT_HZ, "caller (bridged)")
        self.wait_hears(agent, CALLER_HZ, "agent (bridged)")

        held_at = time.monotonic()
        code, c = self.d.http("POST", "/v1/contacts/%s/hold" % cid)
        self.assertEqual(code, 200, c)
        self.assertEqual(c["hold"]["state"], "CustomerOnHold")
        self.assertIsNotNone(c["hold"]["since"])
        self.assertEqual(c["hold"]["holds"], 1)
        self.assertEqual(self.agent_state()["state"], "OnHold")
        # each hears its hold flow, not the other
        self.wait_hears(caller, TONES["customer-hold"], "caller on hold")
        self.wait_hears(agent, TONES["agent-hold"], "agent on hold")
        # holding again changes nothing
        code, c = self.d.http("POST", "/v1/contacts/%s/hold" % cid)
        self.assertEqual(code, 200, c)
        self.assertEqual(c["hold"]["holds"], 1)
        wait_for(lambda: time.monotonic() - held_at > 2.0, 5, "2 s held",
                 interval=0.1)

        code, c = self.d.http("POST", "/v1/contacts/%s/resume" % cid)
        self.assertEqual(code, 200, c)
        self.assertEqual(c["hold"]["state"], "None")
        self.assertEqual(self.agent_state()["state"], "OnContact")
        self.d.wait_log("customer and agent joined again", 5)
        self.wait_hears(caller, AGENT_HZ, "caller after resume")
        self.wait_hears(agent, CALLER_HZ, "agent after resume")

        caller.hangup()
        agent.wait_event("CALL_CLOSED", 15)
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.check_holds(rec, 1, 2)
        self.assertNotIn("survey", rec["Attributes"])

    def test_softphone_hold_and_resume(self):
        self.start_daemon()
        agent = self.start_agent()
        caller = self.start_caller()
        self.connect(agent)
        cid = self.contact_id()
        self.wait_hears(caller, AGENT_HZ, "caller (bridged)")

        r = agent.command("hold")
        self.assertTrue(r.get("ok"), r)
        self.d.wait_log("agent holds the call", 10)
        wait_for(lambda: self.agent_state()["state"] == "OnHold", 10,
                 "router: agent OnHold")
        self.assertEqual(self.contact(cid)["hold"]["state"],
                         "CustomerOnHold")
        # the customer (not holding) hears the customer hold flow
        self.wait_hears(caller, TONES["customer-hold"], "caller on hold")

        r = agent.command("resume")
        self.assertTrue(r.get("ok"), r)
        self.d.wait_log("customer and agent joined again", 10)
        wait_for(lambda: self.agent_state()["state"] == "OnContact", 10,
                 "router: agent OnContact")
        self.assertEqual(self.contact(cid)["hold"]["state"], "None")
        self.wait_hears(caller, AGENT_HZ, "caller after resume")

        caller.hangup()
        agent.wait_event("CALL_CLOSED", 15)
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.check_holds(rec, 1, 0)

    def test_whisper_flow_holds_then_resumes(self):
        self.start_daemon(["holding_whisper.json"])
        agent = self.start_agent()
        caller = self.start_caller()
        agent.wait_event("CALL_ESTABLISHED", 20)
        # the whisper holds the customer: the caller hears the hold flow
        self.d.wait_log("customer on hold (flow)", 15)
        self.wait_hears(caller, TONES["customer-hold"], "caller on hold")
        # then lets go: the legs are joined when the whisper ends
        self.d.wait_log("resumed (flow)", 15)
        self.d.wait_log("customer and agent joined", 15)
        self.wait_hears(caller, AGENT_HZ, "caller after the whisper")
        self.wait_hears(agent, CALLER_HZ, "agent after the whisper")
        self.assertEqual(self.agent_state()["state"], "OnContact")

        caller.hangup()
        agent.wait_event("CALL_CLOSED", 15)
        rec = self.d.wait_records(1)[-1]
        self.check_holds(rec, 1, 0)
        # the agent heard its whisper, then the caller; the caller heard
        # the hold flow meanwhile (not the whisper), then the agent
        heard = tones_in(agent.received())
        self.assertEqual(heard[:2], [TONES["agent-whisper"], CALLER_HZ],
                         heard)
        heard = tones_in(caller.received())
        self.assertEqual(heard[:2], [TONES["customer-hold"], AGENT_HZ],
                         heard)
        self.assertNotIn(TONES["agent-whisper"], heard)

    def test_agent_hangs_up_disconnect_flow_runs(self):
        self.start_daemon()
        agent = self.start_agent()
        caller = self.start_caller()
        self.connect(agent)
        self.wait_hears(caller, AGENT_HZ, "caller (bridged)")

        agent.hangup()
        self.d.wait_log("disconnect flow 'E2E Survey'", 10)
        # the caller hears the survey prompt, then the flow hangs up
        self.wait_hears(caller, TONES["survey"], "caller (survey)")
        caller.wait_event("CALL_CLOSED", 15)
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["DisconnectReason"], "AGENT_DISCONNECT")
        self.assertEqual(rec["Attributes"].get("survey"), "offered")
        self.check_holds(rec, 0, 0)
        # the agent went to after-contact work when it hung up
        wait_for(lambda: self.agent_state()["state"] == "Available", 10,
                 "Available after ACW")


if __name__ == "__main__":
    unittest.main()
