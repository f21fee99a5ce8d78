"""callflowctl import-connect: an Amazon Connect instance as the AWS CLI
prints it (tests/data/connect-instance: one file per call, in the
documented output shapes) becomes a configuration that --check-config
accepts, whose number reaches the imported flow over SIP, with a report
of everything that could not be carried over."""
import glob
import json
import os
import subprocess
import unittest

import cfd
from daemon import Daemon, Sipp

INSTANCE = cfd.data("connect-instance")
INST_ARN = ("arn:aws:connect:us-east-1:123456789012:instance/"
            "a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d")


class Import(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = cfd.TempDir().__enter__()
        cls.out = cls.tmp.join("imported")
        cls.p = cfd.callflowctl(["import-connect", INSTANCE, "-o", cls.out])
        with open(os.path.join(cls.out, "callflowd.json")) as f:
            cls.cfg = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.__exit__(None, None, None)

    def test_configuration(self):
        self.assertEqual(self.p.returncode, 0, self.p.stderr)
        cfg = self.cfg
        self.assertEqual(cfg["instance_arn"], INST_ARN)
        hours = {h["Name"]: h for h in cfg["hours_of_operation"]}
        self.assertEqual(sorted(hours), ["Basic Hours", "Office Hours"])
        self.assertEqual(hours["Office Hours"]["TimeZone"], "Europe/London")
        self.assertEqual(len(hours["Basic Hours"]["Config"]), 7)
        q = {x["name"]: x for x in cfg["queues"]}
        self.assertEqual(sorted(q), ["BasicQueue", "Billing", "Support"])
        self.assertEqual(q["Support"]["max_contacts"], 25)
        self.assertEqual(q["Support"]["outbound_caller_id"], "+18005550123")
        self.assertEqual(q["Billing"]["hours"],
                         hours["Office Hours"]["HoursOfOperationId"])
        self.assertTrue(q["Support"]["arn"].startswith(INST_ARN + "/queue/"))
        self.assertEqual(q["Support"]["queue_flow"], "Default customer queue")
        [rp] = cfg["routing_profiles"]
        self.assertEqual(rp["name"], "Basic Routing Profile")
        self.assertEqual([(x["queue"], x["priority"], x["delay"])
                          for x in rp["queues"]],
                         [(q["BasicQueue"]["id"], 1, 0),
                          (q["Support"]["id"], 2, 30)])
        self.assertEqual(rp["after_contact_work_seconds"], 20)
        agents = {a["username"]: a for a in cfg["agents"]}
        self.assertEqual(sorted(agents), ["asmith", "deskuser", "jdoe"])
        self.assertEqual(agents["jdoe"]["first_name"], "Jane")
        self.assertEqual(agents["jdoe"]["routing_profile"], rp["id"])
        for a in agents.values():
            self.assertNotIn("password", a)
            self.assertNotIn("ha1", a)
        self.assertEqual(cfg["numbers"], [{"number": "+18005550123",
                                           "flow": "Main IVR"}])
        self.assertEqual([p["path"] for p in cfg["prompts"]],
                         ["prompts/Beep.wav", "prompts/CustomerQueue.wav"])
        flows = sorted(os.path.basename(f) for f in glob.glob(
            os.path.join(self.out, "flows", "*.json")))
        self.assertEqual(flows, ["default_customer_queue.json",
                                 "main_ivr.json", "support_menu.json"])
        with open(os.path.join(self.out, "flows", "main_ivr.json")) as f:
            w = json.load(f)
        self.assertEqual(w["Name"], "Main IVR")
        self.assertEqual(w["Type"], "CONTACT_FLOW")
        self.assertTrue(w["Arn"].startswith(INST_ARN + "/contact-flow/"))
        self.assertEqual(json.loads(w["Content"])["StartAction"], "greet")

    def test_report_names_what_was_left(self):
        out = self.p.stdout
        with open(os.path.join(self.out, "IMPORT-REPORT.txt")) as f:
            report = f.read()
        for text in ('flow "Survey": no describe-contact-flow output',
                     'flow "Old outbound whisper" is archived',
                     'queue "Sales": no describe-queue output',
                     'queue "Billing" is DISABLED',
                     'routing profile "Chat Only": no describe-routing',
                     "user ghost: no describe-user output",
                     "number +442079460000: no flow answers it",
                     "3 agents imported without a SIP credential",
                     "1 agent used a desk phone",
                     "2 prompts: the CLI lists them but not their audio",
                     "2 quick connects not carried over (Billing desk, "
                     "Head office)",
                     "different after-contact work limits",
                     "loopback placeholders"):
            self.assertIn(text, out)
            self.assertIn(text, report)

    def test_daemon_accepts_it(self):
        conf = os.path.join(self.out, "callflowd.json")
        p = subprocess.run([cfd.DAEMON, "--check-config", "--config", conf],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("3 flows, 0 errors, 0 warnings", p.stdout)
        self.assertIn("configuration valid", p.stdout)
        # references by the old instance's ARNs all resolve here
        p = cfd.callflowctl(["validate", "--strict", "--config", conf,
                             os.path.join(self.out, "flows")])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("0 errors, 0 warnings", p.stdout)

    def test_number_reaches_the_imported_flow(self):
        cfg = dict(self.cfg)
        for k in ("sip", "http", "trunks", "flows_dir", "data_dir",
                  "numbers"):
            cfg.pop(k)
        d = Daemon(flows=glob.glob(os.path.join(self.out, "flows", "*")),
                   numbers={n["number"]: n["flow"]
                            for n in self.cfg["numbers"]},
                   config=cfg)
        self.addCleanup(d.cleanup)
        d.start()
        sipp = Sipp(d, "uac_until_bye.xml", "18005550123")
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + d.log()[-3000:])
        rec = d.wait_records(1)[-1]
        self.assertEqual(rec["SystemEndpoint"]["Address"], "+18005550123")
        attrs = rec["Attributes"]
        # Main IVR ran (hours by ARN open, queue by ARN found) and handed
        # over to Support menu by its ARN, which hung up
        self.assertEqual(attrs.get("Imported"), "yes", rec)
        self.assertEqual(attrs.get("QueueName"), "Support", rec)
        self.assertEqual(attrs.get("Menu"), "support", rec)
        self.assertEqual(rec["DisconnectReason"], "CONTACT_FLOW_DISCONNECT")
        self.assertEqual(d.stop(), 0)

    def test_refusals(self):
        with cfd.TempDir() as t:
            p = cfd.callflowctl(["import-connect", t.path, "-o",
                                 t.join("x")])
            self.assertEqual(p.returncode, 1)
            self.assertIn("no AWS CLI output found", p.stderr)
        # an earlier import is not overwritten by accident
        p = cfd.callflowctl(["import-connect", INSTANCE, "-o", self.out])
        self.assertEqual(p.returncode, 1)
        self.assertIn("--force", p.stderr)
        self.assertEqual(cfd.callflowctl(["import-connect"]).returncode, 2)


if __name__ == "__main__":
    unittest.main()
