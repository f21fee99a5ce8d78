"""callflowctl for operators: --version (and callflowd's), passwd (the
digest HA1 from standard input or a prompt without echo), and the
contacts table with aligned columns whatever the values' lengths."""
import hashlib
import os
import pty
import re
import select
import subprocess
import time
import unittest

import cfd
from daemon import Daemon, sip_invite, wait_for

WAIT = cfd.data("e2e", "flows", "wait.json")


def run(args, stdin=""):
    return subprocess.run([cfd.CTL] + args, input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)


class Version(unittest.TestCase):

    def test_both_programs_say_their_version(self):
        for prog, args in ((cfd.CTL, ["--version"]), (cfd.CTL, ["version"]),
                           (cfd.DAEMON, ["--version"])):
            p = subprocess.run([prog] + args, stdout=subprocess.PIPE,
                               universal_newlines=True, timeout=60)
            self.assertEqual(p.returncode, 0)
            name = os.path.basename(prog)
            self.assertRegex(p.stdout, r"^%s \d+\.\d+\.\d+\n$" % name)


class Passwd(unittest.TestCase):

    def test_ha1_from_stdin(self):
        p = run(["passwd", "agent1"], "s3cret\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, hashlib.md5(
            b"agent1:callflowd:s3cret").hexdigest() + "\n")
        p = run(["passwd", "agent1", "--realm", "pbx.example"], "s3cret")
        self.assertEqual(p.stdout.strip(), hashlib.md5(
            b"agent1:pbx.example:s3cret").hexdigest())

    def test_refusals(self):
        p = run(["passwd", "agent1"], "")
        self.assertEqual(p.returncode, 1)
        self.assertIn("empty password", p.stderr)
        self.assertEqual(p.stdout, "")
        p = run(["passwd", "a:b"], "x\n")
        self.assertEqual(p.returncode, 2)
        self.assertIn("ambiguous", p.stderr)
        self.assertEqual(run(["passwd"]).returncode, 2)

    def prompt(self, first, second):
        """Run passwd on a terminal, answer its two prompts; (exit code,
        everything the terminal showed)."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(cfd.CTL, [cfd.CTL, "passwd", "agent9"])
        shown = b""

        def read_until(text):
            nonlocal shown
            deadline = time.monotonic() + 30
            while text not in shown:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    raise AssertionError("no %r on the terminal: %r" %
                                         (text, shown))
                chunk = os.read(fd, 1024)
                if not chunk:
                    raise AssertionError("terminal closed: %r" % shown)
                shown += chunk
        read_until(b"Password: ")
        os.write(fd, first + b"\n")
        read_until(b"Again: ")
        os.write(fd, second + b"\n")
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), shown.decode()

    def test_prompt_without_echo(self):
        rc, shown = self.prompt(b"Typed-Secret", b"Typed-Secret")
        self.assertEqual(rc, 0, shown)
        self.assertNotIn("Typed-Secret", shown)
        self.assertIn(hashlib.md5(b"agent9:callflowd:Typed-Secret")
                      .hexdigest(), shown)
        rc, shown = self.prompt(b"one", b"two")
        self.assertEqual(rc, 1)
        self.assertIn("differ", shown)
        self.assertNotRegex(shown, r"[0-9a-f]{32}")


def columns(line):
    """Start offsets of the cells of a table line (cells are separated by
    two or more spaces)."""
    return [m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", line)]


class ContactsTable(unittest.TestCase):

    def test_columns_align(self):
        d = Daemon(flows=[WAIT], numbers={"+18005550100": "E2E Wait"},
                   config={"shutdown_grace_seconds": 0})
        self.addCleanup(d.cleanup)
        d.start()
        # a caller id longer than any fixed column width, and a short one
        for caller in ("anonymous.caller.from.a.long.pbx", "7"):
            out = sip_invite(d.sip_port, "+18005550100", caller=caller)
            self.assertEqual(out[-1][0], 200)
        wait_for(lambda: len(d.http("GET", "/v1/contacts")[1]["contacts"])
                 == 2, 20, "two live contacts")
        p = run(["contacts", "--table", "--api",
                 "127.0.0.1:%d" % d.http_port])
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 3, p.stdout)
        head = columns(lines[0])
        self.assertEqual(len(head), 6, lines[0])
        self.assertTrue(lines[0].startswith("CONTACT  "))
        for line in lines[1:]:
            self.assertEqual(columns(line), head, p.stdout)
            self.assertIn("E2E Wait / ", line)
        self.assertIn("anonymous.caller.from.a.long.pbx", p.stdout)
        self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    unittest.main()
