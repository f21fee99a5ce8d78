"""callflowctl talks to a running daemon: health, flows (JSON and a
table), contacts, a raw api call with its exit code, and a clear error
and the same exit code (2) from every command when no daemon answers."""
import json
import unittest

import cfd
from daemon import Daemon, free_port

IVR = cfd.data("e2e", "flows", "ivr.json")


class CtlApi(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(flows=[IVR], numbers={"+18005550100": "E2E IVR"})
        cls.d.start()
        cls.api = "127.0.0.1:%d" % cls.d.http_port

    @classmethod
    def tearDownClass(cls):
        rc = cls.d.stop()
        cls.d.cleanup()
        assert rc == 0

    def test_health(self):
        p = cfd.callflowctl(["health", "--api", self.api])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["status"], "ok")

    def test_flows_json_and_table(self):
        p = cfd.callflowctl(["flows", "--api", self.api])
        self.assertEqual(p.returncode, 0, p.stderr)
        names = [f["name"] for f in json.loads(p.stdout)["flows"]]
        self.assertEqual(names, ["E2E IVR"])
        p = cfd.callflowctl(["flows", "--api", self.api, "--table"])
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.splitlines()
        self.assertTrue(lines[0].startswith("NAME"))
        self.assertIn("E2E IVR", lines[1])
        self.assertIn("CONTACT_FLOW", lines[1])
        self.assertIn("0 errors", lines[1])

    def test_contacts_empty(self):
        p = cfd.callflowctl(["contacts", "--api", self.api])
        self.assertEqual(p.returncode, 0)
        self.assertEqual(json.loads(p.stdout), {"contacts": []})

    def test_raw_api_and_exit_codes(self):
        p = cfd.callflowctl(["api", "--api", self.api, "GET", "/v1/none"])
        self.assertEqual(p.returncode, 1)
        self.assertIn("error", json.loads(p.stdout))

    def test_no_daemon(self):
        # every command that talks to the daemon: exit 2 when it cannot
        # be reached (1 is for an answer that is an error)
        api = "127.0.0.1:%d" % free_port()
        for args in (["health"], ["api", "GET", "/health"], ["records"],
                     ["records", "--id", "x"],
                     ["report", "queues", "--from", "-1h"]):
            p = cfd.callflowctl(args + ["--api", api])
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn("callflowctl: GET", p.stderr, args)
            self.assertEqual(p.stdout, "", args)

    def test_usage(self):
        p = cfd.callflowctl(["api", "--api", self.api, "GET"])
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
