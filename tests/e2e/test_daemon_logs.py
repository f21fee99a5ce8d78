"""The daemon's log lines: a UTC timestamp first when stderr is not the
journal (JOURNAL_STREAM, as systemd documents it), none when it is, and
never an ANSI escape code, even in libre's own bind errors."""
import json
import os
import re
import socket
import subprocess
import unittest

import cfd
from daemon import free_port

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z <\d>\w+: ")


class Logs(unittest.TestCase):

    def run_busy(self, journal):
        """Start the daemon on an HTTP port already taken: it logs libre's
        bind error and its own, and exits 1. Its stderr as text."""
        with cfd.TempDir() as t:
            busy = socket.socket()
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            cfg = t.write_json("c.json", {
                "flows_dir": t.path, "data_dir": t.join("data"),
                "sip": {"listen": ["udp:127.0.0.1:%d" % free_port()]},
                "http": {"listen": "127.0.0.1:%d" %
                         busy.getsockname()[1]}})
            env = dict(os.environ)
            env.pop("JOURNAL_STREAM", None)
            with open(t.join("stderr"), "w+b") as err:
                if journal:
                    st = os.fstat(err.fileno())
                    env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
                p = subprocess.run([cfd.DAEMON, "--config", cfg],
                                   stdout=subprocess.DEVNULL, stderr=err,
                                   env=env, timeout=60)
                err.seek(0)
                text = err.read().decode()
            busy.close()
        self.assertEqual(p.returncode, 1, text)
        self.assertNotIn("\x1b", text)
        self.assertIn("libre: tcp: sock_bind: bind: Address already in use",
                      text)
        self.assertIn("http: cannot listen on", text)
        return text.splitlines()

    def test_timestamps_off_the_journal(self):
        lines = self.run_busy(journal=False)
        self.assertGreater(len(lines), 2)
        for line in lines:
            self.assertRegex(line, STAMP)

    def test_journal_lines_have_only_the_priority(self):
        lines = self.run_busy(journal=True)
        for line in lines:
            self.assertRegex(line, r"^<\d>\w+: ")


if __name__ == "__main__":
    unittest.main()
