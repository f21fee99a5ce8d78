"""Every kind of leg on the one leg model, end to end.

The caller, the agent's phone and the third party are scriptable phones
(sipua.py): each sends its own tone (caller 800 Hz, agent 440 Hz, moved
agent 500 Hz, third party 600 Hz, moved 700 Hz) and the test checks who
hears whom from the RTP it receives.

- An agent's phone that holds (re-INVITE sendonly) and resumes on a new
  RTP port still hears the caller there and is heard by the caller.
- A third party that re-INVITEs onto a new port keeps its audio.
- An agent whose media policy is SRTP mandatory gets SRTP (a real
  baresip with SDES), and a plain-RTP phone of such an agent cannot
  take the call (the offer is missed, the caller waits on).
- An INVITE without SDP (late offer) is answered with our offer and the
  ACK's answer starts the media.
"""
import os
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, wait_for
from sipua import RtpPhone, SipUa, sdp_media

TO_SALES = cfd.data("e2e", "leg-flows", "to_sales.json")
THIRD_PARTY = cfd.data("e2e", "transfer-flows", "third_party_end.json")
TTS_WHISPER = cfd.data("e2e", "leg-flows", "agent_whisper_tts.json")
# the shipped default: a customer whisper that ends at once
NO_WHISPER = cfd.data("e2e", "leg-flows", "customer_whisper_end.json")
NUMBER, XFER = "+18005550100", "+18005550102"
CALLER_HZ, AGENT_HZ, MOVED_HZ = 800, 440, 500
THIRD_HZ, THIRD_MOVED_HZ = 600, 700


class Legs(unittest.TestCase):

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
        self.assertNotIn("no move from", log)

    def phone(self, hz):
        p = RtpPhone(hz)
        self.stoppers.append(p.stop)
        return p

    def ua(self, user):
        u = SipUa(user)
        self.stoppers.append(u.stop)
        return u

    def daemon(self, agent=None, outbound=None,
               flows=(TO_SALES, THIRD_PARTY)):
        config = {
            "queues": [{"name": "Sales"}],
            "routing_profiles": [{"name": "Sales profile",
                                  "queues": [{"queue": "Sales",
                                              "priority": 1}],
                                  "after_contact_work_seconds": 1,
                                  "ring_timeout_seconds": 20}],
            "agents": [dict({"username": "agent1",
                             "routing_profile": "Sales profile"},
                            **(agent or {}))],
        }
        if outbound:
            config["outbound"] = outbound
        self.d = Daemon(flows=flows, config=config,
                        numbers={NUMBER: "E2E Legs To Sales",
                                 XFER: "E2E Third party end"})
        self.d.start()
        return self.d

    def available(self, user="agent1"):
        code, _ = self.d.http("PUT", "/v1/agents/%s/status" % user,
                              {"status": "Available"})
        self.assertEqual(code, 200)

    def contact(self):
        code, body = self.d.http("GET", "/v1/contacts")
        self.assertEqual(code, 200)
        self.assertEqual(len(body["contacts"]), 1)
        code, c = self.d.http("GET", "/v1/contacts/%s" %
                              body["contacts"][0]["ContactId"])
        self.assertEqual(code, 200)
        return c

    def call(self, number=NUMBER):
        """The caller's phone, in a call; returns (ua, rtp phone)."""
        ua, ph = self.ua("caller"), self.phone(CALLER_HZ)
        resp = ua.call(self.d.sip_port, number, ph.port)
        addr, port, _ = sdp_media(resp.body)
        ph.set_remote((addr, port))
        return ua, ph

    def test_agent_resumes_on_a_new_port(self):
        agent_ua = self.ua("agent1")
        self.daemon(agent={"contact": agent_ua.uri})
        self.available()
        caller, cph = self.call()

        # the agent's phone answers with its media at a1
        a1 = self.phone(AGENT_HZ)
        inv = agent_ua.answer(a1.port)
        addr, port, _ = sdp_media(inv.body)
        a1.set_remote((addr, port))
        a1.wait_hears(CALLER_HZ, what="the agent hearing the caller")
        cph.wait_hears(AGENT_HZ, what="the caller hearing the agent")

        # hold: the daemon's answer receives only, the API says so
        resp = agent_ua.reinvite(a1.port, "sendonly")
        self.assertEqual(resp.status, 200)
        self.assertEqual(sdp_media(resp.body)[2], "recvonly")
        wait_for(lambda: self.contact()["hold"]["state"] ==
                 "CustomerOnHold", 10, "the contact on hold")
        legs = self.contact()["legs"]
        self.assertEqual([l["role"] for l in legs], ["customer", "agent"])
        self.assertTrue(legs[1]["held"])

        # resume from another port: a2 hears and is heard, a1 is left
        a2 = self.phone(MOVED_HZ)
        resp = agent_ua.reinvite(a2.port, "sendrecv")
        self.assertEqual(resp.status, 200)
        self.assertEqual(sdp_media(resp.body)[2], "sendrecv")
        a2.set_remote((addr, sdp_media(resp.body)[1]))
        a1.stop()
        a2.wait_hears(CALLER_HZ, what="the agent hearing the caller on "
                      "the new port")
        cph.wait_hears(MOVED_HZ, what="the caller hearing the agent from "
                       "the new port")
        c = self.contact()
        self.assertEqual(c["hold"]["state"], "None")
        self.assertEqual(c["hold"]["holds"], 1)
        self.assertEqual(c["legs"][1]["remote"], "127.0.0.1:%d" % a2.port)
        self.assertFalse(c["legs"][1]["held"])
        self.assertEqual(c["phase"], "Talking")

        caller.bye()
        rec = self.d.wait_records(1)[0]
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")
        self.assertEqual(rec["Agent"]["NumberOfHolds"], 1)

    def test_agent_hears_the_whisper_before_the_caller(self):
        """With nothing in the speech cache, the agent's first audio is the
        whisper (synthesised on the pool), never the caller's, also when
        the customer whisper ends at once (the shipped default): the
        parties used to be joined then, before the agent's whisper had
        started, and the agent heard the caller first."""
        agent_ua = self.ua("agent1")
        self.daemon(agent={"contact": agent_ua.uri},
                    flows=(TO_SALES, TTS_WHISPER, NO_WHISPER))
        self.available()
        caller, cph = self.call()
        a1 = self.phone(AGENT_HZ)
        inv = agent_ua.answer(a1.port)
        addr, port, _ = sdp_media(inv.body)
        a1.set_remote((addr, port))
        a1.wait_hears(CALLER_HZ, 30, what="the agent hearing the caller")
        loud = [share for share, rms in a1.windows(CALLER_HZ, 0.02)
                if rms > 300]
        first_tone = next(i for i, share in enumerate(loud)
                          if share > 0.8)
        # speech came first, from its first sample, and for a while (the
        # whole sentence: the caller's tone is never heard before it)
        self.assertLess(loud[0], 0.5, ["%.2f" % x for x in loud[:60]])
        self.assertGreater(first_tone, 25, ["%.2f" % x for x in loud[:60]])
        caller.bye()
        self.d.wait_records(1)

    def test_third_party_reinvite_keeps_audio(self):
        tp = self.ua("third")
        self.daemon(outbound={
            "trunk": {"address": "127.0.0.1:%d" % tp.port},
            "caller_id": "+18005550100",
            "allowed_patterns": ["^\\+1800"]})
        caller, cph = self.call(XFER)
        t1 = self.phone(THIRD_HZ)
        inv = tp.answer(t1.port)
        addr, port, _ = sdp_media(inv.body)
        t1.set_remote((addr, port))
        t1.wait_hears(CALLER_HZ, what="the third party hearing the caller")
        cph.wait_hears(THIRD_HZ, what="the caller hearing the third party")
        wait_for(lambda: self.contact()["phase"] == "External", 10,
                 "the contact bridged to the third party")

        t2 = self.phone(THIRD_MOVED_HZ)
        resp = tp.reinvite(t2.port)
        self.assertEqual(resp.status, 200)
        t2.set_remote((addr, sdp_media(resp.body)[1]))
        t1.stop()
        t2.wait_hears(CALLER_HZ, what="the third party hearing the caller "
                      "on its new port")
        cph.wait_hears(THIRD_MOVED_HZ, what="the caller hearing the third "
                       "party's new port")

        tp.bye()
        rec = self.d.wait_records(1)[0]
        self.assertEqual(rec["DisconnectReason"], "THIRD_PARTY_DISCONNECT")
        self.assertEqual(rec["TransferredToEndpoint"]["Address"],
                         "+18005550199")

    def test_agent_with_srtp_mandatory_gets_srtp(self):
        self.daemon(agent={"password": "s3cret-One", "srtp": "mandatory"})
        agent = Baresip(self.d.dir, "agent1", register_to=self.d.sip_port,
                        password="s3cret-One", mediaenc="srtp-mand")
        self.stoppers.append(agent.cleanup)
        self.stoppers.append(agent.stop)
        agent.start()
        wait_for(lambda: self.d.http("GET", "/v1/agents/agent1")[1]
                 ["device"], 15, "the agent's phone registered")
        self.available()
        caller, cph = self.call()
        agent.wait_event("CALL_ESTABLISHED", 20)
        # baresip's ausine tone reaches the caller through SRTP
        cph.wait_hears(AGENT_HZ, what="the caller hearing the SRTP agent")
        legs = wait_for(lambda: len(self.contact()["legs"]) == 2 and
                        self.contact()["legs"], 10, "both legs")
        self.assertEqual(legs[0]["role"], "customer")
        self.assertFalse(legs[0]["srtp"])
        self.assertEqual(legs[1]["role"], "agent")
        self.assertTrue(legs[1]["srtp"])
        self.assertIn("agent agent1 answered (SRTP)", self.d.log())
        caller.bye()
        self.d.wait_records(1)

    def test_plain_phone_of_an_srtp_agent_misses_the_offer(self):
        agent_ua = self.ua("agent1")
        self.daemon(agent={"contact": agent_ua.uri, "srtp": "mandatory"})
        self.available()
        caller, cph = self.call()
        # the offer is RTP/SAVP with keys; a plain answer is refused
        inv = agent_ua.answer(self.phone(AGENT_HZ).port)
        self.assertIn("RTP/SAVP", inv.body)
        self.assertIn("a=crypto:", inv.body)
        agent_ua.wait_request("BYE")
        wait_for(lambda: self.d.http("GET", "/v1/agents/agent1")[1]
                 ["state"] == "Missed", 15, "the agent Missed")
        self.assertEqual(self.contact()["state"], "Queued")
        caller.bye()
        self.d.wait_records(1)

    def test_update_refreshes_and_moves_media(self):
        flow = cfd.data("e2e", "flows", "media_loop.json")
        self.d = Daemon(flows=[flow],
                        numbers={NUMBER: "E2E media loop"}).start()
        ua, p1 = self.ua("caller"), self.phone(CALLER_HZ)
        resp = ua.call(self.d.sip_port, NUMBER, p1.port)
        addr, port, _ = sdp_media(resp.body)
        p1.set_remote((addr, port))
        wait_for(lambda: len(p1.recent(0.5)) > 0, 15, "the prompt's RTP")

        # a session refresh (RFC 4028 style): 200 with a Contact, no SDP
        r = ua.update()
        self.assertEqual(r.status, 200)
        self.assertTrue(r.get("Contact", "m"))
        self.assertEqual(r.body, "")

        # a new offer: answered, and the prompt follows to the new port
        p2 = self.phone(CALLER_HZ)
        r = ua.update(p2.port)
        self.assertEqual(r.status, 200)
        self.assertIn("m=audio %d " % port, r.body)
        p2.set_remote((addr, port))
        p1.stop()
        wait_for(lambda: len(p2.recent(0.5)) > 0, 15,
                 "the prompt's RTP at the new port")
        c = self.contact()
        self.assertEqual(c["legs"][0]["remote"], "127.0.0.1:%d" % p2.port)
        ua.bye()
        self.d.wait_records(1)

    def test_late_offer_invite(self):
        flow = cfd.data("e2e", "flows", "media_prompt.json")
        self.d = Daemon(flows=[flow],
                        numbers={NUMBER: "E2E media prompt"}).start()
        ua, ph = self.ua("caller"), self.phone(CALLER_HZ)
        resp = ua.call_late_offer(self.d.sip_port, NUMBER, ph.port)
        self.assertIn("m=audio", resp.body)
        addr, port, _ = sdp_media(resp.body)
        ph.set_remote((addr, port))
        # the prompt plays to the port our ACK named
        wait_for(lambda: len(ph.recent(1.0)) > 0, 15, "the prompt's RTP")
        ua.bye()
        rec = self.d.wait_records(1)[0]
        self.assertEqual(rec["DisconnectReason"], "CUSTOMER_DISCONNECT")


if __name__ == "__main__":
    unittest.main()
