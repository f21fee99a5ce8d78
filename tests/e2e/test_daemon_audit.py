"""The audit trail (data_dir/audit/audit.jsonl): the daemon's start and
stop, reloads applied and refused, flow files loaded, rejected and
removed, API requests that change state (reads are not logged), requests
refused for want of a token (the token itself never written), and SIP
lock-outs, old days removed by retention, each a JSON line in order. And
the agent activity log
(data_dir/agent-events/YYYY/MM/DD/agent-events.jsonl)."""
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import unittest
import urllib.request

import cfd
from daemon import Daemon, wait_for
from test_daemon_registrar import AGENTS, Client

TOKEN = "audit-token-0123456789abcdef"
SAMPLE = os.path.join(cfd.SOURCE, "flows", "sample_inbound_flow.json")


def iso_ms(text):
    return datetime.datetime.fromisoformat(
        text.replace("Z", "+00:00")).timestamp() * 1000


class Audit(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=[SAMPLE], config={
            "agents": AGENTS,
            "records": {"retention": {"flow_logs_days": 7}}})
        self.addCleanup(self.d.cleanup)
        # an old day of flow logs, and a recent one
        for day in ("2020/01/01", "%s" % datetime.datetime.now(
                datetime.timezone.utc).strftime("%Y/%m/%d")):
            folder = os.path.join(self.d.data_dir, "flow-logs", day)
            os.makedirs(folder)
            with open(os.path.join(folder, "flow-logs.jsonl"), "w") as f:
                f.write("{}\n")
        self.d.start()

    def path(self):
        return os.path.join(self.d.data_dir, "audit", "audit.jsonl")

    def lines(self):
        try:
            with open(self.path()) as f:
                return [json.loads(l) for l in f if l.strip()]
        except FileNotFoundError:
            return []

    def wait_event(self, pred, what):
        return wait_for(lambda: [e for e in self.lines() if pred(e)] or None,
                        10, what)[-1]

    def test_admin_actions_in_order(self):
        start = self.wait_event(lambda e: e["Event"] == "start", "start")
        out = subprocess.run([cfd.DAEMON, "--version"], capture_output=True,
                             text=True, check=True).stdout
        self.assertEqual("callflowd " + start["Version"], out.strip())
        self.assertEqual(start["Flows"], 1)
        self.assertIsInstance(start["Pid"], int)

        # reads are not audited; changes are, with their JSON body
        code, _ = self.d.http("GET", "/v1/agents/agent1")
        self.assertEqual(code, 200)
        code, _ = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200)
        put = self.wait_event(lambda e: e["Event"] == "api", "the PUT")
        self.assertEqual(put["Method"], "PUT")
        self.assertEqual(put["Path"], "/v1/agents/agent1/status")
        self.assertEqual(put["Status"], 200)
        self.assertEqual(put["Body"], {"status": "Available"})
        self.assertTrue(put["Source"].startswith("127.0.0.1:"))
        code, _ = self.d.http("POST", "/v1/agents/nobody/clear")
        self.assertEqual(code, 404)
        miss = self.wait_event(lambda e: e.get("Status") == 404, "the 404")
        self.assertEqual(miss["Path"], "/v1/agents/nobody/clear")
        self.assertNotIn("Body", miss)

        # a reload applied, then one refused with its reason
        self.d.signal(signal.SIGHUP)
        ok = self.wait_event(lambda e: e["Event"] == "reload",
                             "the reload")
        self.assertEqual((ok["Trigger"], ok["Result"], ok["Flows"]),
                         ("SIGHUP", "applied", 1))
        with open(self.d.config_path, "w") as f:
            f.write("{ not json")
        self.d.signal(signal.SIGHUP)
        bad = self.wait_event(lambda e: e.get("Result") == "refused",
                              "the refused reload")
        self.assertTrue(bad["Reason"])
        self.d.write_config()

        # flow files: dropped in, broken, removed
        copy = os.path.join(self.d.flows_dir, "second.json")
        shutil.copy(SAMPLE, copy)
        self.wait_event(lambda e: e["Event"] == "flow" and
                        e["Result"] == "loaded", "a flow loaded")
        broken = os.path.join(self.d.flows_dir, "broken.json")
        with open(broken, "w") as f:
            f.write('{"Version": "2019-10-30", "Actions": [')
        self.wait_event(lambda e: e["Event"] == "flow" and
                        e["Result"] == "rejected" and
                        e["Path"].endswith("/broken.json"), "a rejection")
        os.unlink(copy)
        self.wait_event(lambda e: e["Event"] == "flow" and
                        e["Result"] == "removed" and
                        e["Path"].endswith("/second.json"), "a removal")

        # SIP digest lock-out
        c = Client(self.d.sip_port)
        self.addCleanup(c.close)
        for _ in range(5):
            _, ch = c.register("agent2")
            c.register("agent2", c.answer(ch, "agent2", "guess"))
        lock = self.wait_event(lambda e: e["Event"] == "lockout",
                               "a lock-out")
        self.assertIn(lock.get("User"), ("agent2", None))
        self.assertGreaterEqual(lock["Failures"], 5)

        # the agent's status changes went to the agent activity log too
        day = datetime.datetime.now(datetime.timezone.utc)
        alog = os.path.join(self.d.data_dir, "agent-events",
                            day.strftime("%Y/%m/%d"), "agent-events.jsonl")

        def agent_lines():
            try:
                with open(alog) as f:
                    return [json.loads(l) for l in f if l.strip()]
            except FileNotFoundError:
                return []
        status = wait_for(lambda: [e for e in agent_lines()
                                   if e["type"] == "agent.status" and
                                   e["agent"] == "agent1"][1:] or None,
                          10, "the agent's status change logged")
        # the baseline at start, then the change
        first = [e for e in agent_lines() if e["agent"] == "agent1"][0]
        self.assertEqual((first["type"], first["status"]),
                         ("agent.status", "Offline"))
        self.assertNotIn("previous", first)
        self.assertEqual((status[0]["status"], status[0]["previous"]),
                         ("Available", "Offline"))
        self.assertIn("agent2", [e["agent"] for e in agent_lines()])
        self.assertTrue(all(e["type"].startswith("agent.")
                            for e in agent_lines()))

        # retention: the old day went a few seconds after the start
        gone = self.wait_event(lambda e: e["Event"] == "retention",
                               "the retention sweep")
        self.assertEqual((gone["Kind"], gone["Day"], gone["Files"]),
                         ("flow-logs", "2020-01-01", 1))
        self.assertFalse(os.path.exists(
            os.path.join(self.d.data_dir, "flow-logs", "2020")))
        today = datetime.datetime.now(datetime.timezone.utc)
        self.assertTrue(os.path.exists(os.path.join(
            self.d.data_dir, "flow-logs", today.strftime("%Y/%m/%d"),
            "flow-logs.jsonl")))

        self.assertEqual(self.d.stop(), 0)
        events = self.lines()
        self.assertEqual(events[-1]["Event"], "stop")
        self.assertEqual(events[-1]["Reason"], "SIGTERM")
        times = [iso_ms(e["Time"]) for e in events]
        self.assertEqual(times, sorted(times))
        # only the two changes reached the trail from the API
        self.assertEqual(len([e for e in events if e["Event"] == "api"]), 2)


    def test_change_queued_behind_a_held_read_is_audited(self):
        # a backlog in the record file: the next records read is held
        # until the index has caught up; a PUT pipelined behind it on
        # the same connection is answered after it, and audited too
        line = json.dumps({
            "ContactId": "00000000-0000-4000-8000-%012d", "Channel": "VOICE",
            "InitiationTimestamp": "2024-05-01T10:00:00.000Z",
            "DisconnectTimestamp": "2024-05-01T10:01:00.000Z",
            "Attributes": {"Pad": "x" * 300}, "Queue": None})
        os.makedirs(os.path.dirname(self.d.records_path), exist_ok=True)
        with open(self.d.records_path, "a") as f:
            for i in range(5000):
                f.write(line.replace("%012d", "%012d" % i) + "\n")
        body = json.dumps({"status": "Available"}).encode()
        req = (b"GET /v1/contact-records?limit=1 HTTP/1.1\r\n"
               b"Host: x\r\n\r\n"
               b"PUT /v1/agents/agent1/status HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body) + body)
        with socket.create_connection(("127.0.0.1", self.d.http_port),
                                      timeout=10) as sk:
            sk.sendall(req)
            got = b""
            while got.count(b"HTTP/1.1 ") < 2 or not got.endswith(b"}"):
                chunk = sk.recv(65536)
                self.assertTrue(chunk, got[-300:])
                got += chunk
        self.assertTrue(got.startswith(b"HTTP/1.1 200"), got[:200])
        self.assertIn(b"HTTP/1.1 200", got[got.index(b"\r\n\r\n"):])
        put = self.wait_event(lambda e: e["Event"] == "api" and
                              e["Method"] == "PUT", "the pipelined PUT")
        self.assertEqual((put["Path"], put["Status"], put["Body"]),
                         ("/v1/agents/agent1/status", 200,
                          {"status": "Available"}))
        self.assertEqual(self.d.stop(), 0)


class AuditToken(unittest.TestCase):

    def test_refused_requests_without_the_token(self):
        d = Daemon(config={"api": {"token": TOKEN}})
        self.addCleanup(d.cleanup)
        d.config["http"]["listen"] = "0.0.0.0:%d" % d.http_port
        d.write_config()
        url = "http://127.0.0.1:%d/v1/flows" % d.http_port

        def get(token):
            req = urllib.request.Request(url)
            req.add_header("Authorization", "Bearer " + token)
            try:
                return urllib.request.urlopen(req, timeout=5).status
            except urllib.error.HTTPError as e:
                return e.code
            except OSError:
                return None

        d._healthy = lambda: d.proc.poll() is None and get(TOKEN) == 200
        d.start()
        self.assertEqual(get("wrong-" + TOKEN), 401)
        path = os.path.join(d.data_dir, "audit", "audit.jsonl")

        def refused():
            try:
                with open(path) as f:
                    return [json.loads(l) for l in f
                            if '"Status":401' in l] or None
            except FileNotFoundError:
                return None
        e = wait_for(refused, 10, "the refused request audited")[0]
        self.assertEqual((e["Method"], e["Path"], e["Reason"]),
                         ("GET", "/v1/flows", "no valid bearer token"))
        self.assertEqual(d.stop(), 0)
        with open(path) as f:
            text = f.read()
        self.assertNotIn(TOKEN, text)
        # the successful read was not audited
        self.assertEqual(text.count('"Event":"api"'), 1)


if __name__ == "__main__":
    unittest.main()
