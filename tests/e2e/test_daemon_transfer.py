"""Transfers end to end. A SIPp caller reaches a flow that transfers it to
a third party: a SIPp UAS on 127.0.0.1 stands behind the configured
outbound trunk, its media goes to an RTP listener in the test, which
decodes the RFC 4733 digits the daemon sends after the answer. The flow
resumes after the third party hangs up (ContinueFlowExecution True) or is
done with the contact at the answer (False); numbers outside
outbound.allowed_patterns are refused (CallFailed, a log line); an
unanswered third party hits the time limit. Blind transfers over the API
(queue, agent, number) open the next segment or dial out, with 400/403/
404/409 errors; an agent's REFER (baresip `transfer`) moves the caller to
another queue and the agent into after-contact work."""
import os
import socket
import struct
import threading
import unittest

import cfd
from baresip import Baresip
from daemon import Daemon, Sipp, free_port, wait_for

FLOWS_DIR = cfd.data("e2e", "transfer-flows")
QUEUE_FLOW = cfd.data("e2e", "agent-flows", "queue.json")
WHISPERS = [cfd.data("e2e", "agent-flows", f) for f in
            ("agent_whisper.json", "customer_whisper.json")]

NUMBERS = {
    "+18005550101": "E2E Third party continue",
    "+18005550102": "E2E Third party end",
    "+18005550103": "E2E Third party blocked",
    "+18005550104": "E2E Third party timeout",
    "+18005550105": "E2E Xfer To Sales",
}

ROUTING = {
    "queues": [{"name": "Sales"}, {"name": "Support", "quick_connect": "2002"}],
    "routing_profiles": [{"name": "Sales profile",
                          "queues": [{"queue": "Sales", "priority": 1}],
                          "after_contact_work_seconds": 30,
                          "ring_timeout_seconds": 15}],
    "agents": [{"username": "agent1", "password": "s3cret-One",
                "routing_profile": "Sales profile"},
               {"username": "agent2", "password": "s3cret-Two",
                "routing_profile": "Sales profile"}],
}


def flows(*names):
    return [os.path.join(FLOWS_DIR, n) for n in names]


class RtpListener:
    """The third party's media port: collects the RFC 4733 events (PT
    101, end bit) it receives, in order."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.keys = []
        self.packets = 0
        self._last_ts = None
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop:
            try:
                data, _ = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 16:
                continue
            self.packets += 1
            cc = data[0] & 0x0f
            pt = data[1] & 0x7f
            ts = struct.unpack("!I", data[4:8])[0]
            body = data[12 + 4 * cc:]
            if pt != 101 or len(body) < 4 or not body[1] & 0x80:
                continue
            if ts == self._last_ts:
                continue        # the end packet is sent three times
            self._last_ts = ts
            self.keys.append("0123456789*#ABCD"[body[0]]
                             if body[0] < 16 else "?")

    def close(self):
        self._stop = True
        self._t.join(2)
        self.sock.close()


class Transfer(unittest.TestCase):

    def setUp(self):
        self.d = None
        self.peers = []
        self.rtp = None

    def tearDown(self):
        for p in self.peers:
            if isinstance(p, Sipp):
                p.kill()
                if getattr(p, "out", None):
                    p.out.close()
            else:
                p.stop()
                p.cleanup()
        if self.rtp:
            self.rtp.close()
        if not self.d:
            return
        rc = self.d.stop()
        log = self.d.log()
        self.d.cleanup()
        self.assertEqual(rc, 0, log[-3000:])
        self.assertNotIn("ERROR: AddressSanitizer", log)
        self.assertNotIn("LeakSanitizer", log)

    def daemon(self, flow_files, third_party=None, patterns=("^\\+1800",),
               extra=None):
        """A daemon whose outbound trunk is the SIPp UAS third_party
        (scenario file), started before the daemon."""
        self.d = Daemon(flows=flow_files, numbers=NUMBERS,
                        config=dict(ROUTING, **(extra or {})))
        uas = None
        if third_party:
            self.rtp = RtpListener()
            args = []
            if third_party == "uas_answer_bye.xml":
                args = ["-set", "rtpport", str(self.rtp.port)]
            uas = Sipp(self.d, third_party, "tp", args=args, timeout=60)
            trunk = "127.0.0.1:%d" % uas.port
        else:
            trunk = "127.0.0.1:%d" % free_port()
        self.d.config["outbound"] = {
            "trunk": {"address": trunk, "transport": "udp"},
            "caller_id": "+18005550100",
            "allowed_patterns": list(patterns)}
        self.d.write_config()
        self.d.start()
        if uas:
            self.peers.append(uas)
            uas.start()
        return uas

    def caller(self, number, scenario="uac_until_bye.xml"):
        c = Sipp(self.d, scenario, number, timeout=60)
        self.peers.append(c)
        return c.start()

    def record(self, pred, n=1):
        recs = self.d.wait_records(n)
        return wait_for(lambda: [r for r in self.d.records() if pred(r)],
                        20, "record")[0]

    # -- TransferParticipantToThirdParty --

    def test_third_party_continue(self):
        uas = self.daemon(flows("third_party_continue.json"),
                          "uas_answer_bye.xml")
        caller = self.caller("+18005550101")
        self.assertEqual(uas.wait(60), 0, uas.errors())
        self.assertEqual(caller.wait(60), 0, caller.errors())
        r = self.d.wait_records(1)[0]
        self.assertEqual(r["TransferredToEndpoint"],
                         {"Address": "+18005550199",
                          "Type": "TELEPHONE_NUMBER"})
        self.assertTrue(r["TransferCompletedTimestamp"])
        # the flow went on after the third party hung up
        self.assertEqual(r["Attributes"].get("after_transfer"), "resumed")
        self.assertNotIn("transfer_result", r["Attributes"])
        self.assertEqual(r["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        # ThirdPartyDTMFDigits "1,#" as RFC 4733 events after the answer
        self.assertEqual(self.rtp.keys, ["1", "#"])
        self.assertIn("calling +18005550199", self.d.log())

    def test_third_party_end(self):
        uas = self.daemon(flows("third_party_end.json"),
                          "uas_answer_bye.xml")
        caller = self.caller("+18005550102")
        self.assertEqual(uas.wait(60), 0, uas.errors())
        self.assertEqual(caller.wait(60), 0, caller.errors())
        r = self.d.wait_records(1)[0]
        self.assertEqual(r["TransferredToEndpoint"]["Address"],
                         "+18005550199")
        # the flow was done at the answer: nothing after it ran
        self.assertNotIn("after_transfer", r["Attributes"])
        self.assertNotIn("transfer_result", r["Attributes"])
        self.assertEqual(r["DisconnectReason"], "THIRD_PARTY_DISCONNECT")
        self.assertNotIn("Failure", r)
        # the caller's audio reached the third party over the bridge
        self.assertGreater(self.rtp.packets, 20)

    def test_third_party_not_allowed(self):
        self.daemon(flows("third_party_blocked.json"))
        caller = self.caller("+18005550103")
        self.assertEqual(caller.wait(60), 0, caller.errors())
        r = self.d.wait_records(1)[0]
        self.assertEqual(r["Attributes"].get("transfer_result"),
                         "CallFailed")
        self.assertNotIn("TransferredToEndpoint", r)
        self.assertIn("dialling +19005550123 refused: no "
                      "outbound.allowed_patterns entry matches",
                      self.d.log())

    def test_third_party_time_limit(self):
        uas = self.daemon(flows("third_party_timeout.json"),
                          "uas_ring_cancel.xml")
        caller = self.caller("+18005550104")
        self.assertEqual(uas.wait(60), 0, uas.errors())
        self.assertEqual(caller.wait(60), 0, caller.errors())
        r = self.d.wait_records(1)[0]
        self.assertEqual(r["Attributes"].get("transfer_result"),
                         "ConnectionTimeLimitExceeded")
        self.assertNotIn("TransferredToEndpoint", r)

    # -- the API --

    def queued_contact(self):
        wait_for(lambda: [c for c in self.d.http("GET", "/v1/contacts")[1]
                          ["contacts"] if c["state"] == "Queued"], 20,
                 "a queued contact")
        return self.d.http("GET", "/v1/contacts")[1]["contacts"][0]

    def test_api_errors_and_queue_transfer(self):
        self.daemon(flows("to_sales.json", "queue_transfer.json") +
                    [QUEUE_FLOW], patterns=("^\\+1800555",))
        caller = self.caller("+18005550105")
        c = self.queued_contact()
        cid = c["ContactId"]
        path = "/v1/contacts/%s/transfer" % cid

        code, body = self.d.http("POST", path, {"queue": "Sales",
                                                "agent": "agent1"})
        self.assertEqual(code, 400, body)
        code, body = self.d.http("POST", path, {"number": "not a number"})
        self.assertEqual(code, 400, body)
        code, body = self.d.http("POST", "/v1/contacts/nope/transfer",
                                 {"queue": "Sales"})
        self.assertEqual(code, 404, body)
        code, body = self.d.http("POST", path, {"queue": "Nowhere"})
        self.assertEqual(code, 404, body)
        self.assertIn("Nowhere", body["error"])
        code, body = self.d.http("POST", path, {"number": "+19005550000"})
        self.assertEqual(code, 403, body)
        self.assertIn("dialling +19005550000 refused", self.d.log())
        code, body = self.d.http("GET", path)
        self.assertEqual(code, 405, body)

        code, body = self.d.http("POST", path, {"queue": "Support"})
        self.assertEqual(code, 200, body)
        self.assertEqual(body["ContactId"], cid)
        nxt = body["CurrentContactId"]
        self.assertNotEqual(nxt, cid)

        # the next segment: the transfer flow ran, then it waits in Support
        wait_for(lambda: [x for x in self.d.http("GET", "/v1/contacts")[1]
                          ["contacts"] if x["ContactId"] == nxt and
                          x["state"] == "Queued" and
                          x["queue"] == "Support"], 20, "queued in Support")
        first = self.record(lambda r: r["ContactId"] == cid)
        self.assertEqual(first["NextContactId"], nxt)
        self.assertEqual(first["Queue"]["Name"], "Sales")
        self.assertTrue(first["TransferCompletedTimestamp"])

        # a second transfer of the same live contact to an agent's queue
        code, body = self.d.http("POST", "/v1/contacts/%s/transfer" % nxt,
                                 {"agent": "agent2"})
        self.assertEqual(code, 200, body)
        third = body["CurrentContactId"]
        # the old id is no longer live
        code, body = self.d.http("POST", path, {"queue": "Sales"})
        self.assertEqual(code, 404, body)

        caller.kill()
        self.d.stop()
        recs = self.d.records()
        by_id = {r["ContactId"]: r for r in recs}
        second = by_id[nxt]
        self.assertEqual(second["PreviousContactId"], cid)
        self.assertEqual(second["InitialContactId"], cid)
        self.assertEqual(second["InitiationMethod"], "TRANSFER")
        self.assertEqual(second["Attributes"].get("via"),
                         "queue transfer flow")
        self.assertEqual(second["Queue"]["Name"], "Support")
        self.assertEqual(second["NextContactId"], third)
        last = by_id[third]
        self.assertEqual(last["PreviousContactId"], nxt)
        self.assertEqual(last["InitialContactId"], cid)
        self.assertEqual(last["Queue"]["Name"], "agent2")  # its agent queue
        self.assertNotIn("NextContactId", last)

    def test_api_number_transfer(self):
        uas = self.daemon(flows("to_sales.json") + [QUEUE_FLOW],
                          "uas_answer_bye.xml")
        caller = self.caller("+18005550105")
        cid = self.queued_contact()["ContactId"]
        code, body = self.d.http("POST", "/v1/contacts/%s/transfer" % cid,
                                 {"number": "+1 800 555 0199"})
        self.assertEqual(code, 200, body)
        # while the third party rings or talks, no second transfer
        code, body = self.d.http("POST", "/v1/contacts/%s/transfer" % cid,
                                 {"queue": "Support"})
        self.assertEqual(code, 409, body)
        self.assertEqual(uas.wait(60), 0, uas.errors())
        self.assertEqual(caller.wait(60), 0, caller.errors())
        r = self.d.wait_records(1)[0]
        self.assertEqual(r["TransferredToEndpoint"]["Address"],
                         "+18005550199")
        self.assertEqual(r["DisconnectReason"], "THIRD_PARTY_DISCONNECT")

    # -- the agent's REFER --

    def refer_to_support(self, user):
        self.daemon(flows("to_sales.json") + [QUEUE_FLOW] + WHISPERS)
        agent = Baresip(self.d.dir, "agent1", register_to=self.d.sip_port,
                        password="s3cret-One")
        self.peers.append(agent)
        agent.start()
        wait_for(lambda: self.d.http("GET", "/v1/agents/agent1")[1]
                 ["device"], 15, "agent device")
        code, a = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200, a)

        caller = self.caller("+18005550105")
        agent.wait_event("CALL_ESTABLISHED", 20)
        self.d.wait_log("customer and agent joined")
        cid = self.d.http("GET", "/v1/contacts")[1]["contacts"][0][
            "ContactId"]
        r = agent.command("transfer", "sip:%s@127.0.0.1:%d" %
                          (user, self.d.sip_port))
        self.assertTrue(r.get("ok"), r)
        # the agent's call ends; the agent goes to after-contact work
        agent.wait_event("CALL_CLOSED", 20)
        wait_for(lambda: self.d.http("GET", "/v1/agents/agent1")[1]
                 ["state"] == "AfterContactWork", 20, "agent in ACW")
        first = self.record(lambda r: r["ContactId"] == cid)
        nxt = first["NextContactId"]
        self.assertEqual(first["Agent"]["Username"], "agent1")
        self.assertEqual(first["DisconnectReason"], "AGENT_DISCONNECT")
        wait_for(lambda: [x for x in self.d.http("GET", "/v1/contacts")[1]
                          ["contacts"] if x["ContactId"] == nxt and
                          x["queue"] == "Support"], 20, "in Support")
        caller.kill()
        self.d.stop()
        second = [r for r in self.d.records() if r["ContactId"] == nxt][0]
        self.assertEqual(second["PreviousContactId"], cid)
        self.assertEqual(second["InitiationMethod"], "TRANSFER")
        self.assertEqual(second["Queue"]["Name"], "Support")


    def test_agent_refer_to_queue(self):
        self.refer_to_support("Support")

    def test_agent_refer_to_quick_connect(self):
        # the queue's quick-connect extension reaches the same queue
        self.refer_to_support("2002")

if __name__ == "__main__":
    unittest.main()
