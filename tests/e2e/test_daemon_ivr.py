"""A carrier's call through an IVR, end to end: SIPp dials the daemon,
hears the prompts, presses keys as RFC 4733 events (the pcaps Debian's
sip-tester ships), the flow compares and sets attributes, the daemon hangs
up, and the contact record holds the attributes."""
import unittest

import cfd
from daemon import Daemon, Sipp

IVR = cfd.data("e2e", "flows", "ivr.json")
WHO = cfd.data("e2e", "flows", "who.json")
NUMBER = "+18005550100"


class Ivr(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=[IVR, WHO],
                        numbers={NUMBER: "E2E IVR", "+18005550177": "E2E Who"})
        self.d.start()

    def tearDown(self):
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0, "callflowd exit code")

    def test_keys_reach_the_flow_and_the_record(self):
        sipp = Sipp(self.d, "uac_ivr.xml", "18005550100")
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + self.d.log()[-3000:])
        stats = sipp.stats()
        self.assertEqual(stats["SuccessfulCall(C)"], "1")
        self.assertEqual(stats["FailedCall(C)"], "0")

        rec = self.d.wait_records(1)[-1]
        attrs = rec["Attributes"]
        self.assertEqual(attrs.get("Menu"), "sales", rec)
        self.assertEqual(attrs.get("Code"), "2", rec)
        self.assertEqual(attrs.get("Result"), "code 2 accepted", rec)
        self.assertEqual(attrs.get("Caller"), "+15551230000")
        # $.Media.Sip.Headers: the INVITE's headers, by name
        self.assertEqual(attrs.get("TestId"), "1")
        self.assertIn("sip:+15551230000@127.0.0.1", attrs.get("From", ""))
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertEqual(rec["CustomerEndpoint"]["Address"], "+15551230000")
        self.assertEqual(rec["SystemEndpoint"]["Address"], NUMBER)
        self.assertEqual(rec["InitiationMethod"], "INBOUND")
        self.assertIsNotNone(rec["ConnectedToSystemTimestamp"])
        self.assertIsNotNone(rec["DisconnectTimestamp"])
        self.assertGreaterEqual(rec["DisconnectTimestamp"],
                                rec["InitiationTimestamp"])
        # stored input never reaches a record unless a flow copies it
        self.assertNotIn("StoredCustomerInput", str(rec))

    def test_caller_from_p_asserted_identity(self):
        # the carrier's asserted identity wins over From
        sipp = Sipp(self.d, "uac_pai.xml", "1-800-555-0177")
        self.assertEqual(sipp.run(), 0, sipp.errors())
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Attributes"]["Caller"], "+15557654321")
        self.assertEqual(rec["CustomerEndpoint"]["Address"], "+15557654321")
        # the dialled number, written with separators, is E.164 here
        self.assertEqual(rec["Attributes"]["Dialled"], "+18005550177")

    def test_live_contact_visible_in_api(self):
        sipp = Sipp(self.d, "uac_ivr.xml", "18005550100").start()
        try:
            def live():
                code, body = self.d.http("GET", "/v1/contacts")
                return code == 200 and body["contacts"]
            from daemon import wait_for
            contacts = wait_for(live, 20, "a live contact")
            c = contacts[0]
            self.assertEqual(c["dialled"], NUMBER)
            self.assertEqual(c["caller"], "+15551230000")
            self.assertEqual(c["flow"], "E2E IVR")
            self.assertEqual(c["state"], "InFlow")
            self.assertTrue(c["ContactId"])
        finally:
            rc = sipp.wait()
        self.assertEqual(rc, 0, sipp.errors())


if __name__ == "__main__":
    unittest.main()
