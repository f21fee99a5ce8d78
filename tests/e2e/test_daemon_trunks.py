"""Trunks as carriers need them, end to end.

- A trunk that names its country: a national dialled number and calling
  number reach the flow as E.164 (the record shows them so).
- outbound.trunk.country: an API transfer to a national number is dialled
  as E.164 through the trunk; without a country only "+..." numbers are
  numbers (400), as Connect requires E.164.
- outbound.trunk.register: the daemon registers with the carrier (a
  scriptable registrar here: digest challenge, then 200), refreshes the
  registration before it expires, shows it in /metrics, and unregisters
  (expires 0) when it stops.
- The trunk's credentials answer a 407 to an outbound INVITE.
"""
import re
import unittest

import cfd
from daemon import Daemon, wait_for
from sipua import RtpPhone, SipUa, digest_ok, sdp_media

IVR = cfd.data("e2e", "flows", "ivr.json")
TO_SALES = cfd.data("e2e", "leg-flows", "to_sales.json")
REALM = "carrier.example"


class Trunks(unittest.TestCase):

    def setUp(self):
        self.d = None
        self.stops = []

    def tearDown(self):
        for s in reversed(self.stops):
            s()
        if self.d:
            rc = self.d.stop()
            log = self.d.log()
            self.d.cleanup()
            self.assertEqual(rc, 0, log[-3000:])
            self.assertNotIn("ERROR: AddressSanitizer", log)
            self.assertNotIn("LeakSanitizer", log)

    def ua(self, user):
        u = SipUa(user)
        self.stops.append(u.stop)
        return u

    def phone(self, hz):
        p = RtpPhone(hz)
        self.stops.append(p.stop)
        return p

    def test_national_numbers_inbound(self):
        self.d = Daemon(flows=[IVR], numbers={"+14155550100": "E2E IVR"},
                        trunks=[{"name": "us-carrier",
                                 "allow": ["127.0.0.1/32"],
                                 "country": "US"}]).start()
        ua, ph = self.ua("caller"), self.phone(800)
        ua.call(self.d.sip_port, "4155550100", ph.port,
                caller="4155550123")
        ua.bye()
        rec = self.d.wait_records(1)[0]
        self.assertEqual(rec["SystemEndpoint"]["Address"], "+14155550100")
        self.assertEqual(rec["CustomerEndpoint"]["Address"], "+14155550123")

    def test_bad_country_refused(self):
        d = Daemon(flows=[IVR], trunks=[{"name": "x", "allow": ["127.0.0.1"],
                                         "country": "XX"}])
        try:
            import subprocess
            r = subprocess.run([cfd.DAEMON, "--check-config", "--config",
                                d.config_path], capture_output=True,
                               text=True, timeout=30)
            self.assertEqual(r.returncode, 1)
            self.assertIn("trunks[0].country: expected one of US",
                          r.stdout + r.stderr)
        finally:
            d.cleanup()

    def outbound_daemon(self, carrier, **trunk):
        self.d = Daemon(flows=[TO_SALES], numbers={
            "+18005550100": "E2E Legs To Sales"}, config={
            "queues": [{"name": "Sales"}],
            "outbound": {"trunk": dict({"address": "127.0.0.1:%d" %
                                        carrier.port}, **trunk),
                         "caller_id": "+18005550100",
                         "allowed_patterns": ["^\\+1415"]}})
        self.d.start()
        return self.d

    def test_transfer_to_a_national_number_with_digest(self):
        carrier = self.ua("carrier")
        self.outbound_daemon(carrier, country="US", username="acct7",
                             password="Carrier-Secret-9")
        caller, cph = self.ua("caller"), self.phone(800)
        resp = caller.call(self.d.sip_port, "+18005550100", cph.port)
        addr, port, _ = sdp_media(resp.body)
        cph.set_remote((addr, port))
        cid = wait_for(lambda: self.d.http("GET", "/v1/contacts")[1]
                       ["contacts"], 15, "the contact")[0]["ContactId"]

        # without a country "4155550199" would not be a number; with US
        # it is +14155550199, dialled with the trunk's credentials
        code, body = self.d.http("POST", "/v1/contacts/%s/transfer" % cid,
                                 {"number": "(415) 555-0199"})
        self.assertEqual(code, 200, body)
        tph = self.phone(600)
        inv = carrier.answer(tph.port, auth=("acct7", "Carrier-Secret-9",
                                              REALM))
        self.assertTrue(inv.start.startswith(
            "INVITE sip:+14155550199@127.0.0.1:%d" % carrier.port),
            inv.start)
        tph.set_remote(sdp_media(inv.body)[:2])
        tph.wait_hears(800, what="the third party hearing the caller")
        carrier.bye()
        rec = self.d.wait_records(1)[0]
        self.assertEqual(rec["DisconnectReason"], "THIRD_PARTY_DISCONNECT")
        self.assertEqual(rec["TransferredToEndpoint"]["Address"],
                         "+14155550199")

    def test_without_a_country_only_e164(self):
        carrier = self.ua("carrier")
        self.outbound_daemon(carrier)
        caller, cph = self.ua("caller"), self.phone(800)
        resp = caller.call(self.d.sip_port, "+18005550100", cph.port)
        cid = wait_for(lambda: self.d.http("GET", "/v1/contacts")[1]
                       ["contacts"], 15, "the contact")[0]["ContactId"]
        code, body = self.d.http("POST", "/v1/contacts/%s/transfer" % cid,
                                 {"number": "4155550199"})
        self.assertEqual(code, 400, body)
        self.assertIn("not a phone number", body["error"])
        caller.bye()
        self.d.wait_records(1)

    def test_registers_refreshes_and_unregisters(self):
        carrier = self.ua("carrier")
        self.outbound_daemon(carrier, username="acct7",
                             password="Carrier-Secret-9",
                             domain="carrier.example",
                             register={"expires_seconds": 10})
        seen = []
        for n in range(2):
            reg = carrier.wait_request("REGISTER", 30)
            self.assertIn("sip:acct7@carrier.example", reg.get("To", "t"))
            nonce = carrier.challenge(reg, REALM, 401)
            reg = carrier.wait_request("REGISTER", 30)
            self.assertTrue(digest_ok(reg.get("Authorization") or "",
                                      "REGISTER", ("acct7",
                                                   "Carrier-Secret-9", REALM),
                                      nonce), reg.get("Authorization"))
            carrier._reply(reg, 200, "OK")
            seen.append(reg)
            if n == 0:
                wait_for(lambda: self.metric("callflowd_trunk_registered")
                         == 1, 10, "registered in /metrics")
        self.assertEqual(self.metric("callflowd_trunk_registrations_total"),
                         2)
        self.assertIn("trunk: registered as sip:acct7@carrier.example",
                      self.d.log())
        # stopping unregisters: expires 0
        self.d.proc.send_signal(15)
        bye = carrier.wait_request("REGISTER", 20)
        self.assertTrue(re.search(r"expires=0|^Expires:\s*0",
                                  "\n".join(v for k, v in bye.headers
                                            if k.lower() in ("contact",
                                                             "expires"))
                                  + "\n" + str(bye.headers), re.M | re.I),
                        bye.headers)

    def metric(self, name):
        import urllib.request
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" %
                                    self.d.http_port, timeout=5) as r:
            text = r.read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None


if __name__ == "__main__":
    unittest.main()
