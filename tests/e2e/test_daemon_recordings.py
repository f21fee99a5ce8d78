"""Call recordings, end to end with real softphones (the routing test's
setup): an inbound flow sets UpdateContactRecordingBehavior (agent and
customer, IVR enabled), plays a 1000 Hz prompt and queues the caller; a
baresip agent (440 Hz) answers. The recording is one stereo 8 kHz WAV
under data_dir/recordings/YYYY/MM/DD/<ContactId>.wav: in the IVR part the
caller's 800 Hz on the left and our prompt on the right, in the agent part
the caller left and the agent right; a pause over the API is silence in
both channels and listed in the record. A flow that does not enable
recording gets no file and no Recording in its record, and the API says
so."""
import json
import os
import subprocess
import time
import unittest

import cfd
from baresip import Baresip, read_pcm
from daemon import Daemon, wait_for

AGENT_FLOWS = [cfd.data("e2e", "agent-flows", f) for f in
               ("inbound.json", "queue.json", "agent_whisper.json",
                "customer_whisper.json")]
NUMBER = "+18005550100"
PLAIN_NUMBER = "+18005550101"

CONFIG = {
    "queues": [{"name": "Sales"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "after_contact_work_seconds": 1,
                          "ring_timeout_seconds": 15}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "first_name": "Ada", "routing_profile": "Sales profile"}],
}


def recording_flow():
    """Record everything, play the IVR tone, queue in Sales."""
    def act(ident, typ, params, nxt):
        t = {"NextAction": nxt,
             "Errors": [{"ErrorType": "NoMatchingError",
                         "NextAction": "bye"}]} if nxt else {}
        return {"Identifier": ident, "Type": typ, "Parameters": params,
                "Transitions": t}
    content = {
        "Version": "2019-10-30", "StartAction": "rec",
        "Actions": [
            act("rec", "UpdateContactRecordingBehavior", {
                "RecordingBehavior": {
                    "RecordedParticipants": ["Agent", "Customer"],
                    "IVRRecordingBehavior": "Enabled"}}, "ivr"),
            act("ivr", "MessageParticipant", {"PromptId": "ivr-tone"}, "q"),
            act("q", "UpdateContactTargetQueue", {"QueueId": "Sales"}, "t"),
            act("t", "TransferContactToQueue", {}, "bye"),
            act("bye", "DisconnectParticipant", {}, None),
        ]}
    return {"Name": "E2E Recorded", "Type": "CONTACT_FLOW",
            "Content": json.dumps(content)}


def tone(path, hz, seconds):
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", path,
                    "synth", str(seconds), "sine", str(hz), "vol", "0.5"],
                   check=True, timeout=30)


def rough_frequency(path, channel, start, length):
    """sox's rough frequency (Hz) of one channel of a stretch."""
    p = subprocess.run(["sox", path, "-n", "remix", str(channel), "trim",
                        "%.3f" % start, "%.3f" % length, "stat"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=30)
    for line in p.stderr.splitlines():
        if line.startswith("Rough   frequency:"):
            return int(line.split(":")[1])
    raise AssertionError("no frequency from sox: " + p.stderr)


def tones_in(path, channel, start, stop, step=0.25):
    """The known tones found in quarter seconds of a channel's stretch."""
    known = (440, 800, 1000, 1200, 1500)
    found = set()
    t = start
    while t + step <= stop:
        f = rough_frequency(path, channel, t, step)
        for k in known:
            if abs(f - k) < k * 0.06:
                found.add(k)
        t += step
    return found


def rms(samples, chans, channel, start, stop, rate=8000):
    """RMS of one channel (0 left, 1 right) between two times."""
    a = int(start * rate) * chans + channel
    b = int(stop * rate) * chans
    s = samples[a:b:chans]
    return (sum(x * x for x in s) / max(len(s), 1)) ** 0.5


def iso_ms(ts):
    """Milliseconds of an ISO 8601 timestamp of the record."""
    return time.mktime(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) * 1000 \
        + int(ts[20:23])


class Recordings(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=AGENT_FLOWS,
                        numbers={NUMBER: "E2E Recorded",
                                 PLAIN_NUMBER: "E2E To Sales"},
                        config=CONFIG)
        with open(os.path.join(self.d.flows_dir, "recorded.json"), "w") as f:
            json.dump(recording_flow(), f)
        prompts = []
        for name, hz in (("agent-whisper", 1500),
                         ("customer-whisper", 1200), ("ivr-tone", 1000)):
            path = os.path.join(self.d.dir, name + ".wav")
            tone(path, hz, 1.5 if name == "ivr-tone" else 1.0)
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
        wait_for(lambda: self.agent_state()["device"], 15, "agent device")
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)
        return agent

    def start_caller(self, number, seconds):
        wav = os.path.join(self.d.dir, "caller-800.wav")
        tone(wav, 800, seconds)
        caller = Baresip(self.d.dir, "caller", audio_source=wav)
        self.phones.append(caller)
        caller.start()
        caller.dial("sip:%s@127.0.0.1:%d" % (number, self.d.sip_port))
        return caller

    def live_contact(self):
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(code, 200)
        return body["contacts"][0]["ContactId"] if body["contacts"] \
            else None

    def test_ivr_and_agent_parts_with_a_pause(self):
        self.start_agent()
        caller = self.start_caller(NUMBER, 13)
        caller.wait_event("CALL_ESTABLISHED", 15)
        cid = wait_for(self.live_contact, 10, "the live contact")
        self.d.wait_log("contact %s: recording IVR part" % cid, 10)
        self.d.wait_log("customer and agent joined", 25)
        self.d.wait_log("contact %s: recording agent part" % cid, 5)

        path = "/v1/contacts/%s/recording/" % cid
        code, body = self.d.http("POST", path + "pause")
        self.assertEqual(code, 200, body)
        self.assertTrue(body["Paused"])
        code, body = self.d.http("POST", path + "pause")   # idempotent
        self.assertEqual(code, 200, body)
        # the pause's length, a stimulus: not waiting for anything
        time.sleep(1.5)
        code, body = self.d.http("POST", path + "resume")
        self.assertEqual(code, 200, body)
        self.assertFalse(body["Paused"])
        location = body["Location"]
        day = time.strftime("%Y/%m/%d", time.gmtime())
        self.assertEqual(location, os.path.join(
            os.path.realpath(self.d.data_dir), "recordings", day,
            cid + ".wav"))

        caller.wait_event("CALL_CLOSED", 30)   # the caller's file ended
        rec = self.d.wait_records(1)[-1]
        self.d.wait_log("recording %s complete" % location, 10)

        self.assertEqual(rec["Recording"], {"Location": location,
                                            "Status": "AVAILABLE",
                                            "Type": "AUDIO"})
        parts = rec["Recordings"]
        self.assertEqual([p["ParticipantType"] for p in parts],
                         ["IVR", "ALL"])
        for p in parts:
            self.assertEqual(p["Location"], location)
            self.assertLess(iso_ms(p["StartTimestamp"]),
                            iso_ms(p["StopTimestamp"]))
        self.assertEqual(parts[0]["PausedSpans"], [])
        self.assertEqual(len(parts[1]["PausedSpans"]), 1)
        span = parts[1]["PausedSpans"][0]
        paused = (iso_ms(span["StopTimestamp"]) -
                  iso_ms(span["StartTimestamp"])) / 1000.0
        self.assertGreater(paused, 1.3)

        # the file: stereo 8 kHz 16-bit, as long as the two parts
        samples, rate, chans = read_pcm(location)
        self.assertEqual((rate, chans), (8000, 2))
        total = len(samples) / 2 / 8000.0
        ivr = (iso_ms(parts[0]["StopTimestamp"]) -
               iso_ms(parts[0]["StartTimestamp"])) / 1000.0
        agent = (iso_ms(parts[1]["StopTimestamp"]) -
                 iso_ms(parts[1]["StartTimestamp"])) / 1000.0
        self.assertAlmostEqual(total, ivr + agent, delta=0.5)

        # IVR part: the caller left, our 1000 Hz prompt right
        self.assertIn(800, tones_in(location, 1, 0, ivr))
        self.assertNotIn(1000, tones_in(location, 1, 0, ivr))
        self.assertIn(1000, tones_in(location, 2, 0, ivr))
        # agent part after the pause: the caller left, the agent right
        p0 = ivr + (iso_ms(span["StartTimestamp"]) -
                    iso_ms(parts[1]["StartTimestamp"])) / 1000.0
        p1 = p0 + paused
        left = tones_in(location, 1, p1 + 0.3, total - 0.3)
        right = tones_in(location, 2, p1 + 0.3, total - 0.3)
        self.assertIn(800, left)
        self.assertNotIn(440, left)
        self.assertIn(440, right)
        self.assertNotIn(800, right)
        # the pause: silence in both channels, loud around it
        self.assertLess(rms(samples, 2, 0, p0 + 0.2, p1 - 0.2), 30)
        self.assertLess(rms(samples, 2, 1, p0 + 0.2, p1 - 0.2), 30)
        self.assertGreater(rms(samples, 2, 0, p1 + 0.3, p1 + 1.3), 1000)
        self.assertGreater(rms(samples, 2, 1, p1 + 0.3, p1 + 1.3), 1000)

    def test_not_recorded_unless_the_flow_says_so(self):
        caller = self.start_caller(PLAIN_NUMBER, 4)
        caller.wait_event("CALL_ESTABLISHED", 15)
        cid = wait_for(self.live_contact, 10, "the live contact")
        self.d.wait_log("queued in Sales", 10)
        base = "/v1/contacts/%s/recording/" % cid
        code, body = self.d.http("POST", base + "pause")
        self.assertEqual(code, 409, body)
        self.assertIn("not being recorded", body["error"])
        code, body = self.d.http("POST", base + "rewind")
        self.assertEqual(code, 404, body)
        code, body = self.d.http("GET", base + "pause")
        self.assertEqual(code, 405, body)
        code, body = self.d.http("POST",
                                 "/v1/contacts/no-such/recording/pause")
        self.assertEqual(code, 404, body)

        caller.wait_event("CALL_CLOSED", 20)
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["ContactId"], cid)
        self.assertNotIn("Recording", rec)
        self.assertNotIn("Recordings", rec)
        self.assertFalse(os.path.exists(
            os.path.join(self.d.data_dir, "recordings")))
        self.assertNotIn("contact %s: recording" % cid, self.d.log())


if __name__ == "__main__":
    unittest.main()
