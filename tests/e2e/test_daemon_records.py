"""Records, flow logs, the crash journal and /metrics on the real daemon.

A caller keys a code (SIP INFO) into a flow that turns flow logging on
halfway: flow log lines exist for the actions after that point only, and
neither the stored code nor a redacted attribute's value is in any file
under data_dir. A live call survives a `kill -9` of the daemon as exactly
one record (DisconnectReason OTHER) written when it starts again, and no
record is ever written twice. /metrics is parsed against the Prometheus
text exposition grammar and its counters move with calls.
"""
import json
import os
import re
import signal
import subprocess
import time
import unittest
import urllib.request

from daemon import SIPP_DIR, Daemon, Sipp, sip_invite, wait_for

N_LOG = "+18005550171"
N_HOLD = "+18005550172"
CODE = "918273645"
CARD = "4111-secret-card-value"


def action(ident, typ, params, nxt=None):
    tr = {}
    if nxt:
        tr = {"NextAction": nxt,
              "Errors": [{"ErrorType": "NoMatchingError",
                          "NextAction": "hangup"}]}
    return {"Identifier": ident, "Type": typ, "Parameters": params,
            "Transitions": tr}


def flow_file(name, start, actions):
    content = {"Version": "2019-10-30", "StartAction": start,
               "Actions": actions + [
                   action("hangup", "DisconnectParticipant", {})]}
    return {"Name": name, "Type": "CONTACT_FLOW",
            "Content": json.dumps(content)}


LOG_FLOW = flow_file("E2E Flow Logs", "stamp", [
    action("stamp", "UpdateContactAttributes",
           {"Attributes": {"Tier": "gold", "Card": CARD}}, "on"),
    action("on", "UpdateFlowLoggingBehavior",
           {"FlowLoggingBehavior": "Enabled"}, "greet"),
    action("greet", "MessageParticipant",
           {"Text": "Hello $.Attributes.Tier"}, "code"),
    {"Identifier": "code", "Type": "GetParticipantInput",
     "Parameters": {"Text": "Enter your code, then press pound.",
                    "StoreInput": "True", "InputTimeLimitSeconds": "8",
                    "DTMFConfiguration": {
                        "InputTerminationSequence": "#",
                        "InterdigitTimeLimitSeconds": "3"}},
     "Transitions": {"NextAction": "after", "Errors": [
         {"ErrorType": "InputTimeLimitExceeded", "NextAction": "hangup"},
         {"ErrorType": "NoMatchingError", "NextAction": "hangup"}]}},
    action("after", "UpdateContactAttributes",
           {"Attributes": {"Step": "after $.Attributes.Tier",
                           "Card": "$.Attributes.Card"}}, "hangup"),
])

HOLD_FLOW = flow_file("E2E Hold", "stamp", [
    action("stamp", "UpdateContactAttributes",
           {"Attributes": {"Phase": "holding", "Card": CARD}}, "rec"),
    action("rec", "UpdateContactRecordingBehavior",
           {"RecordingBehavior": {"RecordedParticipants": ["Customer"],
                                  "IVRRecordingBehavior": "Enabled"}},
           "wait"),
    {"Identifier": "wait", "Type": "Wait",
     "Parameters": {"TimeLimitSeconds": "3600"},
     "Transitions": {"NextAction": "hangup", "Errors": [
         {"ErrorType": "NoMatchingError", "NextAction": "hangup"}]}},
])

INFO = """
  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:+15551230001@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: %(cseq)d INFO
      [routes]
      Contact: <sip:caller@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/dtmf
      Content-Length: [len]

      %(key)s
    ]]>
  </send>
  <recv response="200"/>
"""


def keys_scenario(path, keys):
    """A SIPp caller that sends keys as SIP INFO once the prompt plays,
    then waits for the daemon's BYE."""
    with open(os.path.join(SIPP_DIR, "uac_info_dtmf.xml")) as f:
        base = f.read()
    head = base[:base.index("<send retrans=\"500\">\n    <![CDATA[\n"
                            "      INFO")]
    tail = base[base.index("<recv request=\"BYE\""):]
    infos = '  <pause milliseconds="150"/>\n'.join(
        INFO % {"cseq": i + 2, "key": k} for i, k in enumerate(keys))
    with open(path, "w") as f:
        f.write(head + infos + "\n  " + tail)
    return path


def all_files(root):
    for dirpath, _, names in os.walk(root):
        for n in names:
            yield os.path.join(dirpath, n)


def flow_log_lines(data_dir):
    lines = []
    for p in sorted(all_files(os.path.join(data_dir, "flow-logs"))):
        assert re.search(r"flow-logs/\d{4}/\d{2}/\d{2}/flow-logs\.jsonl$",
                         p), p
        with open(p) as f:
            lines += [json.loads(x) for x in f if x.strip()]
    return lines


# The Prometheus text exposition format, version 0.0.4.
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:\\[\\"n]|[^"\\\n])*"'
VALUE = r"(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)" \
        r"|[+-]?Inf|NaN)"
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*,?)?\})? (%s)(?: -?\d+)?$" %
                    (NAME, LABEL, LABEL, VALUE))
HELP = re.compile(r"^# HELP (%s) (.*)$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|"
                  r"untyped)$" % NAME)


def parse_metrics(text):
    """{(name, labels): value}, failing on anything off the grammar."""
    assert text.endswith("\n"), "exposition must end with a newline"
    types, helps, samples = {}, set(), {}
    for line in text.split("\n")[:-1]:
        m = TYPE.match(line)
        if m:
            assert m.group(1) not in types, "TYPE twice: " + line
            assert not any(k[0] == m.group(1) for k in samples), \
                "TYPE after samples: " + line
            types[m.group(1)] = m.group(2)
            continue
        m = HELP.match(line)
        if m:
            assert m.group(1) not in helps, "HELP twice: " + line
            helps.add(m.group(1))
            continue
        assert not line.startswith("#"), "bad comment line: %r" % line
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        name, labels = m.group(1), m.group(2) or ""
        assert name in types, "sample without TYPE: " + line
        if types[name] == "counter":
            assert name.endswith("_total"), line
        assert (name, labels) not in samples, "duplicate sample: " + line
        samples[(name, labels)] = float(m.group(3))
    assert set(types) == helps, "every family has HELP and TYPE"
    return samples


class Records(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(numbers={N_LOG: "E2E Flow Logs",
                                 N_HOLD: "E2E Hold"},
                        config={"records": {"redact_attributes": ["Card"]}})
        for name, flow in (("logs.json", LOG_FLOW),
                           ("hold.json", HOLD_FLOW)):
            with open(os.path.join(self.d.flows_dir, name), "w") as f:
                json.dump(flow, f)
        self.d.start()
        self.sipps = []

    def tearDown(self):
        for s in self.sipps:
            s.kill()
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0, "callflowd exit code")

    def metrics(self):
        url = "http://127.0.0.1:%d/metrics" % self.d.http_port
        with urllib.request.urlopen(url, timeout=5) as r:
            ctype = r.headers.get("Content-Type", "")
            self.assertTrue(ctype.startswith("text/plain; version=0.0.4"),
                            ctype)
            return parse_metrics(r.read().decode())

    def code_call(self):
        scen = keys_scenario(os.path.join(self.d.dir, "uac_code.xml"),
                             list(CODE) + ["#"])
        sipp = Sipp(self.d, scen, N_LOG[1:])
        self.sipps.append(sipp)
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + self.d.log()[-3000:])

    def test_flow_logs_after_enabling_and_no_secrets(self):
        self.code_call()
        rec = self.d.wait_records(1)[-1]
        self.assertEqual(rec["Attributes"]["Tier"], "gold")
        self.assertEqual(rec["Attributes"]["Step"], "after gold")
        self.assertEqual(rec["Attributes"]["Card"], "***")
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")

        def logged():
            ls = flow_log_lines(self.d.data_dir)
            return len(ls) >= 4 and ls
        lines = wait_for(logged, 20, "4 flow log lines")
        self.assertEqual([x["Identifier"] for x in lines],
                         ["greet", "code", "after", "hangup"])
        for x in lines:
            self.assertEqual(x["ContactId"], rec["ContactId"])
            self.assertEqual(x["ContactFlowName"], "E2E Flow Logs")
            self.assertRegex(x["Timestamp"],
                             r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            self.assertIn("Type", x)
            self.assertIn("Parameters", x)
        greet, code, after, hangup = lines
        self.assertEqual(greet["Type"], "MessageParticipant")
        self.assertEqual(greet["Parameters"], {"Text": "Hello gold"})
        self.assertEqual(greet["Say"], "Hello gold")
        self.assertEqual(greet["Branch"], "NextAction")
        self.assertEqual(code["Type"], "GetParticipantInput")
        self.assertEqual(code["Parameters"]["StoreInput"], "True")
        self.assertNotIn("Results", code)
        self.assertEqual(after["Parameters"]["Attributes"],
                         {"Step": "after gold", "Card": "***"})
        self.assertEqual(hangup["Type"], "DisconnectParticipant")

        # stop so every file is complete, then grep them all
        self.assertEqual(self.d.stop(), 0)
        seen = 0
        for p in all_files(self.d.data_dir):
            with open(p, "rb") as f:
                blob = f.read()
            seen += 1
            self.assertNotIn(CODE.encode(), blob, p)
            self.assertNotIn(CARD.encode(), blob, p)
        self.assertGreaterEqual(seen, 3)
        self.assertNotIn(CODE, self.d.log())

    def test_crash_leaves_one_record_per_contact(self):
        self.code_call()
        normal = self.d.wait_records(1)[-1]["ContactId"]

        sipp = Sipp(self.d, "uac_silent.xml", N_HOLD[1:]).start()
        self.sipps.append(sipp)

        def live():
            _, body = self.d.http("GET", "/v1/contacts")
            return body["contacts"]
        held = wait_for(live, 20, "a live contact")[0]["ContactId"]
        journal = os.path.join(self.d.data_dir, "records", "journal.jsonl")

        def journaled():
            with open(journal) as f:
                return "holding" in f.read()
        wait_for(journaled, 20, "the held contact's attributes journaled")
        before = time.time()

        self.d.proc.kill()		# kill -9: no record written
        self.d.proc.wait()
        self.d._log.close()
        sipp.kill()
        self.assertEqual([r["ContactId"] for r in self.d.records()],
                         [normal])

        self.d.start()
        recs = self.d.records()
        self.assertEqual([r["ContactId"] for r in recs], [normal, held])
        r = recs[1]
        self.assertEqual(r["DisconnectReason"], "OTHER")
        self.assertEqual(r["Attributes"]["Phase"], "holding")
        self.assertEqual(r["Attributes"]["Card"], "***")
        self.assertEqual(r["ContactFlowName"], "E2E Hold")
        self.assertGreaterEqual(r["DisconnectTimestamp"],
                                r["InitiationTimestamp"])
        bound = time.strftime("%Y-%m-%dT%H:%M:%S",
                              time.gmtime(before + 1))
        self.assertLessEqual(r["DisconnectTimestamp"][:19], bound)
        self.assertIn("journal", self.d.log())
        # its IVR recording, left open by the crash, stops with it and
        # plays: the WAV sizes were set from what reached the disk
        part = r["Recordings"][0]
        self.assertEqual(part["ParticipantType"], "IVR")
        self.assertEqual(part["StopTimestamp"], r["DisconnectTimestamp"])
        self.assertIn("recording %s repaired" % part["Location"],
                      self.d.log())
        secs = subprocess.run(["soxi", "-D", part["Location"]],
                              capture_output=True, text=True, check=True,
                              timeout=30).stdout
        self.assertGreater(float(secs), 0.5)

        # a clean restart recovers nothing more
        self.assertEqual(self.d.stop(), 0)
        self.d.start()
        self.assertEqual([x["ContactId"] for x in self.d.records()],
                         [normal, held])
        code, _ = self.d.http("GET", "/health")
        self.assertEqual(code, 200)

    def test_metrics_move_with_calls(self):
        m0 = self.metrics()
        for fam in ("callflowd_contacts_active",
                    "callflowd_flow_errors_total", "callflowd_reloads_total",
                    "callflowd_flows_loaded",
                    "callflowd_tts_cache_hits_total",
                    "callflowd_tts_cache_misses_total",
                    "callflowd_records_written_total",
                    "callflowd_rtp_live_rx_packets",
                    "callflowd_process_start_time_seconds"):
            self.assertIn((fam, ""), m0, fam)
        self.assertEqual(m0[("callflowd_flows_loaded", "")], 2)
        self.assertEqual(m0[("callflowd_contacts_active", "")], 0)
        self.assertAlmostEqual(
            m0[("callflowd_process_start_time_seconds", "")], time.time(),
            delta=120)
        ans = ("callflowd_calls_total", '{result="answered"}')
        rej = ("callflowd_calls_total", '{result="rejected"}')
        self.assertEqual(m0[ans], 0)

        # a live call: one contact with an RTP stream
        sipp = Sipp(self.d, "uac_silent.xml", N_HOLD[1:]).start()
        self.sipps.append(sipp)
        live = wait_for(
            lambda: self.metrics()[("callflowd_contacts_active", "")] == 1
            and self.metrics(), 20, "an active contact in /metrics")
        self.assertEqual(live[("callflowd_rtp_streams", "")], 1)
        self.assertEqual(live[("callflowd_journal_contacts", "")], 1)
        sent = wait_for(
            lambda: self.metrics()[("callflowd_rtp_live_tx_packets", "")]
            or None, 20, "the prompt's RTP sent")
        sipp.kill()
        self.d.signal(signal.SIGHUP)
        self.d.wait_log("reload: ")

        # a finished call and a rejected INVITE
        self.code_call()
        self.d.wait_records(1)
        resp = sip_invite(self.d.sip_port, "+18009999999")
        self.assertEqual(resp[-1][0], 404)
        m1 = wait_for(lambda: self.metrics()[rej] >= 1 and self.metrics(),
                      10, "the rejected call counted")
        self.assertEqual(m1[ans], 2)
        self.assertEqual(m1[rej], m0[rej] + 1)
        self.assertEqual(m1[("callflowd_reloads_total", "")], 1)
        self.assertGreaterEqual(
            m1[("callflowd_records_written_total", "")], 2)
        self.assertGreater(
            m1[("callflowd_records_written_total", "")],
            m0[("callflowd_records_written_total", "")])
        self.assertEqual(m1[("callflowd_records_failures_total", "")], 0)
        # the counters hold the live call's packets and, beyond them,
        # those of the call that ended (its prompts): not only the gauges
        tx = ("callflowd_rtp_tx_packets_total", "")
        live_tx = ("callflowd_rtp_live_tx_packets", "")
        self.assertGreaterEqual(m1[live_tx], sent)
        self.assertGreater(m1[tx] - m1[live_tx], m0[tx])
        self.assertGreater(m1[("callflowd_rtp_rx_packets_total", "")],
                           m0[("callflowd_rtp_rx_packets_total", "")])
        self.assertEqual(m1[("callflowd_flow_log_lines_total", "")], 4)
        self.assertGreater(
            m1[("callflowd_tts_cache_hits_total", "")] +
            m1[("callflowd_tts_cache_misses_total", "")],
            m0[("callflowd_tts_cache_hits_total", "")] +
            m0[("callflowd_tts_cache_misses_total", "")])

    def test_grammar_checker_rejects_bad_text(self):
        bad = ["x 1\n",                                   # no TYPE
               "# TYPE x gauge\n# TYPE x gauge\nx 1\n",   # TYPE twice
               "# HELP x h\n# TYPE x gauge\nx{a=b} 1\n",  # unquoted
               "# HELP x h\n# TYPE x gauge\nx one\n",     # bad value
               "# HELP x h\n# TYPE x gauge\nx 1"]         # no newline
        for text in bad:
            with self.assertRaises(AssertionError, msg=text):
                parse_metrics(text)
        self.assertEqual(parse_metrics(
            '# HELP x_total h\n# TYPE x_total counter\n'
            'x_total{a="b",c="d\\"e"} 1.5e3\n'),
            {("x_total", '{a="b",c="d\\"e"}'): 1500.0})


if __name__ == "__main__":
    unittest.main()
