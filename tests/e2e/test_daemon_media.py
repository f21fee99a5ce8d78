"""The media path of the real daemon, end to end on loopback.

baresip is the caller: it sends a WAV through its aufile source, records
what it RECEIVES with the sndfile module and presses keys as RFC 4733
events (sndcode). The checks are on what a caller hears (a non-silent
prompt as long as the same text synthesised by espeak-ng) and on what the
flow got (the contact record's attributes). SIPp covers what baresip
1.0.0 cannot send: DTMF by SIP INFO and in-band tones without
telephone-event. Every wait has a deadline and waits for an event (a
baresip event, a record, the growing recording), never a fixed sleep.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

import cfd
from baresip import Baresip, frame_rms, loud_span, read_pcm
from daemon import Daemon, Sipp, free_port, wait_for

FLOWS = cfd.data("e2e", "flows")
PROMPT_FLOW = os.path.join(FLOWS, "media_prompt.json")
LONG_FLOW = os.path.join(FLOWS, "media_long_prompt.json")
QUEUE_FLOW = os.path.join(FLOWS, "media_queue.json")
LOOP_FLOW = os.path.join(FLOWS, "media_loop.json")
PROMPT_NUMBER = "+18005550101"
LONG_NUMBER = "+18005550102"
QUEUE_NUMBER = "+18005550103"
NUMBERS = {PROMPT_NUMBER: "E2E media prompt",
           LONG_NUMBER: "E2E media long prompt",
           QUEUE_NUMBER: "E2E media queue"}
QUEUES = [{"name": "E2E queue", "queue_flow": "E2E media loop"}]
SILENCE_DB = -60.0	# a silent recording's RMS is far below this


def sipp_caller(d, scenario, number):
    """A Sipp on d whose media ports (-mp P..P+3: RTP/RTCP of audio and
    video) are checked free, since other tests may run in parallel."""
    sipp = Sipp(d, scenario, number)
    port = None
    for _ in range(200):
        p = free_port() // 4 * 4
        if p < 65530 and all(_port_free(p + i) for i in range(4)):
            port = p
            break
    if port is None:
        raise AssertionError("no free block of 4 UDP ports")
    i = sipp.cmd.index("-mp")
    sipp.cmd[i + 1] = str(port)
    sipp.media_port = port
    return sipp


def _port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def flow_action(path, ident):
    with open(path) as f:
        content = json.loads(json.load(f)["Content"])
    return next(a for a in content["Actions"] if a["Identifier"] == ident)


def sox(*args):
    p = subprocess.run(["sox"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=60)
    if p.returncode != 0:
        raise AssertionError("sox %s: %s" % (" ".join(args), p.stderr))


class MediaTest(unittest.TestCase):
    """A daemon with the media flows and a tidy-up list of peers."""

    trunks = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cfd-e2e-media-")
        # the caller's own audio: quiet, and longer than any call here
        # (aufile ends the call at the end of the file)
        cls.quiet_wav = os.path.join(cls.tmp, "quiet.wav")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", cls.quiet_wav,
            "trim", "0", "90")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.peers = []
        self.d = Daemon(flows=[PROMPT_FLOW, LONG_FLOW, QUEUE_FLOW,
                               LOOP_FLOW], numbers=NUMBERS,
                        trunks=self.trunks, config={"queues": QUEUES})
        self.addCleanup(self._stop_daemon)
        self.d.start()

    def _stop_daemon(self):
        for p in self.peers:
            p.cleanup()
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0, "callflowd exit code\n" + log[-3000:])
        self.assertNotIn("AddressSanitizer", log)
        self.assertNotIn("LeakSanitizer", log)

    def caller(self, **kw):
        kw.setdefault("audio_source", self.quiet_wav)
        b = Baresip(self.d.dir, **kw)
        self.peers.append(b)
        return b.start()

    def uri(self, number):
        return "sip:%s@127.0.0.1:%d" % (number, self.d.sip_port)

    def context(self, b=None):
        text = "\n--- callflowd log\n" + self.d.log()[-4000:]
        if b:
            text += "\n--- baresip log\n" + b.log()[-3000:]
        return text

    def reference_span(self, text):
        """Loud span (s) of text as espeak-ng says it at the daemon's pace
        (en-us, 160 words a minute)."""
        ref = os.path.join(self.d.dir, "reference.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", ref,
                        text], check=True, timeout=60)
        s, rate, chans = read_pcm(ref)
        span = loud_span(s, rate, chans)
        self.assertIsNotNone(span, "espeak-ng produced silence")
        return span[1] - span[0]

    def records_for(self, n):
        return self.d.wait_records(n, timeout=30)

    def no_live_contacts(self):
        def empty():
            code, body = self.d.http("GET", "/v1/contacts")
            return code == 200 and body["contacts"] == []
        wait_for(empty, 20, "/v1/contacts to be empty")

    def prompt_then_keys(self, b, keys="4711#", nrec=1):
        """Dial the prompt flow, hear the whole prompt, press keys; the
        contact record and the received recording."""
        b.dial(self.uri(PROMPT_NUMBER))
        b.wait_event("CALL_ESTABLISHED", 15)
        rec = b.received()
        wait_for(rec.audio_started, 15, "the prompt's audio" +
                 self.context(b))
        # the whole prompt, then a second of quiet: the flow collects now
        wait_for(rec.audio_ended, 30, "the end of the prompt" +
                 self.context(b))
        b.send_keys(keys)
        closed = b.wait_event("CALL_CLOSED", 30)
        # the flow hung up after the terminating key
        self.assertIn("reset by peer", closed["param"], closed)
        record = self.records_for(nrec)[-1]
        return record, rec


class Prompt(MediaTest):

    def test_prompt_heard_and_keys_reach_the_flow(self):
        b = self.caller()
        record, rec = self.prompt_then_keys(b, "4711#")
        b.stop()	# closes the recording (final WAV header)

        self.assertEqual(record["Attributes"].get("Result"),
                         "keys received", record)
        self.assertEqual(record["Attributes"].get("Code"), "4711", record)
        self.assertEqual(record["DisconnectReason"],
                         "CONTACT_FLOW_DISCONNECT")
        self.assertEqual(record["SystemEndpoint"]["Address"],
                         PROMPT_NUMBER)
        self.assertIn("key 4 (rfc4733)", self.d.log())

        stats = rec.sox_stats()
        self.assertGreater(float(stats["RMS lev dB"]), -35.0, stats)
        self.assertGreater(float(stats["Pk lev dB"]), -15.0, stats)

        text = flow_action(PROMPT_FLOW, "prompt")["Parameters"]["Text"]
        want = self.reference_span(text)
        first, last = rec.span()
        heard = last - first
        self.assertAlmostEqual(heard, want, delta=max(0.5, 0.1 * want),
                               msg="prompt heard for %.2f s, espeak-ng "
                               "says it in %.2f s" % (heard, want))
        # the prompt starts soon after the answer, not after a stall
        self.assertLess(first, 5.0)


    def test_keys_during_the_prompt_stop_it(self):
        """Barge-in: keys pressed while the prompt plays stop it at once
        and still count as input."""
        b = self.caller()
        b.dial(self.uri(PROMPT_NUMBER))
        b.wait_event("CALL_ESTABLISHED", 15)
        rec = b.received()
        wait_for(rec.audio_started, 15, "the prompt's audio" +
                 self.context(b))
        b.send_keys("12#")
        b.wait_event("CALL_CLOSED", 30)
        record = self.records_for(1)[-1]
        self.assertEqual(record["Attributes"].get("Code"), "12", record)
        b.stop()
        text = flow_action(PROMPT_FLOW, "prompt")["Parameters"]["Text"]
        want = self.reference_span(text)
        first, last = rec.span()
        self.assertLess(last - first, want - 2.0,
                        "prompt not cut: heard %.2f of %.2f s" %
                        (last - first, want))


class Hangup(MediaTest):

    def test_caller_hangs_up_before_the_prompt_is_ready(self):
        """Hang-up while the prompt is still being synthesised: the
        request is cancelled with the contact (the sanitizer build checks
        that nothing answers into a freed contact)."""
        b = self.caller()
        b.dial(self.uri(LONG_NUMBER))
        b.wait_event("CALL_ESTABLISHED", 15)
        b.hangup()
        self.d.wait_log("caller hung up", 15)
        record = self.records_for(1)[-1]
        self.assertEqual(record["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(record["Attributes"], {"Stage": "prompting"})
        self.no_live_contacts()
        # the synthesis finishes into the cache, not into the contact
        wait_for(lambda: len(os.listdir(os.path.join(
            self.d.data_dir, "tts-cache"))) >= 1, 30,
            "the cancelled prompt's synthesis to finish")

    def test_caller_hangs_up_mid_prompt(self):
        b = self.caller()
        b.dial(self.uri(LONG_NUMBER))
        b.wait_event("CALL_ESTABLISHED", 15)
        rec = b.received()
        wait_for(rec.audio_started, 15, "the prompt's audio" +
                 self.context(b))
        b.hangup()
        self.d.wait_log("caller hung up", 15)

        record = self.records_for(1)[-1]
        self.assertEqual(record["DisconnectReason"], "CUSTOMER_DISCONNECT",
                         record)
        # the flow never got past the prompt
        self.assertEqual(record["Attributes"], {"Stage": "prompting"},
                         record)
        self.no_live_contacts()

        # the daemon keeps serving: a next call gets its prompt and keys
        b2 = self.caller(name="caller2")
        record, rec2 = self.prompt_then_keys(b2, "99#", nrec=2)
        self.assertEqual(record["Attributes"].get("Code"), "99", record)
        b2.stop()
        self.assertGreater(float(rec2.sox_stats()["RMS lev dB"]),
                           SILENCE_DB)
        self.no_live_contacts()


class LoopPrompts(MediaTest):

    def test_loop_with_a_missing_message_plays_the_others(self):
        """The queue flow says "Please hold." then loops [the same text
        (cached by then), a missing file, a long text still being
        synthesised when the file fails] with an interrupt after 15 s. The
        loop must wait for the long text, play what loaded, and leave no
        request behind: that used to free the request slots while the
        long text was still out (use after free once it came back) or
        leak its audio; the sanitizer build and the daemon's exit code
        catch either."""
        b = self.caller()
        b.dial(self.uri(QUEUE_NUMBER))
        b.wait_event("CALL_ESTABLISHED", 15)
        # 15 s interrupt: the long text is synthesised well within it,
        # even on a loaded machine under ASan
        closed = b.wait_event("CALL_CLOSED", 60)
        self.assertIn("reset by peer", closed["param"], closed)
        record = self.records_for(1)[-1]
        self.assertEqual(record["Attributes"].get("Loop"), "interrupted",
                         str(record) + self.context(b))
        self.assertEqual(record["DisconnectReason"],
                         "CONTACT_FLOW_DISCONNECT")
        self.assertIn("missing.wav", self.d.log())
        b.stop()
        s, rate, chans = read_pcm(b.received().path)
        loud = sum(1 for v in frame_rms(s, rate, chans) if v > 300.0)
        hold = self.reference_span("Please hold.")
        # more than the first "Please hold.": the loop played too
        self.assertGreater(loud * 0.02, hold + 1.0,
                           "%.2f s of audio heard" % (loud * 0.02))


class Srtp(MediaTest):

    trunks = [{"name": "srtp-sbc", "allow": ["127.0.0.1/32"],
               "srtp": "mandatory"}]

    def test_srtp_caller_hears_prompt_and_keys_arrive(self):
        self.assertTrue(os.path.exists(
            "/usr/lib/baresip/modules/srtp.so"))
        b = self.caller(mediaenc="srtp-mand")
        record, rec = self.prompt_then_keys(b, "2468#")
        b.stop()
        self.assertEqual(record["Attributes"].get("Code"), "2468", record)
        self.assertEqual(record["DisconnectReason"],
                         "CONTACT_FLOW_DISCONNECT")
        self.assertGreater(float(rec.sox_stats()["RMS lev dB"]), -35.0)
        # the media really was SRTP: baresip took the answer's SDES key
        self.assertIn("SRTP is Enabled", b.log())

    def test_plain_rtp_offer_refused_488(self):
        b = self.caller(name="plain")
        b.dial(self.uri(PROMPT_NUMBER))
        closed = b.wait_event("CALL_CLOSED", 15)
        self.assertIn("488", closed["param"], closed)
        self.assertEqual(b.events() and [e["type"] for e in b.events()
                                         if e["type"] ==
                                         "CALL_ESTABLISHED"], [])
        self.no_live_contacts()


class SipInfo(MediaTest):

    def test_info_keys_reach_the_flow(self):
        sipp = sipp_caller(self.d, "uac_info_dtmf.xml", PROMPT_NUMBER[1:])
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + self.context())
        record = self.records_for(1)[-1]
        self.assertEqual(record["Attributes"].get("Code"), "73", record)
        self.assertEqual(record["DisconnectReason"],
                         "CONTACT_FLOW_DISCONNECT")
        self.assertIn("key 7 (SIP INFO)", self.d.log())


class InBand(MediaTest):

    KEYS = {"5": (770, 1336), "9": (852, 1477), "#": (941, 1477)}

    def tones(self, path, keys):
        """Raw mu-law: a second of quiet, each key's tone pair for 150 ms
        with 150 ms gaps, then quiet to keep the call's audio going."""
        parts = []
        quiet = os.path.join(self.d.dir, "q.wav")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", quiet,
            "trim", "0", "0.15")
        lead = os.path.join(self.d.dir, "lead.wav")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", lead,
            "trim", "0", "1")
        tail = os.path.join(self.d.dir, "tail.wav")
        sox("-n", "-r", "8000", "-c", "1", "-b", "16", tail,
            "trim", "0", "20")
        parts.append(lead)
        for i, k in enumerate(keys):
            lo, hi = self.KEYS[k]
            stereo = os.path.join(self.d.dir, "t%d-2.wav" % i)
            tone = os.path.join(self.d.dir, "t%d.wav" % i)
            sox("-n", "-r", "8000", "-c", "2", "-b", "16", stereo,
                "synth", "0.15", "sine", str(lo), "sine", str(hi))
            sox(stereo, "-c", "1", tone, "remix", "1v0.4,2v0.4")
            parts += [tone, quiet]
        parts.append(tail)
        sox(*(parts + ["-t", "raw", "-e", "mu-law", "-r", "8000", "-c",
                       "1", path]))

    def test_inband_tones_reach_the_flow(self):
        sipp = sipp_caller(self.d, "uac_inband_dtmf.xml",
                           PROMPT_NUMBER[1:])
        self.tones(os.path.join(sipp.dir, "inband.ul"), "59#")
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + self.context())
        record = self.records_for(1)[-1]
        self.assertEqual(record["Attributes"].get("Code"), "59",
                         str(record) + self.context())
        self.assertEqual(record["DisconnectReason"],
                         "CONTACT_FLOW_DISCONNECT")
        self.assertIn("key 5 (inband)", self.d.log())


if __name__ == "__main__":
    unittest.main()
