"""A module-based main flow reaching its queue, end to end (issue 17): SIPp
calls the daemon, the main flow invokes a flow module loaded from the flows
folder (it greets the caller, reads its input and returns a branch and
outputs), then queues the caller in Sales, whose customer queue flow
speaks and hangs up. The contact record holds what the module and the
main flow set, and the queue."""
import unittest

import cfd
from daemon import Daemon, Sipp

FLOWS = [cfd.data("e2e", "module-flows", f) for f in
         ("main.json", "greeting_module.json", "sales_queue.json")]
NUMBER = "+18005550166"
CONFIG = {"queues": [{"name": "Sales",
                      "queue_flow": "E2E Module queue flow"}]}


class Modules(unittest.TestCase):

    def setUp(self):
        self.d = Daemon(flows=FLOWS, numbers={NUMBER: "E2E Module main"},
                        config=CONFIG)
        self.d.start()

    def tearDown(self):
        rc = self.d.stop()
        self.d.cleanup()
        self.assertEqual(rc, 0, "callflowd exit code")

    def test_main_flow_runs_its_module_and_reaches_the_queue(self):
        sipp = Sipp(self.d, "uac_until_bye.xml", NUMBER[1:])
        rc = sipp.run()
        self.assertEqual(rc, 0, sipp.errors() + self.d.log()[-3000:])
        self.d.wait_log("queued in Sales")

        rec = self.d.wait_records(1)[-1]
        attrs = rec["Attributes"]
        # set inside the module, from its input
        self.assertEqual(attrs.get("ModuleCaller"), "+15551230000", rec)
        # the module's branch and outputs, back in the main flow
        self.assertEqual(attrs.get("ModuleResult"), "Success", rec)
        self.assertEqual(attrs.get("ModuleCode"), "42", rec)
        self.assertEqual(rec["Queue"]["Name"], "Sales", rec)
        self.assertIsNotNone(rec["Queue"].get("EnqueueTimestamp"), rec)


if __name__ == "__main__":
    unittest.main()
