"""callflowctl top against a running daemon, in batch mode: frames come
when the event stream says something changed (a caller queued, an agent
made Available) and show the queues, agents and live contacts the API
gives, with the events that caused them; -n stops after N frames; no
terminal escapes in batch output; a clear error without a daemon."""
import signal
import subprocess
import threading
import unittest

import cfd
from daemon import Daemon, free_port, sip_invite, wait_for

QUEUE_FLOW = cfd.data("e2e", "flows", "media_queue.json")
NUMBER = "+18005550100"


class Reader:
    """Collects a process's stdout as it comes."""

    def __init__(self, proc):
        self.proc = proc
        self.text = ""
        self.lock = threading.Lock()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        for line in self.proc.stdout:
            with self.lock:
                self.text += line

    def frames(self):
        with self.lock:
            return [f for f in self.text.split("callflowctl top - ")[1:]]

    def last_with(self, *texts):
        for f in reversed(self.frames()):
            if all(t in f for t in texts):
                return f
        return None


def section(frame, head):
    """The rows of one table of a frame (header first)."""
    lines = frame.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(head))
    out = []
    for l in lines[start:]:
        if not l.strip():
            break
        out.append(l.split())
    return out


class Top(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(
            flows=[QUEUE_FLOW], numbers={NUMBER: "E2E media queue"},
            config={"shutdown_grace_seconds": 0,
                    "queues": [{"name": "E2E queue"}, {"name": "Other"}],
                    "routing_profiles": [{"name": "P", "queues": [
                        {"queue": "E2E queue"}]}],
                    "agents": [{"username": "agent1",
                                "routing_profile": "P"}]})
        self.addCleanup(self.d.cleanup)
        self.d.start()
        self.api = "127.0.0.1:%d" % self.d.http_port

    def test_frames_follow_the_event_stream(self):
        p = subprocess.Popen([cfd.CTL, "top", "-b", "-d", "60", "--api",
                              self.api], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE,
                             universal_newlines=True)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        r = Reader(p)
        wait_for(lambda: r.last_with("events: live"), 20, "the stream")

        # a caller waits in the queue: one event-driven frame shows it
        out = sip_invite(self.d.sip_port, NUMBER)
        self.assertEqual(out[-1][0], 200)
        f = wait_for(lambda: r.last_with("contact.queued",
                                         "queue=E2E queue", "Queued"),
                     20, "a frame with the queued caller")
        _, live = self.d.http("GET", "/v1/contacts")
        [c] = live["contacts"]
        rows = section(f, "QUEUE")
        # "E2E queue", 1 waiting, for m:ss
        self.assertEqual(rows[1][:3], ["E2E", "queue", "1"])
        self.assertRegex(rows[1][3], r"^\d+:\d\d$")
        self.assertEqual(rows[2][:2], ["Other", "0"])
        crow = section(f, "CONTACT")[1]
        self.assertEqual(crow[0], c["ContactId"][:8])
        self.assertEqual(crow[1:4], ["+15550001111", NUMBER, "Queued"])
        self.assertIn("contact.initiated " + c["ContactId"][:8], f)
        self.assertIn("1 live contacts", f)

        # an agent made Available: agent.status arrives, a frame shows it
        code, _ = self.d.http("PUT", "/v1/agents/agent1/status",
                              {"status": "Available"})
        self.assertEqual(code, 200)
        f = wait_for(lambda: r.last_with("agent.status agent=agent1 "
                                         "status=Available"),
                     20, "a frame with the agent's new status")
        arow = section(f, "AGENT")[1]
        self.assertEqual(arow[:2], ["agent1", "Available"])
        self.assertNotIn("\x1b", r.text)

        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(20), 0, p.stderr.read())
        self.assertEqual(self.d.stop(), 0)

    def test_n_frames_then_exit(self):
        p = subprocess.run([cfd.CTL, "top", "-b", "-n", "2", "-d", "0.2",
                            "--api", self.api], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.count("callflowctl top - "), 2)
        self.assertEqual(p.stderr, "")
        frame = p.stdout.split("callflowctl top - ")[1]
        self.assertEqual(section(frame, "AGENT")[1][:3],
                         ["agent1", "Offline", "Offline"])
        self.assertEqual(len(section(frame, "CONTACT")), 1)

    def test_no_daemon(self):
        p = cfd.callflowctl(["top", "-b", "-n", "1", "--api",
                             "127.0.0.1:%d" % free_port()])
        self.assertEqual(p.returncode, 2)
        self.assertIn("Connection refused", p.stderr)
        self.assertEqual(cfd.callflowctl(["top", "-n", "0"]).returncode, 2)


if __name__ == "__main__":
    unittest.main()
