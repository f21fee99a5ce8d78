"""The daemon admits or refuses INVITEs as a carrier would see it:
trunk allow-list, unknown number, Require, no common codec, SRTP policy,
capacity; every refusal on a trusted trunk leaves a contact record; a
config check mode; and it keeps serving after all of them."""
import json
import os
import subprocess
import unittest

import cfd
from daemon import Daemon, sip_invite, wait_for

IVR = cfd.data("e2e", "flows", "ivr.json")
NUMBER = "+18005550100"


class Admission(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"},
                       config={"limits": {"max_concurrent_calls": 5}})
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        cls.d.cleanup()
        assert rc == 0, "callflowd exit code %s" % rc

    def final(self, responses):
        self.assertTrue(responses, "no response at all")
        return responses[-1]

    def test_unknown_number_404_with_record(self):
        status, _ = self.final(sip_invite(self.d.sip_port, "+18005559999"))
        self.assertEqual(status, 404)
        # other tests' rejections are recorded too: find this one
        rec = wait_for(lambda: [r for r in self.d.records()
                                if (r["SystemEndpoint"] or {}).get(
                                    "Address") == "+18005559999"],
                       20, "the record of the 404")[0]
        self.assertEqual(rec["Failure"]["SipStatus"], "404")
        self.assertEqual(rec["Channel"], "VOICE")

    def test_trying_sent_first(self):
        resp = sip_invite(self.d.sip_port, "+18005559998")
        self.assertEqual(resp[0][0], 100)

    def test_number_forms_normalised(self):
        # 1-800-555-0100 written with separators reaches the same flow: the
        # failure is then about the SDP, not the number (488, not 404)
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio 40000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n")
        status, _ = self.final(sip_invite(self.d.sip_port, "1-800-555-0100",
                                          sdp=sdp))
        self.assertEqual(status, 488)

    def test_no_common_codec_488(self):
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
               "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio 40000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n")
        status, _ = self.final(sip_invite(self.d.sip_port, NUMBER, sdp=sdp))
        self.assertEqual(status, 488)
        rec = wait_for(lambda: [r for r in self.d.records()
                                if (r.get("Failure") or {}).get(
                                    "SipStatus") == "488"],
                       20, "the record of the 488")[0]
        self.assertEqual(rec["DisconnectReason"], "TELECOM_PROBLEM")

    def test_require_unsupported_420(self):
        status, text = self.final(sip_invite(
            self.d.sip_port, NUMBER, headers=["Require: 100rel, timer"]))
        self.assertEqual(status, 420)
        self.assertIn("Unsupported: 100rel, timer", text)

    def test_over_tcp_too(self):
        status, _ = self.final(sip_invite(self.d.sip_port, "+18005559997",
                                          transport="tcp"))
        self.assertEqual(status, 404)

    def test_health_and_flows_api(self):
        code, body = self.d.http("GET", "/health")
        self.assertEqual(code, 200)
        self.assertEqual(body["status"], "ok")
        code, body = self.d.http("GET", "/v1/flows")
        self.assertEqual(code, 200)
        names = [f["name"] for f in body["flows"]]
        self.assertIn("E2E IVR", names)
        flow = body["flows"][names.index("E2E IVR")]
        self.assertEqual(flow["type"], "CONTACT_FLOW")
        self.assertTrue(flow["serving"])
        self.assertEqual(flow["errors"], [])
        code, body = self.d.http("GET", "/v1/nothing")
        self.assertEqual(code, 404)
        self.assertIn("error", body)
        code, body = self.d.http("POST", "/v1/flows", body={})
        self.assertEqual(code, 405)


class Refusals(unittest.TestCase):

    def test_untrusted_source_403_logged_once(self):
        d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"},
                   trunks=[{"name": "carrier", "allow": ["192.0.2.0/24"]}])
        try:
            d.start()
            for _ in range(3):
                status = sip_invite(d.sip_port, NUMBER)[-1][0]
                self.assertEqual(status, 403)
            d.wait_log("not an allowed trunk address")
            self.assertEqual(d.log().count("not an allowed trunk address"),
                             1)
            # refused before any flow: no contact, no record
            self.assertEqual(d.records(), [])
        finally:
            self.assertEqual(d.stop(), 0)
            d.cleanup()

    def test_srtp_mandatory_refuses_plain_rtp(self):
        d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"},
                   trunks=[{"name": "secure", "allow": ["127.0.0.1"],
                            "srtp": "mandatory"}])
        try:
            d.start()
            status = sip_invite(d.sip_port, NUMBER)[-1][0]
            self.assertEqual(status, 488)
        finally:
            self.assertEqual(d.stop(), 0)
            d.cleanup()

    def test_capacity_503_retry_after(self):
        d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"},
                   config={"limits": {"max_concurrent_calls": 1}})
        try:
            d.start()
            # first call is answered (no ACK: it stays up until the ACK
            # timeout), the second finds the daemon full
            first = sip_invite(d.sip_port, NUMBER)[-1][0]
            self.assertEqual(first, 200)
            status, text = sip_invite(d.sip_port, NUMBER)[-1]
            self.assertEqual(status, 503)
            self.assertIn("Retry-After:", text)
        finally:
            self.assertEqual(d.stop(), 0)
            d.cleanup()

    def test_check_config(self):
        d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"})
        try:
            ok = subprocess.run([cfd.DAEMON, "--check-config", "--config",
                                 d.config_path], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                universal_newlines=True, timeout=30)
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
            self.assertIn("configuration valid", ok.stdout)
            with open(os.path.join(d.flows_dir, "broken.json"), "w") as f:
                f.write('{"Version": "2019-10-30", "StartAction": "x", ')
            bad = subprocess.run([cfd.DAEMON, "--check-config", "--config",
                                  d.config_path], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 universal_newlines=True, timeout=30)
            self.assertEqual(bad.returncode, 1)
            self.assertIn("broken.json: error:", bad.stdout)
            d.config["bogus_key"] = 1
            d.write_config()
            cfg = subprocess.run([cfd.DAEMON, "--check-config", "--config",
                                  d.config_path], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE,
                                 universal_newlines=True, timeout=30)
            self.assertEqual(cfg.returncode, 1)
            self.assertIn("bogus_key", cfg.stdout + cfg.stderr)
        finally:
            d.cleanup()

    def check(self, d):
        return subprocess.run([cfd.DAEMON, "--check-config", "--config",
                               d.config_path], capture_output=True,
                              text=True, timeout=30)

    def test_check_config_media_keys(self):
        """sip.rtp and every leg's media policy are checked with the key
        named: a wrong value never silently falls back."""
        bad = [
            ({"sip": {"rtp": {"address": "not-an-ip"}}},
             "sip.rtp.address: expected an IP address"),
            ({"sip": {"rtp": {"port_min": 20000, "port_max": 20000}}},
             "sip.rtp: port_max must be above port_min"),
            ({"sip": {"rtp": {"timeout_seconds": "30"}}},
             "sip.rtp.timeout_seconds: expected an integer"),
            ({"agents": [{"username": "a1", "srtp": "always"}]},
             "agents[0].srtp: expected off, optional or mandatory"),
            ({"agents": [{"username": "a1", "codecs": ["G729"]}]},
             "agents[0].codecs[0]: PCMU or PCMA"),
            ({"routing_profiles": [{"name": "P", "queues": [],
                                    "srtp": "sometimes"}]},
             "routing_profiles[0].srtp: expected off, optional or"),
            ({"outbound": {"trunk": {"address": "127.0.0.1:5090",
                                     "srtp": "nope"},
                           "allowed_patterns": ["^\\+1"]}},
             "outbound.trunk.srtp: expected off, optional or mandatory"),
        ]
        for extra, msg in bad:
            d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"})
            try:
                for k, v in extra.items():
                    if k == "sip":
                        d.config["sip"]["rtp"].update(v["rtp"])
                    else:
                        d.config[k] = v
                d.write_config()
                r = self.check(d)
                self.assertEqual(r.returncode, 1, (extra, r.stdout))
                self.assertIn(msg, r.stdout + r.stderr, extra)
            finally:
                d.cleanup()
        # and the good forms pass
        d = Daemon(flows=[IVR], numbers={NUMBER: "E2E IVR"}, config={
            "agents": [{"username": "a1", "srtp": "mandatory",
                        "codecs": ["PCMA"]}],
            "outbound": {"trunk": {"address": "127.0.0.1:5090",
                                   "srtp": "optional",
                                   "codecs": ["PCMU", "PCMA"]},
                         "allowed_patterns": ["^\\+1"]}})
        try:
            r = self.check(d)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            d.cleanup()


if __name__ == "__main__":
    unittest.main()
