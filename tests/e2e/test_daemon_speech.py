"""Speech in on live calls: ConnectParticipantWithLexBot on the daemon.

A scriptable phone (sipua.py) calls a flow whose Lex block talks with the
shipped SampleMenu bot. It speaks espeak-ng speech resampled to 8 kHz
(like a phone line) into the call: "sales" takes the Sales intent's
branch; speech over the prompt stops it (barge-in) and is understood;
silence takes the no-input branch; a key works as well as a word (Lex
accepts both); and nothing is left when the caller hangs up mid-prompt.
The flow stores $.Lex.IntentName and $.Lex.InputTranscript in the record.
"""
import array
import os
import subprocess
import tempfile
import unittest
import wave

import cfd
from daemon import Daemon, wait_for
from sipua import RtpPhone, SipUa, sdp_media

MENU = cfd.data("e2e", "lex-flows", "menu.json")
NUMBER = "+18005550140"
BOTS = os.path.join(cfd.SOURCE, "bots")
ALIAS = "arn:aws:lex:local:000000000000:bot-alias/SAMPLEMENU/TSTALIASID"


def speech(text, folder):
    """text as 8 kHz mono s16 samples, spoken by espeak-ng."""
    raw = os.path.join(folder, "raw.wav")
    out = os.path.join(folder, "8k.wav")
    subprocess.run(["espeak-ng", "-s", "140", "-w", raw, text], check=True,
                   timeout=30)
    subprocess.run(["sox", raw, "-r", "8000", "-c", "1", "-b", "16", out],
                   check=True, timeout=30)
    with wave.open(out) as w:
        data = w.readframes(w.getnframes())
    return list(array.array("h", data))


class Speech(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cfd-speech-")
        cls.sales = speech("sales", cls.tmp)
        cls.support = speech("I need support", cls.tmp)

    def setUp(self):
        self.d = Daemon(flows=[MENU], numbers={NUMBER: "E2E Lex menu"},
                        config={"speech": {
                            "bots_dir": BOTS, "max_concurrent_recognitions": 4,
                            "bots": [{"alias_arn": ALIAS,
                                      "path": "SampleMenu",
                                      "locale": "en_US"}]}})
        self.d.start()
        self.stops = []

    def tearDown(self):
        for s in reversed(self.stops):
            s()
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0, log[-3000:])
        self.assertNotIn("ERROR: AddressSanitizer", log)
        self.assertNotIn("LeakSanitizer", log)

    def call(self):
        ua, ph = SipUa("caller"), RtpPhone(0)
        self.stops += [ua.stop, ph.stop]
        resp = ua.call(self.d.sip_port, NUMBER, ph.port)
        addr, port, _ = sdp_media(resp.body)
        ph.set_remote((addr, port))
        return ua, ph

    def prompt_over(self, ph):
        """The prompt was heard, then silence: the bot listens now."""
        wait_for(lambda: len(ph.recent(1.0)) > 0 and
                 max(abs(x) for x in ph.recent(1.0)) > 1000, 30,
                 "the prompt")
        wait_for(lambda: len(ph.recent(0.4)) > 0 and
                 max(abs(x) for x in ph.recent(0.4)) < 200, 30,
                 "the end of the prompt")

    def record(self):
        recs = self.d.wait_records(1, timeout=40)
        return recs[0]

    def test_said_sales_takes_its_branch(self):
        ua, ph = self.call()
        self.prompt_over(ph)
        ph.say(self.sales)
        rec = self.record()
        self.assertEqual(rec["Attributes"]["choice"], "Sales", rec)
        self.assertEqual(rec["Attributes"]["transcript"], "sales")
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertIn("bot heard \"sales\": Sales", self.d.log())

    def test_barge_in_stops_the_prompt(self):
        ua, ph = self.call()
        wait_for(lambda: len(ph.recent(0.5)) > 0 and
                 max(abs(x) for x in ph.recent(0.5)) > 1000, 30,
                 "the prompt starting")
        ph.say(self.support)
        self.d.wait_log("barge-in over the bot's prompt", 30)
        # the prompt stops while the caller is still speaking
        wait_for(lambda: max(abs(x) for x in ph.recent(0.3) or [0]) < 200,
                 10, "the prompt stopped")
        rec = self.record()
        self.assertEqual(rec["Attributes"]["choice"], "Support", rec)

    def test_silence_is_no_input(self):
        ua, ph = self.call()
        self.prompt_over(ph)
        rec = self.record()
        self.assertEqual(rec["Attributes"]["choice"], "noinput", rec)

    def test_a_key_works_as_well(self):
        ua, ph = self.call()
        self.prompt_over(ph)
        self.assertEqual(ua.info_dtmf("2").status, 200)
        rec = self.record()
        self.assertEqual(rec["Attributes"]["choice"], "Support", rec)

    def test_hang_up_mid_prompt(self):
        ua, ph = self.call()
        wait_for(lambda: len(ph.recent(0.5)) > 0, 30, "the prompt")
        self.assertEqual(ua.bye().status, 200)
        rec = self.record()
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertNotIn("choice", rec.get("Attributes") or {})


if __name__ == "__main__":
    unittest.main()
